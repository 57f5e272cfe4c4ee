import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openPrivateFile } from '../config/private-files.js';
import { identify, type ProcessIdentity } from './process-table.js';

/** The CLI entry a background supervisor runs: `node bin/tldr.js supervise`. */
export const defaultSupervisorArgv = (): string[] => [process.execPath, fileURLToPath(new URL('../../bin/tldr.js', import.meta.url)), 'supervise'];

export interface LaunchOptions {
  /** @default defaultSupervisorArgv() */
  argv?: string[];
  env: Record<string, string>;
  cwd: string;
  /** The background process's own stdout and stderr (`.tldr/logs/supervisor.log`). */
  logFile: string;
}

/**
 * A background supervisor process: its own session (setsid, so no terminal signal reaches it),
 * output to a log file, its plan written to its stdin. Started early so that Node's start-up
 * overlaps the services and migration steps; disposing before `handOff()` stops it again.
 */
export class BackgroundSupervisor implements AsyncDisposable {
  readonly identity: ProcessIdentity | undefined;
  /** Resolves with the exit code (or the signal name) if the process ends while we watch it. */
  readonly exited: Promise<number | string>;
  private readonly child: ChildProcess;
  private handedOff = false;

  constructor(options: LaunchOptions) {
    const [file, ...args] = options.argv ?? defaultSupervisorArgv();
    const log = openPrivateFile(options.logFile, 'a');
    try {
      this.child = spawn(file!, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['pipe', log, log] });
    } finally {
      closeSync(log);
    }
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

  /** Writes the plan (JSON) and closes stdin: the supervisor starts working. */
  send(plan: unknown): void {
    this.child.stdin?.end(`${JSON.stringify(plan)}\n`);
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
