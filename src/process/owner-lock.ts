import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { EnvironmentError } from '../errors.js';
import { currentOwner } from './owner.js';
import { isAlive, type ProcessIdentity } from './process-table.js';

export interface LockOptions {
  /** Give up waiting after this long (exit 3). `Infinity` waits as long as the holder runs. @default 120000 */
  timeoutMs?: number;
  /** Stop waiting when it aborts (rejects with its reason). */
  signal?: AbortSignal;
  /** Called once, when the lock is held by another live process and this one starts to wait. */
  onWait?: (holder: ProcessIdentity) => void;
  /** What the lock guards, for the timeout message. @default 'this lock' */
  what?: string;
}

/** What a lock file says about its holder. */
type Holder = { kind: 'owner'; owner: ProcessIdentity; ino: number } | { kind: 'stale'; ino: number } | { kind: 'released' };

// A lock file left by a tldr from before owners were written (bare pid or empty) counts as stale after this.
const LEGACY_GRACE_MS = 10_000;

/**
 * Runs `work` holding a lock file, so two tldr runs never do the same thing at once (initdb of one
 * instance, tests on one kept test database). Taking it is one atomic step: the owner (pid + start
 * time) is written to a private temp file first, then hard-linked to `path` — the file never exists
 * half-written. A lock counts as stale only when its owner is provably gone; breaking a stale lock
 * happens under a second lock (`path.break`), so two waiters cannot both break it and both win.
 */
export async function withLock<T>(path: string, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const held = await acquire(path, options);
  try {
    return await work();
  } finally {
    release(path, held);
  }
}

async function acquire(path: string, options: LockOptions): Promise<number> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const owner = currentOwner();
  const temp = `${path}.${owner.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
  let told = false;
  try {
    for (;;) {
      if (tryLink(temp, path)) return statSync(temp).ino;
      const holder = readHolder(path);
      if (holder.kind === 'released') continue;
      if (holder.kind === 'stale') {
        if (!breakStale(path, holder.ino, temp)) await delay(5);
        continue;
      }
      if (!told) options.onWait?.(holder.owner);
      told = true;
      if (Date.now() > deadline) {
        throw new EnvironmentError(`another tldr run (pid ${holder.owner.pid}) holds ${options.what ?? 'this lock'}: ${path}`, {
          code: 'locked',
          hint: `wait for pid ${holder.owner.pid} to finish; the lock goes with it`,
        });
      }
      options.signal?.throwIfAborted();
      await delay(50, undefined, options.signal ? { signal: options.signal } : {}).catch(() => options.signal?.throwIfAborted());
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readHolder(path: string): Holder {
  let text: string;
  let stat;
  try {
    stat = statSync(path);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'released' };
    throw error;
  }
  const owner = parseOwner(text);
  if (owner) return isAlive(owner) ? { kind: 'owner', owner, ino: stat.ino } : { kind: 'stale', ino: stat.ino };
  // A bare pid (older tldr): stale when that pid is gone. Anything else: when it is old enough.
  const pid = Number(text.trim());
  const legacyAlive = Number.isInteger(pid) && pid > 0 ? pidAlive(pid) : Date.now() - stat.mtimeMs < LEGACY_GRACE_MS;
  return legacyAlive ? { kind: 'owner', owner: { pid: Number.isInteger(pid) ? pid : 0, startTime: '?' }, ino: stat.ino } : { kind: 'stale', ino: stat.ino };
}

// Under `path.break`: remove the lock only if it is still the stale file that was judged. False when another process is breaking it.
function breakStale(path: string, ino: number, temp: string): boolean {
  const guard = `${path}.break`;
  if (!tryLink(temp, guard)) {
    if (readHolder(guard).kind === 'stale') rmSync(guard, { force: true }); // a breaker that died inside this function
    return false;
  }
  try {
    if (statSync(path, { throwIfNoEntry: false })?.ino === ino) unlinkSync(path);
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function release(path: string, ino: number): void {
  // Only our own file: should it ever have been taken from us, the new holder's lock stays.
  if (statSync(path, { throwIfNoEntry: false })?.ino === ino) rmSync(path, { force: true });
}

function parseOwner(text: string): ProcessIdentity | undefined {
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    return Number.isInteger(value.pid) && typeof value.startTime === 'string' ? { pid: value.pid!, startTime: value.startTime } : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
