import { join } from 'node:path';
import { DEFAULT_LOG_LIMITS, RotatingLog, type LogLimits } from '../output/rotating-log.js';
import { TailBuffer } from '../process/tail-buffer.js';
import type { LineFeed } from '../readiness/log.js';

export type Stream = 'stdout' | 'stderr';
type Listener = (line: string, stream: Stream) => void;

/** Path of a process's log file: `.tldr/logs/<name>.log`. */
export function processLogPath(stateDir: string, name: string): string {
  return join(stateDir, 'logs', `${name}.log`);
}

export { supervisorLogPath } from './plan.js';

/** In-memory tail for error messages and `logs` over the socket: this many lines, and at most this many characters. */
const TAIL_LINES = 200;
const TAIL_CHARS = 1024 * 1024;

/**
 * One process's output: appended (already redacted) to `.tldr/logs/<name>.log`, rotated by
 * size (the previous run's file is rotated to `.1` first), kept as a short in-memory tail for
 * error messages, and fanned out to listeners (terminal, probes, `logs -f`).
 */
export class ProcessLog implements LineFeed {
  private readonly recent = new TailBuffer(TAIL_LINES, TAIL_CHARS);
  private readonly listeners = new Set<Listener>();
  private readonly file: RotatingLog;

  constructor(
    readonly path: string,
    private readonly redact: (line: string) => string = (line) => line,
    limits: LogLimits = DEFAULT_LOG_LIMITS,
  ) {
    this.file = new RotatingLog(path, limits, { fresh: true });
  }

  write(raw: string, stream: Stream): void {
    const line = this.redact(raw);
    this.recent.push(line);
    this.file.write(`${line}\n`);
    for (const listener of this.listeners) listener(line, stream);
  }

  /** A line from tldr itself (restarts, exits), marked so it cannot be mistaken for the process's own output. */
  mark(text: string): void {
    this.write(`[tldr] ${text}`, 'stderr');
  }

  tail(n: number): string[] {
    return this.recent.lines(n);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.file.close();
  }
}
