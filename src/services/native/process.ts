import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** Reads what a pid runs; the default reads /proc (Linux). */
export type CmdlineOf = (pid: number) => string | undefined;

export const procCmdline: CmdlineOf = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
};

/**
 * Whether `pid` is alive and still the program we started (`program` in its command line): a
 * recorded pid can be reused by an unrelated process after a reboot.
 */
export function isRunning(pid: number | undefined, program: string, cmdline: CmdlineOf = procCmdline): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const cmd = cmdline(pid);
  return cmd === undefined ? true : cmd.includes(program);
}

/** Waits until the process is gone; false when it outlives `timeoutMs`. */
export async function waitGone(pid: number, program: string, timeoutMs: number, cmdline: CmdlineOf = procCmdline): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid, program, cmdline)) {
    if (Date.now() > deadline) return false;
    await delay(25);
  }
  return true;
}

/** Resolves with a reason once the process is gone, polling until `signal` aborts (readiness fails fast). */
export async function watchExit(pid: number, program: string, what: string, signal: AbortSignal): Promise<string> {
  while (!signal.aborted) {
    if (!isRunning(pid, program)) return `${what} (pid ${pid}) exited`;
    await delay(100, undefined, { signal }).catch(() => undefined);
  }
  return new Promise<string>(() => undefined);
}

export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
