/** How a process says it is ready (DESIGN.md § Processes): an HTTP answer, an open port, or a log line. */
export type ReadySpec = { kind: 'http'; url: string } | { kind: 'tcp'; host: string; port: number } | { kind: 'log'; pattern: string };

/** One supervised process, fully resolved: argv (never a shell string), cwd, env, policies in ms. Serialisable. */
export interface SupervisedProcess {
  name: string;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  ready?: ReadySpec;
  readyTimeoutMs: number;
  restart: 'no' | 'on-failure';
  /** Restarts in a row before giving up (the count resets after a stable run). */
  restartLimit: number;
  /** First restart delay; it doubles with each restart in a row. */
  restartBackoffMs: number;
  stopGraceMs: number;
  /**
   * A Django process (`manage …`) the background supervisor may start ahead, before its plan
   * arrives (src/supervisor/head-start.ts): the bootstrap's path, and where the script starts in
   * `args` (after the python argv prefix).
   */
  headStart?: { bootstrap: string; scriptAt: number };
}

export type ProcessState =
  /** not started yet */
  | 'pending'
  | 'starting'
  | 'ready'
  /** crashed; waiting out the backoff before the next start */
  | 'restarting'
  | 'stopping'
  | 'stopped'
  /** ended by itself with exit code 0 */
  | 'exited'
  /** ended by itself with an error and is not restarted */
  | 'crashed';

/** What `tldr ps` shows for a process. */
export interface ProcessStatus {
  name: string;
  state: ProcessState;
  pid: number | null;
  startedAt: string | null;
  uptimeMs: number | null;
  restarts: number;
  ready: boolean;
  /** The readiness check, e.g. `http http://127.0.0.1:8000/health/`. */
  readiness: string;
  /** Milliseconds from spawn to ready, for the last start. */
  readyAfterMs: number | null;
  exitCode: number | null;
  signal: string | null;
  /** Absolute path of `.tldr/logs/<name>.log`. */
  log: string;
}
