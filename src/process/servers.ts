import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { openPrivateFile } from '../config/private-files.js';
import { EnvironmentError } from '../errors.js';
import { childExitCode } from './exit-status.js';

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

/** The streams a client shell (psql, redis-cli) talks to when it does not own the terminal. */
export interface ClientStdio {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
}

/** How the native services provider starts programs. Arguments are argv arrays, never a shell string. */
export interface NativeRunner {
  /** Runs to completion with output captured. */
  run(argv: string[], options?: RunnerOptions): Promise<RunnerResult>;
  /** Starts a server in its own session, output to `logFile`, and returns its pid without waiting. */
  spawnDetached(argv: string[], options: DetachedOptions): Promise<number>;
  /** A client with the caller's terminal or streams (psql, redis-cli); resolves to its exit code. */
  interactive(argv: string[], options: { env?: Record<string, string>; stdio: ClientStdio; tty: boolean; signal?: AbortSignal }): Promise<number>;
}

const CAPTURE_LIMIT = 256 * 1024;

/**
 * The processes of the native services provider (initdb, pg_ctl, createdb, redis-server, psql,
 * redis-cli): node:child_process with argv arrays, never a shell.
 */
export const nativeServers: NativeRunner = {
  run(argv, options = {}) {
    return new Promise<RunnerResult>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { ...common(options), stdio: ['ignore', 'pipe', 'pipe'] });
      const out = { stdout: '', stderr: '' };
      child.stdout.on('data', (chunk: Buffer) => (out.stdout = (out.stdout + chunk).slice(-CAPTURE_LIMIT)));
      child.stderr.on('data', (chunk: Buffer) => (out.stderr = (out.stderr + chunk).slice(-CAPTURE_LIMIT)));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.once('error', (cause) => {
        clearTimeout(timer);
        reject(spawnError(argv[0]!, cause));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ exitCode: childExitCode({ code, signal }), ...out });
      });
    });
  },

  spawnDetached(argv, options) {
    const fd = openPrivateFile(options.logFile, 'a');
    try {
      const child = spawn(argv[0]!, argv.slice(1), { ...common(options), stdio: ['ignore', fd, fd], detached: true });
      return new Promise<number>((resolve, reject) => {
        child.once('error', (cause) => reject(spawnError(argv[0]!, cause)));
        child.once('spawn', () => {
          child.unref();
          resolve(child.pid!);
        });
      });
    } finally {
      closeSync(fd);
    }
  },

  // At a terminal the client inherits it (readline, Ctrl-C); otherwise its streams are piped.
  interactive(argv, options) {
    const { stdin, stdout, stderr } = options.stdio;
    const child = spawn(argv[0]!, argv.slice(1), {
      env: { ...process.env, ...options.env },
      stdio: options.tty ? 'inherit' : ['pipe', 'pipe', 'pipe'],
    });
    if (!options.tty) {
      stdin.pipe(child.stdin!).on('error', () => undefined);
      child.stdout!.pipe(stdout, { end: false });
      child.stderr!.pipe(stderr, { end: false });
    }
    const stop = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', stop, { once: true });
    return new Promise<number>((resolve, reject) => {
      child.once('error', (cause) => reject(spawnError(argv[0]!, cause)));
      child.once('close', (code, signal) => resolve(childExitCode({ code, signal })));
    }).finally(() => {
      options.signal?.removeEventListener('abort', stop);
      if (!options.tty) {
        stdin.unpipe(child.stdin!);
        stdin.pause();
      }
    });
  },
};

function common(options: RunnerOptions) {
  return {
    // A given env replaces the caller's: the caller's PG* variables must not steer initdb or pg_ctl.
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.runAs ? { uid: options.runAs.uid, gid: options.runAs.gid } : {}),
  };
}

function spawnError(file: string, cause: NodeJS.ErrnoException): EnvironmentError {
  if (cause.code === 'ENOENT')
    return new EnvironmentError(`${file}: not found`, {
      code: 'command-not-found',
      hint: 'install postgresql and redis-server (apt-get install postgresql redis-server)',
      cause,
    });
  return new EnvironmentError(`${file}: ${cause.message}`, { code: 'spawn-failed', cause });
}
