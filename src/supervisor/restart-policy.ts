import { signalExitCode } from '../process/exit-status.js';
import type { SupervisedProcess } from './types.js';

/** A process that stayed up this long after being ready starts its restart count afresh. */
export const STABLE_RUN_MS = 30_000;
/** Backoff stops doubling here (unless restart_backoff itself is longer). */
export const MAX_BACKOFF_MS = 30_000;

export type RestartDecision = { restart: true; delayMs: number; attempt: number } | { restart: false; reason: string };

/**
 * What to do when a process ended on its own. Pure. `consecutive` = restarts in a row so far.
 * Exit code 0 is an ending, not a failure: `on-failure` leaves it alone.
 */
export function decideRestart(
  spec: Pick<SupervisedProcess, 'restart' | 'restartLimit' | 'restartBackoffMs'>,
  exit: { code: number | null; signal: string | null },
  consecutive: number,
): RestartDecision {
  if (exit.code === 0 && !exit.signal) return { restart: false, reason: 'exited with code 0' };
  if (spec.restart === 'no') return { restart: false, reason: 'restart: no' };
  if (consecutive >= spec.restartLimit) return { restart: false, reason: `restart_limit (${spec.restartLimit}) reached` };
  const cap = Math.max(MAX_BACKOFF_MS, spec.restartBackoffMs);
  return { restart: true, delayMs: Math.min(spec.restartBackoffMs * 2 ** consecutive, cap), attempt: consecutive + 1 };
}

/** `exit code 1`, `signal SIGKILL (exit status 137)`: how a process's end is reported everywhere. */
export function describeExit(exit: { code: number | null; signal: string | null; reason?: string }): string {
  if (exit.reason) return exit.reason;
  return exit.signal ? `signal ${exit.signal} (exit status ${signalExitCode(exit.signal)})` : `exit code ${exit.code ?? 'unknown'}`;
}
