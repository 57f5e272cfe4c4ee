import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makePrivateDir, writePrivateFile } from '../config/private-files.js';
import type { Project } from '../config/project.js';
import { BackgroundProcess } from '../process/background.js';
import { withLock } from '../process/owner-lock.js';
import { isAlive } from '../process/process-table.js';
import { sleep } from '../process/sleep.js';
import { unixSocketPath } from '../process/socket-path.js';
import { terminateGroup } from '../process/terminate.js';
import { pythonHelperDir, withPythonPath } from './helpers.js';
import type { PythonChoice } from './python.js';
import { warmRequest } from './warm-client.js';

// The warm fork server's life: started detached (its own session and process group, so no
// terminal signal reaches it), recorded in `.tldr/warm.json` by pid + start time, found by the
// commands that use it, stopped by `tldr warm stop`, `tldr stop` (when the dev loop started it)
// and its own idle timeout.

/** Who started the server: `tldr warm start`, or the dev loop (stopped with it). */
export type WarmOwner = 'warm' | 'dev';

export interface WarmRecord {
  pid: number;
  startTime: string;
  socket: string;
  startedAt: string;
  owner: WarmOwner;
  idleTimeoutS: number;
  /** The server's stderr (Django's start-up errors) and its announcements. */
  log: string;
  events: string;
}

export interface WarmStart {
  python: PythonChoice;
  /** The environment tldr gives backend commands (services included). */
  env: Record<string, string>;
  /** Why it starts: shown by `tldr warm status` (`started by tldr warm start`, a stale reason). */
  reason: string;
  idleTimeoutS: number;
  owner: WarmOwner;
  /** Give up waiting for `ready` after this long. @default 60000 */
  timeoutMs?: number;
  /** Takes the secrets out of what Django's start wrote to the server's log (the project's passwords, the env's tokens). */
  redact: (text: string) => string;
}

export type WarmStarted = { ok: true; record: WarmRecord; ready: Record<string, unknown>; already: boolean } | { ok: false; reason: string; log: string };

const RECORD = 'warm.json';

/** `.tldr/warm.sock`, or a hashed name in the temp folder when that path is too long for a unix socket. */
export function warmSocketPath(stateDir: string, tmp?: string): string {
  return unixSocketPath(stateDir, 'warm', 'tldr-warm', tmp);
}

export function readWarmRecord(stateDir: string): WarmRecord | undefined {
  try {
    const value = JSON.parse(readFileSync(join(stateDir, RECORD), 'utf8')) as WarmRecord;
    return typeof value.pid === 'number' && typeof value.socket === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded server when that very process (pid + start time) still runs; a record left by a dead one is removed. */
export function liveWarmServer(stateDir: string): WarmRecord | undefined {
  const record = readWarmRecord(stateDir);
  if (!record) return undefined;
  if (isAlive(record)) return record;
  rmSync(join(stateDir, RECORD), { force: true });
  return undefined;
}

/** Starts a server unless one runs already (two callers at once: one starts it, the other uses it). */
export async function startWarmServer(project: Pick<Project, 'stateDir' | 'backendDir' | 'root' | 'config'>, start: WarmStart): Promise<WarmStarted> {
  makePrivateDir(join(project.stateDir, 'logs'));
  return withLock(join(project.stateDir, 'warm.lock'), async () => {
    const running = liveWarmServer(project.stateDir);
    if (running) {
      const status = await warmRequest(running.socket, { op: 'status' });
      if (status?.type === 'status') return { ok: true, record: running, ready: status, already: true };
    }
    return spawnServer(project, start);
  });
}

async function spawnServer(project: Pick<Project, 'stateDir' | 'backendDir' | 'root' | 'config'>, start: WarmStart): Promise<WarmStarted> {
  const socket = warmSocketPath(project.stateDir);
  const log = join(project.stateDir, 'logs', 'warm.log');
  const events = join(project.stateDir, 'logs', 'warm-events.ndjson');
  const [file, ...prefix] = start.python.argv;
  const watch = project.config.env_files.flatMap((name) => ['--watch', resolve(project.root, name)]);
  const argv = [
    file!,
    ...prefix,
    '-m',
    'tldr_forkserver',
    '--socket',
    socket,
    '--idle-timeout',
    String(start.idleTimeoutS),
    '--reason',
    start.reason,
    ...watch,
  ];
  const child = new BackgroundProcess({ argv, env: withPythonPath(start.env, pythonHelperDir()), cwd: project.backendDir, logFile: log, stdoutFile: events });
  child.send({}); // nothing to say: stdin closes (the server reads none)
  const deadline = Date.now() + (start.timeoutMs ?? 60_000);
  let ended: number | string | undefined;
  void child.exited.then((code) => (ended = code));
  for (;;) {
    const event = lastEvent(events);
    if (event || ended !== undefined || Date.now() > deadline) scrubLog(log, start.redact);
    if (event?.event === 'ready' && child.identity) {
      const record: WarmRecord = {
        pid: child.identity.pid,
        startTime: child.identity.startTime,
        socket,
        startedAt: new Date().toISOString(),
        owner: start.owner,
        idleTimeoutS: start.idleTimeoutS,
        log,
        events,
      };
      writePrivateFile(join(project.stateDir, RECORD), `${JSON.stringify(record, null, 2)}\n`, { atomic: true });
      child.handOff();
      return { ok: true, record, ready: event, already: false };
    }
    if (event?.event === 'refused') {
      await child.terminate();
      return { ok: false, reason: String(event.reason), log };
    }
    if (ended !== undefined) return { ok: false, reason: `it exited with ${ended} while starting (its log: ${log})`, log };
    if (Date.now() > deadline) {
      await child.terminate();
      return { ok: false, reason: `not ready after ${Math.round((start.timeoutMs ?? 60_000) / 1000)} s (its log: ${log})`, log };
    }
    await sleep(15);
  }
}

// The server outlives tldr, so its stderr cannot pass through tldr's redaction: once its start is
// over, the log is replaced by a redacted copy. The server keeps writing to the replaced file,
// which nobody can open any more (what it writes later is lost, never leaked).
function scrubLog(file: string, redact: (text: string) => string): void {
  try {
    writePrivateFile(file, redact(readFileSync(file, 'utf8')), { atomic: true });
  } catch {
    // no log yet
  }
}

function lastEvent(file: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n').filter((l) => l.trim());
  for (const line of lines.reverse()) {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
  }
  return undefined;
}

export interface WarmStopped {
  stopped: boolean;
  pid?: number;
  /** True when it did not stop on request and its group was terminated. */
  terminated?: boolean;
}

/** Stops the recorded server: a stop request, then SIGTERM/SIGKILL to its group when it does not go. */
export async function stopWarmServer(stateDir: string, { graceMs = 15_000 }: { graceMs?: number } = {}): Promise<WarmStopped> {
  const record = liveWarmServer(stateDir);
  if (!record) return { stopped: false };
  const asked = await warmRequest(record.socket, { op: 'stop' }, 2_000);
  const deadline = Date.now() + graceMs;
  while (asked && isAlive(record) && Date.now() < deadline) await sleep(20);
  let terminated = false;
  if (isAlive(record)) {
    terminated = true;
    await terminateGroup(record, { graceMs: 5_000 });
  }
  rmSync(join(stateDir, RECORD), { force: true });
  if (existsSync(record.socket) && !isAlive(record)) rmSync(record.socket, { force: true });
  return { stopped: true, pid: record.pid, terminated };
}

/** Forgets the record when it names `pid` (the server announced it is exiting: stale). */
export function forgetWarmServer(stateDir: string, pid: number): void {
  if (readWarmRecord(stateDir)?.pid === pid) rmSync(join(stateDir, RECORD), { force: true });
}
