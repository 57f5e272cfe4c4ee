import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EnvironmentError } from '../errors.js';
import { splitLines } from '../output/line-splitter.js';
import { signalExitCode } from './exit-status.js';
import { signalProcess, STOP_SIGNALS, type SignalSource } from './signals.js';

/** A command as argv plus where it runs; never a shell string. */
export interface CommandSpec {
  file: string;
  args: string[];
  cwd: string;
}

export interface RunCommandOptions {
  env: Record<string, string>;
  /** Aborting stops the child: `stopSignal` to it (its process group when piped), SIGKILL after `graceMs`. */
  signal?: AbortSignal;
  /** Piped mode: every output line. Without it the child inherits the terminal (stdin too). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** @default 10000 */
  graceMs?: number;
  /**
   * The first signal a stop sends. Django's test runner tears its databases down on SIGINT.
   * @default 'SIGTERM'
   */
  stopSignal?: NodeJS.Signals;
  /**
   * Pass SIGINT/SIGTERM/SIGHUP that this process receives on to the child, once (the CLI's
   * passthrough commands, whose session leaves Ctrl-C to the child).
   * @default false
   */
  forwardSignals?: boolean;
  /**
   * Give the child a lifeline: one more inherited descriptor (fd 3, named in `TLDR_LIFELINE_FD`)
   * whose other end only this process holds. When tldr exits, even by SIGKILL, the child reads
   * end-of-file there and stops (src/python/tldr_lifeline.py).
   * @default false
   */
  lifeline?: boolean;
}

// Children told to stop and still inside their grace period: `hurryStops` kills them now.
const inGrace = new Set<() => void>();

/**
 * Ends every grace period now: each child that was told to stop (and has not exited yet) gets
 * SIGKILL at once, its process group with it when piped. For a second signal during a stop that
 * must still clean up (`tldr ci`'s teardown after a cancelled job's SIGINT, then SIGTERM).
 */
export function hurryStops(): void {
  for (const kill of [...inGrace]) kill();
}

/** The variable that names the lifeline descriptor in the child (see `RunCommandOptions.lifeline`). */
export const LIFELINE_ENV = 'TLDR_LIFELINE_FD';
const LIFELINE_FD = 3;

export interface RunOutcome {
  exitCode: number;
  /** Set when the child died by a signal. */
  signal?: string;
  durationMs: number;
}

/**
 * Runs one command to completion. Piped children get their own process group (so a stop reaches
 * their children too); inheriting children stay in the terminal's group so Ctrl-C reaches them
 * exactly once, from the terminal, and interactive programs keep the TTY.
 *
 * node:child_process rather than execa: this is on every passthrough command's path, and
 * loading execa costs ~130 ms of a ~300 ms `manage.py check`.
 */
export async function runCommand(spec: CommandSpec, options: RunCommandOptions, signals: SignalSource = process): Promise<RunOutcome> {
  const started = performance.now();
  const piped = options.onLine !== undefined;
  const stdio: StdioOptions = piped ? ['ignore', 'pipe', 'pipe'] : ['inherit', 'inherit', 'inherit'];
  const env = options.lifeline ? { ...options.env, [LIFELINE_ENV]: String(LIFELINE_FD) } : options.env;
  const child = spawn(spec.file, spec.args, {
    cwd: spec.cwd,
    env,
    stdio: options.lifeline ? [...stdio, 'pipe'] : stdio,
    detached: piped,
  });
  holdLifeline(child);
  const lines: Array<Promise<void>> = [];
  if (piped) {
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      // Lines are bounded (64 KiB pieces): a child's output never takes tldr's memory with it.
      if (source) lines.push(splitLines(source, (line) => options.onLine!(line, stream)));
    }
  }
  let killTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  const killNow = () => signalProcess(child.pid!, 'SIGKILL', piped);
  const stop = () => {
    if (child.pid === undefined || stopping) return;
    stopping = true;
    signalProcess(child.pid, options.stopSignal ?? 'SIGTERM', piped);
    killTimer = setTimeout(killNow, options.graceMs ?? 10_000);
    killTimer.unref();
    inGrace.add(killNow);
  };
  // A piped child has its own group and hears nothing from the terminal: any signal stops it.
  // An inheriting child already got the terminal's Ctrl-C; a SIGTERM/SIGHUP sent to tldr alone
  // becomes one SIGTERM (Celery's warm shutdown; Celery would restart on SIGHUP).
  const onProcessSignal = (received: NodeJS.Signals) => {
    if (piped) stop();
    else if (received !== 'SIGINT' && child.pid !== undefined && !stopping) {
      stopping = true;
      signalProcess(child.pid, 'SIGTERM');
    }
  };
  if (options.forwardSignals) for (const s of STOP_SIGNALS) signals.on(s, onProcessSignal);
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) stop();
  try {
    const { code, signal } = await exited(child, spec);
    await Promise.all(lines);
    const durationMs = Math.round(performance.now() - started);
    if (signal) return { exitCode: signalExitCode(signal), signal, durationMs };
    return { exitCode: code ?? 1, durationMs };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    inGrace.delete(killNow);
    if (options.forwardSignals) for (const s of STOP_SIGNALS) signals.off(s, onProcessSignal);
    if (killTimer) clearTimeout(killTimer);
  }
}

function exited(child: ChildProcess, spec: CommandSpec): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    child.once('error', (cause: NodeJS.ErrnoException) => {
      if (cause.code === 'ENOENT' && !existsSync(spec.cwd)) {
        reject(
          new EnvironmentError(`${spec.cwd}: no such folder`, {
            code: 'cwd-missing',
            hint: 'fix backend.dir (or the process `dir`) in tldr.config.yaml',
            cause,
          }),
        );
      } else if (cause.code === 'ENOENT') {
        const python = spec.file.includes('python') || spec.file === 'uv';
        reject(
          new EnvironmentError(`${spec.file}: command not found (cwd ${spec.cwd})`, {
            code: 'command-not-found',
            hint: python
              ? 'create the backend venv or set backend.python in tldr.config.yaml (`tldr doctor` shows the choice)'
              : `install ${spec.file} or fix the run string`,
            cause,
          }),
        );
      } else reject(new EnvironmentError(`${spec.file}: ${cause.message} (cwd ${spec.cwd})`, { code: 'spawn-failed', cause }));
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
}

// Our end of the lifeline: never written; read only so its end-of-file (the child and what it forked are gone) is seen.
function holdLifeline(child: ChildProcess): void {
  const end = child.stdio[LIFELINE_FD] as NodeJS.ReadableStream | null | undefined;
  if (!end) return;
  end.on('error', () => undefined);
  end.resume();
}
