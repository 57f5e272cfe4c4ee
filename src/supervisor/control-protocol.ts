import type { ProcessStatus } from './types.js';

/** One request per connection, one JSON object per line (NDJSON) both ways. */
export type ControlRequest =
  | { op: 'ps' }
  | { op: 'logs'; name: string; tail?: number; follow?: boolean }
  | { op: 'stop' }
  /**
   * Answers once start-up ended (ready or failed). With `lines` (the default) it first replays
   * what the processes printed so far, then streams their lines and state changes until then.
   */
  | { op: 'wait'; lines?: boolean };

export interface SupervisorInfo {
  pid: number;
  startedAt: string;
  configHash: string;
  configFile: string;
  detached: boolean;
  processes: string[];
}

export interface ErrorInfo {
  code: string;
  message: string;
  exitCode: number;
  hint?: string;
  details?: string[];
}

export type ControlMessage =
  | { type: 'ps'; supervisor: SupervisorInfo; processes: ProcessStatus[] }
  | { type: 'line'; name: string; line: string; stream: 'stdout' | 'stderr' }
  | { type: 'state'; status: ProcessStatus; message?: string }
  | { type: 'ready'; processes: ProcessStatus[] }
  | { type: 'failed'; error: ErrorInfo }
  | { type: 'stopping' }
  | { type: 'stopped'; processes: ProcessStatus[] }
  | { type: 'end' }
  | { type: 'error'; message: string };

export type StartupOutcome = { ok: true; processes: ProcessStatus[] } | { ok: false; error: ErrorInfo };

/** Splits a byte stream into parsed NDJSON objects; a malformed line is passed on as undefined. */
export function ndjsonReader(onMessage: (message: unknown) => void): (chunk: Buffer | string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.trim()) continue;
      try {
        onMessage(JSON.parse(line));
      } catch {
        onMessage(undefined);
      }
    }
  };
}
