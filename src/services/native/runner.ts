import type { ExecStdio } from '../provider.js';

/** Who a server process runs as: PostgreSQL refuses root, so as root it runs as an unprivileged user. */
export interface RunAs {
  uid: number;
  gid: number;
  /** The user's name, for messages. */
  user: string;
}

export interface RunnerOptions {
  /** The whole environment (replaces the caller's); default: this process's. */
  env?: Record<string, string>;
  cwd?: string;
  runAs?: RunAs;
  /** @default 60000 */
  timeoutMs?: number;
}

export interface RunnerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DetachedOptions extends RunnerOptions {
  /** stdout and stderr are appended here: a detached server never holds tldr's own output open. */
  logFile: string;
}

/**
 * How the native provider starts programs. services/ may not spawn processes (DESIGN.md's layer
 * rule), so the implementation lives in backend/native-servers.ts and pipelines/ hands it in.
 * Arguments are argv arrays, never a shell string.
 */
export interface NativeRunner {
  /** Runs to completion with output captured. */
  run(argv: string[], options?: RunnerOptions): Promise<RunnerResult>;
  /** Starts a server in its own session, output to `logFile`, and returns its pid without waiting. */
  spawnDetached(argv: string[], options: DetachedOptions): Promise<number>;
  /** A client with the caller's terminal or streams (psql, redis-cli); resolves to its exit code. */
  interactive(argv: string[], options: { env?: Record<string, string>; stdio: ExecStdio; tty: boolean; signal?: AbortSignal }): Promise<number>;
}
