import { closeSync, copyFileSync, existsSync, fstatSync, ftruncateSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { makePrivateDir, openPrivateFile } from '../config/private-files.js';
import { dirname } from 'node:path';

/** How big a log file may grow and how many rotated ones (`.1` … `.keep`) stay (config `logs:`). */
export interface LogLimits {
  maxBytes: number;
  keep: number;
}

export const DEFAULT_LOG_LIMITS: LogLimits = { maxBytes: 20 * 1024 * 1024, keep: 3 };

/** Moves `path.1` … up by one, dropping what is beyond `keep` (`.1` is then free). */
export function shiftRotated(path: string, keep: number): void {
  for (let i = keep + 1; existsSync(`${path}.${i}`); i++) rmSync(`${path}.${i}`, { force: true });
  if (keep > 0) rmSync(`${path}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
}

/** `path` becomes `path.1` (older ones shift up, the oldest beyond `keep` goes); with keep 0 it is removed. */
export function rotateFiles(path: string, keep: number): void {
  shiftRotated(path, keep);
  if (!existsSync(path)) return;
  if (keep > 0) renameSync(path, `${path}.1`);
  else rmSync(path, { force: true });
}

/**
 * For a file another process writes through an fd it inherited (the background supervisor's
 * stdout): the content is copied to `path.1` and the file truncated in place. With O_APPEND
 * the writers carry on at the new end.
 */
export function copyTruncate(fd: number, path: string, keep: number): void {
  shiftRotated(path, keep);
  if (keep > 0) copyFileSync(path, `${path}.1`);
  ftruncateSync(fd, 0);
}

/**
 * Keeps a file that this process writes through an inherited fd (the background supervisor's
 * stderr, opened by its parent) within `limits`: checked every `intervalMs`, rotated in place.
 * Nothing happens when the fd is not that file (a terminal). Returns the stop function.
 */
export function watchInheritedLog(fd: number, path: string, limits: LogLimits, intervalMs = 1000): () => void {
  const timer = setInterval(() => {
    try {
      const own = fstatSync(fd);
      const file = statSync(path);
      if (own.ino === file.ino && own.dev === file.dev && own.size > limits.maxBytes) copyTruncate(fd, path, limits.keep);
    } catch {
      // the file went away: nothing to bound
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export interface RotatingLogOptions {
  /** Rotate what a previous run left before writing (the previous run's log becomes `.1`). */
  fresh?: boolean;
  /**
   * Rotate by copying to `.1` and truncating in place, so the file keeps its inode (a hard link
   * to it, like `test.log`, stays the current part).
   */
  inPlace?: boolean;
}

/**
 * An append-only log file that never grows past `maxBytes`: before a write would cross it, the
 * file is rotated. Files are private (0600). Writes are batched per tick and written
 * synchronously, so memory holds at most one batch and rotation never races a pending write.
 */
export class RotatingLog {
  private fd: number;
  private size: number;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;

  private readonly inPlace: boolean;

  constructor(
    readonly path: string,
    private readonly limits: LogLimits = DEFAULT_LOG_LIMITS,
    options: RotatingLogOptions = {},
  ) {
    this.inPlace = options.inPlace ?? false;
    try {
      makePrivateDir(dirname(path));
      if (options.fresh) rotateFiles(path, limits.keep);
    } catch {
      // opening says whether the file can be written at all
    }
    [this.fd, this.size] = open(path);
  }

  write(text: string): void {
    if (this.fd < 0) return;
    this.pending.push(text);
    this.pendingBytes += Buffer.byteLength(text);
    if (this.pendingBytes >= 64 * 1024) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.fd < 0 || this.pending.length === 0) return;
    const texts = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    let batch = '';
    let batchBytes = 0;
    for (const text of texts) {
      const bytes = Buffer.byteLength(text);
      if (this.size + batchBytes + bytes > this.limits.maxBytes && this.size + batchBytes > 0) {
        this.append(batch);
        this.rotate();
        batch = '';
        batchBytes = 0;
      }
      batch += text;
      batchBytes += bytes;
    }
    this.append(batch);
  }

  close(): void {
    this.flush();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private append(text: string): void {
    if (!text) return;
    try {
      this.size += writeSync(this.fd, text);
    } catch {
      // a full disk or a removed folder must not take the process down; the line is lost
    }
  }

  private rotate(): void {
    if (this.inPlace) {
      try {
        copyTruncate(this.fd, this.path, this.limits.keep);
        this.size = 0;
      } catch {
        // keep writing where we can
      }
      return;
    }
    try {
      closeSync(this.fd);
      rotateFiles(this.path, this.limits.keep);
    } catch {
      // keep writing where we can
    }
    [this.fd, this.size] = open(this.path);
  }
}

// An fd and the size so far; -1 (nothing written) when the file cannot be opened.
function open(path: string): [number, number] {
  try {
    const fd = openPrivateFile(path, 'a');
    return [fd, fstatSync(fd).size];
  } catch {
    return [-1, 0];
  }
}
