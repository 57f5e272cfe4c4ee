import { StringDecoder } from 'node:string_decoder';
import type { TldrErrorJSON } from '../errors.js';
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

export type ControlMessage =
  | { type: 'ps'; supervisor: SupervisorInfo; processes: ProcessStatus[] }
  | { type: 'line'; name: string; line: string; stream: 'stdout' | 'stderr' }
  | { type: 'state'; status: ProcessStatus; message?: string }
  | { type: 'ready'; processes: ProcessStatus[] }
  | { type: 'failed'; error: TldrErrorJSON }
  | { type: 'stopping' }
  | { type: 'stopped'; processes: ProcessStatus[] }
  | { type: 'end' }
  | { type: 'error'; message: string };

export type StartupOutcome = { ok: true; processes: ProcessStatus[] } | { ok: false; error: TldrErrorJSON };

/** The startup outcome a `wait` answer's last line carries (`ready` or `failed`); undefined for any other line. */
export function startupOutcomeOf(message: ControlMessage): StartupOutcome | undefined {
  if (message.type === 'ready') return { ok: true, processes: message.processes };
  if (message.type === 'failed') return { ok: false, error: message.error };
  return undefined;
}

/** A message line longer than this is dropped (reported as one malformed message), not buffered on. */
export const MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

/**
 * Splits a byte stream into parsed NDJSON objects; a malformed line is passed on as undefined.
 * Bytes are decoded with a streaming decoder, so a character split across chunks arrives whole.
 */
export function ndjsonReader(onMessage: (message: unknown) => void, maxChars = MAX_MESSAGE_CHARS): (chunk: Buffer | string) => void {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  let skipping = false;
  return (chunk) => {
    buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let newline: number;
    while ((newline = buffered.indexOf('\n', start)) >= 0) {
      const line = buffered.slice(start, newline);
      start = newline + 1;
      if (skipping) {
        skipping = false;
        continue;
      }
      if (!line.trim()) continue;
      try {
        onMessage(JSON.parse(line));
      } catch {
        onMessage(undefined);
      }
    }
    buffered = buffered.slice(start);
    if (buffered.length > maxChars) {
      if (!skipping) onMessage(undefined);
      skipping = true;
      buffered = '';
    }
  };
}
