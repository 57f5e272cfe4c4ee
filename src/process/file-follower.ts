import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { LineSplitter } from '../output/line-splitter.js';
import { sleep } from './sleep.js';

const CHUNK = 64 * 1024;

export interface FollowOptions {
  /**
   * Where to begin: the file's current end (`tail -F`), or its start (a file another process
   * fills from scratch, like the test runner's events).
   * @default 'end'
   */
  from?: 'start' | 'end';
  /** @default 100 */
  intervalMs?: number;
}

interface FileState {
  size: number;
  ino: number;
}

/**
 * Follows a file another process appends lines to, like `tail -F`: each line is handed over as it
 * arrives, read in bounded chunks and cut into bounded pieces (LineSplitter). Polling: the files
 * are local and flushed per line, so a short interval keeps lines live without fs.watch's
 * platform quirks. A file that does not exist yet is waited for; a rotation (the file renamed to
 * `<path>.1`, a new one in its place) is noticed, and what the old file got since the last read
 * is read from `.1` first.
 */
export class FileFollower implements AsyncDisposable {
  private current: FileState | undefined;
  private offset: number;
  private count = 0;
  private failure: unknown;
  private readonly splitter: LineSplitter;
  private readonly stopping = new AbortController();
  private readonly loop: Promise<void>;
  private stopped: Promise<number> | undefined;

  constructor(
    private readonly path: string,
    onLine: (line: string) => void,
    options: FollowOptions = {},
  ) {
    this.splitter = new LineSplitter((line) => {
      this.count++;
      onLine(line);
    });
    this.current = statOf(path);
    this.offset = options.from === 'start' ? 0 : (this.current?.size ?? 0);
    this.loop = this.run(options.intervalMs ?? 100);
  }

  /** Reads what is left, hands over the last line even when unterminated, and stops; resolves to the lines handed over. */
  stop(): Promise<number> {
    this.stopped ??= (async () => {
      this.stopping.abort();
      await this.loop;
      this.read();
      this.splitter.end();
      if (this.failure) throw this.failure;
      return this.count;
    })();
    return this.stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async run(intervalMs: number): Promise<void> {
    while (await sleep(intervalMs, this.stopping.signal)) this.read();
  }

  private read(): void {
    try {
      const now = statOf(this.path);
      if (!now) return;
      if (this.current && now.ino !== this.current.ino) {
        const old = statOf(`${this.path}.1`);
        if (old && old.ino === this.current.ino && old.size > this.offset) readRange(`${this.path}.1`, this.offset, old.size, this.splitter);
        this.splitter.end();
        this.offset = 0;
      } else if (now.size < this.offset) {
        this.splitter.end();
        this.offset = 0;
      }
      this.current = now;
      if (now.size > this.offset) this.offset = readRange(this.path, this.offset, now.size, this.splitter);
    } catch (error) {
      this.failure ??= error;
    }
  }
}

/** Prints lines appended to `path` from now on until `signal` aborts; resolves to how many there were. */
export async function followLog(path: string, onLine: (line: string) => void, signal: AbortSignal, intervalMs = 100): Promise<number> {
  const follower = new FileFollower(path, onLine, { intervalMs });
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  return follower.stop().catch(() => 0);
}

function readRange(path: string, from: number, to: number, splitter: LineSplitter): number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return from;
  }
  const chunk = Buffer.allocUnsafe(CHUNK);
  let position = from;
  try {
    while (position < to) {
      const read = readSync(fd, chunk, 0, Math.min(CHUNK, to - position), position);
      if (read === 0) break;
      splitter.push(chunk.subarray(0, read));
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return position;
}

function statOf(path: string): FileState | undefined {
  try {
    const { size, ino } = statSync(path);
    return { size, ino };
  } catch {
    return undefined;
  }
}
