import { existsSync, renameSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { makePrivateDir, privateWriteStream } from '../config/private-files.js';
import type { LineFeed } from './probe.js';

export type Stream = 'stdout' | 'stderr';
type Listener = (line: string, stream: Stream) => void;

/** Path of a process's log file: `.tldr/logs/<name>.log`. */
export function processLogPath(stateDir: string, name: string): string {
  return join(stateDir, 'logs', `${name}.log`);
}

/**
 * One process's output: appended (already redacted) to `.tldr/logs/<name>.log`, kept as a short
 * in-memory tail for error messages, and fanned out to listeners (terminal, probes, `logs -f`).
 * The previous run's file is kept as `<name>.log.1`.
 */
export class ProcessLog implements LineFeed {
  private readonly tailLines: string[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly file: WriteStream;

  constructor(
    readonly path: string,
    private readonly redact: (line: string) => string = (line) => line,
    private readonly keep = 200,
  ) {
    makePrivateDir(join(path, '..'));
    if (existsSync(path)) renameSync(path, `${path}.1`);
    this.file = privateWriteStream(path, 'a');
    this.file.on('error', () => undefined);
  }

  write(raw: string, stream: Stream): void {
    const line = this.redact(raw);
    this.tailLines.push(line);
    if (this.tailLines.length > this.keep) this.tailLines.shift();
    this.file.write(`${line}\n`);
    for (const listener of this.listeners) listener(line, stream);
  }

  /** A line from tldr itself (restarts, exits), marked so it cannot be mistaken for the process's own output. */
  mark(text: string): void {
    this.write(`[tldr] ${text}`, 'stderr');
  }

  tail(n: number): string[] {
    return this.tailLines.slice(-n);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.file.end(resolve));
  }
}
