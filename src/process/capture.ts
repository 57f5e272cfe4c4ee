export interface CaptureOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** @default 20000 */
  timeoutMs?: number;
}

export interface Captured {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Why it failed when it did (not found, timed out, the exit code). */
  message?: string;
}

/**
 * Runs a program to completion with its output captured, through execa: for cold paths (`tldr
 * doctor`) where its ~90 ms of loading does not matter. Hot paths use runCommand (node:child_process).
 */
export async function capture(file: string, args: string[], options: CaptureOptions = {}): Promise<Captured> {
  const { execa } = await import('execa');
  const result = await execa(file, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.env ? { env: options.env } : {}),
    reject: false,
    timeout: options.timeoutMs ?? 20_000,
  });
  return {
    exitCode: result.exitCode ?? 1,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    ...(result.failed ? { message: result.message } : {}),
  };
}
