import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** The last `n` lines of a text (all of them when `n` is undefined). Pure. */
export function lastLines(text: string, n: number | undefined): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return n === undefined ? lines : n <= 0 ? [] : lines.slice(-n);
}

/** The last `n` lines of a file, all when undefined (read from the end, so a big log costs little); none when it is missing. */
export function readLastLines(path: string, n?: number): string[] {
  if (n !== undefined && n <= 0) return [];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const chunk = 64 * 1024;
    let position = size;
    let text = '';
    while (position > 0 && (n === undefined || text.split('\n').length <= n + 1)) {
      const length = Math.min(chunk, position);
      position -= length;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, position);
      text = buffer.toString('utf8') + text;
    }
    return lastLines(text, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Prints lines appended to `path` until `signal` aborts, like `tail -F`: a new run of the dev
 * loop replaces the file (the old one becomes `.1`), which is noticed and followed from its start.
 */
export async function followLog(path: string, onLine: (line: string) => void, signal: AbortSignal, intervalMs = 100): Promise<number> {
  let offset = sizeOf(path) ?? 0;
  let inode = inodeOf(path);
  let pending = '';
  let count = 0;
  while (!signal.aborted) {
    await pause(intervalMs, signal);
    const size = sizeOf(path);
    if (size === undefined) continue;
    const currentInode = inodeOf(path);
    if (currentInode !== inode || size < offset) {
      inode = currentInode;
      offset = 0;
      pending = '';
    }
    if (size === offset) continue;
    const fd = openSync(path, 'r');
    try {
      const buffer = Buffer.alloc(size - offset);
      readSync(fd, buffer, 0, buffer.length, offset);
      offset = size;
      pending += buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      onLine(line);
      count++;
    }
  }
  return count;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function inodeOf(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}
