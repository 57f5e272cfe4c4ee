import { constants } from 'node:os';

/** The number of a signal name on this platform (`SIGSEGV` → 11 on Linux), or undefined. */
export function signalNumber(signal: string): number | undefined {
  return (constants.signals as Record<string, number | undefined>)[signal];
}

/**
 * The exit status a shell reports for a child killed by `signal`: 128 + its number (SIGSEGV → 139,
 * SIGABRT → 134, SIGPIPE → 141). One table for everything in tldr that turns a signal into an exit
 * code: the platform's own (`os.constants.signals`). A name the platform does not know → 255.
 */
export function signalExitCode(signal: string): number {
  const number = signalNumber(signal);
  return number === undefined ? 255 : 128 + number;
}

/** A child's end as one exit code: its own code, else 128 + the signal's number. */
export function childExitCode(exit: { code: number | null; signal: string | null | undefined }): number {
  if (exit.code !== null) return exit.code;
  return exit.signal ? signalExitCode(exit.signal) : 1;
}
