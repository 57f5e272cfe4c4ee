import { closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openPrivateFile, writePrivateFile } from '../config/private-files.js';
import type { ProcessIdentity } from '../process/process-table.js';

/** One supervised process group as `.tldr/supervisor.json` remembers it. */
export interface GroupRecord extends ProcessIdentity {
  startedAt: string;
  stopGraceMs: number;
}

/** `.tldr/supervisor.json`: who supervises (pid + start time), how to reach it, and every live group. */
export interface SupervisorRecordData {
  version: 1;
  owner: ProcessIdentity;
  startedAt: string;
  /** The control socket (NDJSON); may live outside .tldr/ when that path is too long for a unix socket. */
  socket: string;
  /** Hash of the config file text and `--only`: a second `tldr dev` with the same hash just reports this one. */
  configHash: string;
  configFile: string;
  detached: boolean;
  processes: string[];
  groups: Record<string, GroupRecord>;
}

export const RECORD_FILE = 'supervisor.json';

export function recordPath(stateDir: string): string {
  return join(stateDir, RECORD_FILE);
}

export function readRecord(stateDir: string): SupervisorRecordData | undefined {
  try {
    const data = JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as SupervisorRecordData;
    return data && data.version === 1 && data.owner ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the record only when none exists (O_EXCL): the file is also the one-dev-loop-per-checkout lock. */
export function createRecord(stateDir: string, data: SupervisorRecordData): boolean {
  let fd: number;
  try {
    fd = openPrivateFile(recordPath(stateDir), 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Atomic rewrite (write + rename), so a reader or a crash never sees half a file. */
export function writeRecord(stateDir: string, data: SupervisorRecordData): void {
  writePrivateFile(recordPath(stateDir), `${JSON.stringify(data, null, 2)}\n`, { atomic: true });
}

export function removeRecord(stateDir: string): void {
  rmSync(recordPath(stateDir), { force: true });
}

/** The record's owner-side handle: keeps the groups in the file in step with what runs. */
export class SupervisorRecord {
  constructor(
    readonly stateDir: string,
    private data: SupervisorRecordData,
  ) {}

  get current(): SupervisorRecordData {
    return this.data;
  }

  update(change: (data: SupervisorRecordData) => void): void {
    change(this.data);
    writeRecord(this.stateDir, this.data);
  }

  addGroup(name: string, group: GroupRecord): void {
    this.update((d) => (d.groups[name] = group));
  }

  removeGroup(name: string): void {
    this.update((d) => delete d.groups[name]);
  }

  /** Removes the file, but only while it is still ours (a handoff may have given it away). */
  release(self: ProcessIdentity): void {
    const onDisk = readRecord(this.stateDir);
    if (onDisk && onDisk.owner.pid === self.pid && onDisk.owner.startTime === self.startTime) removeRecord(this.stateDir);
  }
}

const same = (a: ProcessIdentity, b: ProcessIdentity) => a.pid === b.pid && a.startTime === b.startTime;

/**
 * The background supervisor takes the record over from the `tldr dev --detach` that created it
 * (and is waiting for it). Anyone else's record is left alone: undefined.
 */
export function adoptRecord(stateDir: string, from: ProcessIdentity, self: ProcessIdentity): SupervisorRecord | undefined {
  const data = readRecord(stateDir);
  if (!data || !(same(data.owner, from) || same(data.owner, self))) return undefined;
  data.owner = self;
  writeRecord(stateDir, data);
  return new SupervisorRecord(stateDir, data);
}
