import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Who made a file (a lock, a temp folder, a per-run log): a pid plus that process's start time,
 * so a pid the kernel has since given to another process never passes for the owner.
 */
export interface ProcessOwner {
  pid: number;
  /** Opaque: /proc/<pid>/stat field 22 (clock ticks since boot) on Linux, `ps -o lstart` elsewhere. */
  startTime: string;
}

/** The start time of a live (non-zombie) process, or undefined when there is none with that pid. */
export function startTimeOf(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    try {
      // Fields after the command name, which may itself hold spaces and parentheses: state is the first, starttime the 20th.
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      return fields[0] === 'Z' ? undefined : fields[19];
    } catch {
      return undefined;
    }
  }
  try {
    const out = execFileSync('ps', ['-p', String(pid), '-o', 'stat=,lstart='], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out && !out.startsWith('Z') ? out.replace(/^\S+\s+/, '') : undefined;
  } catch {
    return undefined;
  }
}

let self: ProcessOwner | undefined;

/** This process as an owner. */
export function currentOwner(): ProcessOwner {
  return (self ??= { pid: process.pid, startTime: startTimeOf(process.pid) ?? String(Math.round(performance.timeOrigin)) });
}

/** True while that exact process runs; false once it has exited (or its pid belongs to someone else). */
export function ownerAlive(owner: ProcessOwner): boolean {
  return startTimeOf(owner.pid) === owner.startTime;
}

/** `<pid>-<start>` for file names: the start time itself where it is digits (Linux), else a short hash of it. */
export function ownerTag(owner: ProcessOwner = currentOwner()): string {
  const start = /^\d+$/.test(owner.startTime) ? owner.startTime : createHash('sha256').update(owner.startTime).digest('hex').slice(0, 10);
  return `${owner.pid}-${start}`;
}

/** Whether the process named by an `ownerTag` still runs. */
export function tagAlive(tag: string): boolean {
  const pid = Number(tag.split('-')[0]);
  const startTime = startTimeOf(pid);
  return startTime !== undefined && ownerTag({ pid, startTime }) === tag;
}
