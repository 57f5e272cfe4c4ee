import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { openPrivateFile } from '../config/private-files.js';
import { identify, type ProcessIdentity } from './process-table.js';

export interface BackgroundOptions {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** The background process's own stdout and stderr (e.g. `.tldr/logs/supervisor.log`). */
  logFile: string;
  /** Its stdout alone to this file (truncated first); stderr still goes to `logFile`. */
  stdoutFile?: string;
  /** The process already runs, spawned so (bin/tldr.js's early supervisor): adopt it instead of spawning. */
  adopt?: ChildProcess;
}

/**
 * A process that outlives this one (the detached dev-loop supervisor): its own session (setsid,
 * so no terminal signal reaches it), output to a log file, one message written to its stdin.
 * Start it early (its start-up then overlaps other work); disposing before `handOff()` stops it.
 */
export class BackgroundProcess implements AsyncDisposable {
  readonly identity: ProcessIdentity | undefined;
  /** Resolves with the exit code (or the signal name) if the process ends while we watch it. */
  readonly exited: Promise<number | string>;
  private readonly child: ChildProcess;
  private handedOff = false;

  constructor(options: BackgroundOptions) {
    this.child = options.adopt ?? spawnBackground(options);
    this.child.stdin?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => resolve(signal ?? code ?? 1));
      this.child.once('error', () => resolve('spawn-error'));
    });
    this.identity = this.child.pid === undefined ? undefined : (identify(this.child.pid) ?? { pid: this.child.pid, startTime: '?' });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Writes `message` as one JSON line; stdin stays open. */
  write(message: unknown): void {
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  /** Writes `message` as JSON and closes stdin (the detached supervisor then starts on its plan). */
  send(message: unknown): void {
    this.child.stdin?.end(`${JSON.stringify(message)}\n`);
  }

  /** From now on the process lives on its own: this one may exit without waiting for it. */
  handOff(): void {
    this.handedOff = true;
    this.child.unref();
  }

  /** SIGTERM (its session handler stops whatever it started) and wait for it to end. */
  async terminate(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin?.destroy();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.handedOff) await this.terminate();
  }
}

function spawnBackground(options: BackgroundOptions): ChildProcess {
  const [file, ...args] = options.argv;
  const log = openPrivateFile(options.logFile, 'a');
  const out = options.stdoutFile ? openPrivateFile(options.stdoutFile, 'w') : log;
  try {
    return spawn(file!, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', out, log] });
  } finally {
    closeSync(log);
    if (out !== log) closeSync(out);
  }
}
