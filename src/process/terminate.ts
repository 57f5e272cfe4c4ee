import { defaultProcessTable, isAlive, type ProcessIdentity, type ProcessTable } from './process-table.js';

export type Kill = (pid: number, signal: NodeJS.Signals | 0) => void;

export interface TerminateOptions {
  /** SIGKILL to the whole group after this long. */
  graceMs: number;
  /** Resolves when the leader has exited (our own child); without it the leader is polled by identity. */
  leaderExited?: Promise<unknown>;
  table?: ProcessTable;
  kill?: Kill;
  /** @default 25 */
  pollMs?: number;
}

export interface TerminateOutcome {
  /** True when SIGKILL was needed. */
  killed: boolean;
  durationMs: number;
}

const systemKill: Kill = (pid, signal) => process.kill(pid, signal);

function trySignal(kill: Kill, pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Members of the group that are still running; the cheap kill(-pgid, 0) first, the table scan only when it says yes. */
export function liveMembers(pgid: number, table: ProcessTable = defaultProcessTable, kill: Kill = systemKill): number[] {
  if (!trySignal(kill, -pgid, 0)) return [];
  return table.groupMembers(pgid);
}

/**
 * Stops a process group: SIGTERM to the leader first — Celery then runs its warm shutdown and
 * stops its pool itself, which a group-wide SIGTERM would kill mid-task — then, once the leader
 * has exited, one SIGTERM to whatever is left in its group (`npm run` → sh → node), and SIGKILL
 * to the whole group when `graceMs` has passed. Every process gets at most one SIGTERM.
 */
export async function terminateGroup(leader: ProcessIdentity, options: TerminateOptions): Promise<TerminateOutcome> {
  const table = options.table ?? defaultProcessTable;
  const kill = options.kill ?? systemKill;
  const pollMs = options.pollMs ?? 25;
  const pgid = leader.pid;
  const started = Date.now();
  let leaderGone = !isAlive(leader, table);
  options.leaderExited?.then(() => (leaderGone = true));
  if (!leaderGone) trySignal(kill, pgid, 'SIGTERM');
  let restSignalled = false;
  while (Date.now() - started < options.graceMs) {
    if (!options.leaderExited && !leaderGone) leaderGone = !isAlive(leader, table);
    if (leaderGone) {
      const members = liveMembers(pgid, table, kill);
      if (members.length === 0) return { killed: false, durationMs: Date.now() - started };
      if (!restSignalled) {
        trySignal(kill, -pgid, 'SIGTERM');
        restSignalled = true;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  trySignal(kill, -pgid, 'SIGKILL');
  if (!leaderGone) trySignal(kill, pgid, 'SIGKILL');
  // SIGKILL cannot be ignored; wait (briefly) until the kernel has taken them down.
  const until = Date.now() + 2000;
  while (liveMembers(pgid, table, kill).length > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, pollMs));
  return { killed: true, durationMs: Date.now() - started };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The synchronous last resort for a process that is exiting (process 'exit' cannot await): the
 * same leader-first SIGTERM, a blocking wait of at most `graceMs`, then SIGKILL to every group.
 */
export function terminateGroupsSync(leaders: ProcessIdentity[], graceMs: number, table: ProcessTable = defaultProcessTable, kill: Kill = systemKill): void {
  const restSignalled = new Set<number>();
  // graceMs 0 means "now" (a second Ctrl-C): no SIGTERM that would turn a warm shutdown cold, just SIGKILL.
  if (graceMs > 0) for (const leader of leaders) if (isAlive(leader, table)) trySignal(kill, leader.pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  let pending = leaders;
  while (pending.length > 0 && Date.now() < until) {
    pending = pending.filter((l) => liveMembers(l.pid, table, kill).length > 0);
    for (const leader of pending) {
      if (restSignalled.has(leader.pid) || isAlive(leader, table)) continue;
      trySignal(kill, -leader.pid, 'SIGTERM');
      restSignalled.add(leader.pid);
    }
    if (pending.length) Atomics.wait(sleeper, 0, 0, 25);
  }
  for (const leader of pending) {
    const now = table.stat(leader.pid);
    if (now && now.startTime !== leader.startTime) continue; // the pid is someone else's now
    trySignal(kill, -leader.pid, 'SIGKILL');
    trySignal(kill, leader.pid, 'SIGKILL');
  }
}
