import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** A process as the kernel describes it: enough to tell a recycled pid from ours. */
export interface ProcStat {
  pid: number;
  /** Process group id. */
  pgrp: number;
  /** One-letter state; `Z` is a zombie (dead, not yet reaped). */
  state: string;
  /** An opaque start-time token: /proc/<pid>/stat field 22 on Linux, `ps -o lstart` elsewhere. */
  startTime: string;
}

/** A pid plus its start time: the same pair never names two different processes. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** Reads the process table; the supervisor and the reaper only ever ask these two questions. */
export interface ProcessTable {
  stat(pid: number): ProcStat | undefined;
  /** Live (non-zombie) members of a process group. */
  groupMembers(pgid: number): number[];
}

/** Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses, so fields are counted after the last `)`. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // After ")": field 3 (state) is index 0, field 5 (pgrp) index 2, field 22 (starttime) index 19.
  const rest = text.slice(close + 2).split(' ');
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = rest[19];
  if (!Number.isInteger(pid) || !state || !Number.isInteger(pgrp) || !startTime) return undefined;
  return { pid, pgrp, state, startTime };
}

export class ProcfsTable implements ProcessTable {
  constructor(private readonly root = '/proc') {}

  stat(pid: number): ProcStat | undefined {
    try {
      return parseProcStat(readFileSync(`${this.root}/${pid}/stat`, 'utf8'));
    } catch {
      return undefined;
    }
  }

  groupMembers(pgid: number): number[] {
    const members: number[] = [];
    for (const entry of readdirSync(this.root)) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = this.stat(Number(entry));
      if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(stat.pid);
    }
    return members;
  }
}

// Where there is no /proc (macOS), `ps` answers the same questions.
export class PsTable implements ProcessTable {
  stat(pid: number): ProcStat | undefined {
    return this.list([`-p`, String(pid)])[0];
  }

  groupMembers(pgid: number): number[] {
    return this.list(['-A'])
      .filter((p) => p.pgrp === pgid && !p.state.startsWith('Z'))
      .map((p) => p.pid);
  }

  private list(select: string[]): ProcStat[] {
    let text: string;
    try {
      text = execFileSync('ps', [...select, '-o', 'pid=,pgid=,stat=,lstart='], { encoding: 'utf8' });
    } catch {
      return [];
    }
    return text
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.+?)\s*$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ pid: Number(m[1]), pgrp: Number(m[2]), state: m[3]!, startTime: m[4]! }));
  }
}

export const defaultProcessTable: ProcessTable = process.platform === 'linux' ? new ProcfsTable() : new PsTable();

/** The identity of a running pid, or undefined when it is gone (or a zombie). */
export function identify(pid: number, table: ProcessTable = defaultProcessTable): ProcessIdentity | undefined {
  const stat = table.stat(pid);
  return stat && stat.state !== 'Z' ? { pid, startTime: stat.startTime } : undefined;
}

/** True when this exact process (not a later one that got its pid) still runs. */
export function isAlive(id: ProcessIdentity, table: ProcessTable = defaultProcessTable): boolean {
  return identify(id.pid, table)?.startTime === id.startTime;
}
