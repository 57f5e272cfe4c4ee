import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../config/private-files.js';
import type { ProcessStatus } from './types.js';

/** How a dev loop ended: `tldr stop`, a signal, every process done, a crash, a failed start, or the supervisor itself died. */
export type LoopEndReason = 'stopped' | 'interrupted' | 'exited' | 'crashed' | 'failed' | 'died';

/** `.tldr/last-loop.json`: what `tldr ps` reports once the loop is gone. */
export interface LoopEnding {
  version: 1;
  /** The supervisor: the foreground `tldr dev` or the background one. */
  pid: number;
  detached: boolean;
  startedAt: string;
  endedAt: string;
  reason: LoopEndReason;
  /** One line, e.g. `web crashed: signal SIGKILL`. */
  summary: string;
  /** The process whose end ended the loop (crashed, failed). */
  process?: { name: string; exitCode: number | null; signal: string | null; log: string };
  /** Every process as it was at the end. */
  processes: Array<Pick<ProcessStatus, 'name' | 'state' | 'exitCode' | 'signal' | 'restarts' | 'log'>>;
  /** The background supervisor's own log. */
  supervisorLog?: string;
}

export const LAST_RUN_FILE = 'last-loop.json';

export function writeLastRun(stateDir: string, ending: LoopEnding): void {
  writePrivateFile(join(stateDir, LAST_RUN_FILE), `${JSON.stringify(ending, null, 2)}\n`, { atomic: true });
}

export function readLastRun(stateDir: string): LoopEnding | undefined {
  try {
    const data = JSON.parse(readFileSync(join(stateDir, LAST_RUN_FILE), 'utf8')) as LoopEnding;
    return data?.version === 1 && typeof data.reason === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The per-process part of an ending, from the statuses at the end. */
export function endedProcesses(statuses: ProcessStatus[]): LoopEnding['processes'] {
  return statuses.map(({ name, state, exitCode, signal, restarts, log }) => ({ name, state, exitCode, signal, restarts, log }));
}
