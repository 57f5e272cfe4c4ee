import { createHash } from 'node:crypto';
import { identify, type ProcessIdentity } from './process-table.js';

/** The start time of a live (non-zombie) process, or undefined when there is none with that pid. */
export function startTimeOf(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return identify(pid)?.startTime;
}

let self: ProcessIdentity | undefined;

/**
 * This process as the owner of what it makes (a lock, a temp folder, a per-run log): its pid plus
 * its start time, so a pid the kernel has since given to another process never passes for it.
 */
export function currentOwner(): ProcessIdentity {
  return (self ??= { pid: process.pid, startTime: startTimeOf(process.pid) ?? String(Math.round(performance.timeOrigin)) });
}

/** `<pid>-<start>` for file names: the start time itself where it is digits (Linux), else a short hash of it. */
export function ownerTag(owner: ProcessIdentity = currentOwner()): string {
  const start = /^\d+$/.test(owner.startTime) ? owner.startTime : createHash('sha256').update(owner.startTime).digest('hex').slice(0, 10);
  return `${owner.pid}-${start}`;
}

/** Whether the process named by an `ownerTag` still runs. */
export function tagAlive(tag: string): boolean {
  const pid = Number(tag.split('-')[0]);
  const startTime = startTimeOf(pid);
  return startTime !== undefined && ownerTag({ pid, startTime }) === tag;
}
