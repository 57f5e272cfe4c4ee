import { lstatSync, rmSync } from 'node:fs';
import { defaultProcessTable, isAlive, type ProcessTable } from '../process/process-table.js';
import { readLastRun, writeLastRun } from './last-run.js';
import { processLogPath } from './process-log.js';
import { readRecord, removeRecord, type SupervisorRecordData } from './record.js';
import { liveMembers, terminateGroup, type Kill } from '../process/terminate.js';

export interface ReapedGroup {
  name: string;
  pid: number;
  /** Processes of the group still running when found. */
  processes: number;
  /** True when SIGKILL was needed after the grace period. */
  killed: boolean;
}

export interface ReapOutcome {
  /** The record of a supervisor that is still running (nothing was touched). */
  running?: SupervisorRecordData;
  /** Groups left behind by a supervisor that died (kill -9, power loss) and stopped now. */
  reaped: ReapedGroup[];
  /** True when a record of a dead supervisor was found and removed. */
  cleaned: boolean;
}

export interface ReapOptions {
  table?: ProcessTable;
  kill?: Kill;
  /**
   * Cap on each group's grace period. A leftover writes into a pipe nobody reads any more, and
   * Celery then ignores SIGTERM (BrokenPipeError in its handler): waiting longer only delays.
   * @default 3000
   */
  maxGraceMs?: number;
}

/**
 * Finds what a dead supervisor left behind — its record names each group's leader pid and start
 * time — and stops it. A leader pid now used by another process is never touched; a group whose
 * leader is gone but whose members live on is still ours (Linux does not hand out a pid while
 * a process group of that number exists). Never kills by name.
 */
export async function reapLeftovers(stateDir: string, options: ReapOptions = {}): Promise<ReapOutcome> {
  const table = options.table ?? defaultProcessTable;
  const record = readRecord(stateDir);
  if (!record) return { reaped: [], cleaned: false };
  if (isAlive(record.owner, table)) return { running: record, reaped: [], cleaned: false };
  const names = Object.keys(record.groups);
  const reaped = await Promise.all(
    names.map(async (name): Promise<ReapedGroup | undefined> => {
      const group = record.groups[name]!;
      const stat = table.stat(group.pid);
      if (stat && stat.startTime !== group.startTime) return undefined;
      const members = liveMembers(group.pid, table, options.kill);
      if (members.length === 0) return undefined;
      const graceMs = Math.min(group.stopGraceMs, options.maxGraceMs ?? 3000);
      const outcome = await terminateGroup(group, { graceMs, table, ...(options.kill ? { kill: options.kill } : {}) });
      return { name, pid: group.pid, processes: members.length, killed: outcome.killed };
    }),
  );
  removeRecord(stateDir);
  removeSocket(record.socket);
  const found = reaped.filter((r): r is ReapedGroup => r !== undefined);
  rememberDeath(stateDir, record, found);
  return { reaped: found, cleaned: true };
}

// A supervisor that died (kill -9) wrote no ending of its own: `tldr ps` says what happened.
function rememberDeath(stateDir: string, record: SupervisorRecordData, reaped: ReapedGroup[]): void {
  if (readLastRun(stateDir)?.pid === record.owner.pid) return;
  const left = reaped.length ? `; stopped what it left running: ${reaped.map((g) => g.name).join(', ')}` : '';
  try {
    writeLastRun(stateDir, {
      version: 1,
      pid: record.owner.pid,
      detached: record.detached,
      startedAt: record.startedAt,
      endedAt: new Date().toISOString(),
      reason: 'died',
      summary: `the dev loop (pid ${record.owner.pid}) ended without stopping its processes (killed?)${left}`,
      processes: record.processes.map((name) => ({ name, state: 'stopped', exitCode: null, signal: null, restarts: 0, log: processLogPath(stateDir, name) })),
    });
  } catch {
    // .tldr/ not writable: the reaper's own report says it
  }
}

/** Removes a control socket file left behind; anything that is not a socket is left alone. */
export function removeSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}
