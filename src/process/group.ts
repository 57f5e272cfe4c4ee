import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EnvironmentError } from '../errors.js';

/** A program to start in a process group of its own: argv (never a shell string), cwd, the whole env. */
export interface GroupSpec {
  /** For messages, e.g. the config's process name. */
  name: string;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

/** How a child ended: its exit code or the signal that killed it; `error` when it could not be started at all. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
  error?: EnvironmentError;
  /** A head start that ran nothing (src/supervisor/head-start.ts), and why: start the process cold. */
  declined?: string;
}

/** A started child: what a supervisor needs from a spawn, so tests (and other runtimes) can supply their own. */
export interface SpawnedChild {
  pid: number | undefined;
  stdout: Readable | null;
  stderr: Readable | null;
  /** Resolves when the child has exited (never rejects). */
  result: Promise<ChildExit>;
  /** For the process's log: how it was started, when that is not a plain spawn. */
  note?: string;
}

export type Spawn = (spec: GroupSpec) => SpawnedChild;

/**
 * The child in its own process group (`detached`: setsid), no stdin, piped output, no shell.
 * Plain node:child_process: the supervisor needs none of execa's conveniences, and its
 * background process starts faster without loading it. The exit comes from the 'exit' event,
 * which (unlike 'close') does not wait for a grandchild (npm run → sh → node) to close the pipes.
 */
export const spawnGroup: Spawn = (spec) => {
  const child = spawn(spec.file, spec.args, { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const result = new Promise<ChildExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (cause: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return; // spawned fine; a later error is not an exit
      const missing = cause.code === 'ENOENT';
      resolve({
        code: null,
        signal: null,
        error: new EnvironmentError(
          missing ? `${spec.name}: ${spec.file}: command not found` : `${spec.name}: could not start ${spec.file}: ${cause.message}`,
          {
            code: missing ? 'command-not-found' : 'spawn-failed',
            hint: missing ? `install ${spec.file} or fix processes.${spec.name}.run (backend.python for manage/celery/python)` : `check processes.${spec.name}`,
            cause,
          },
        ),
      });
    });
  });
  return { pid: child.pid, stdout: child.stdout, stderr: child.stderr, result };
};
