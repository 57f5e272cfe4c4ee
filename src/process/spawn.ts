import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { EnvironmentError } from '../errors.js';
import { splitLines } from '../output/line-splitter.js';
import { signalExitCode } from './exit-status.js';
import { childStdio, interpreterEnv, takeEarlyStart, type EarlyEntry } from './early-start.js';
import { signalProcess, STOP_SIGNALS, type SignalSource } from './signals.js';

/** A command as argv plus where it runs; never a shell string. */
export interface CommandSpec {
  file: string;
  args: string[];
  cwd: string;
}

export interface RunCommandOptions {
  /** The child's environment; a promise lets a head start (below) begin before it is known. */
  env: Record<string, string> | Promise<Record<string, string>>;
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
  /** Start Django before `env` is known (src/python/tldr_bootstrap.py); see `HeadStart`. */
  headStart?: HeadStart;
}

/**
 * The cold path's head start: the command runs as `<python> <bootstrap> --control-fd N -- <script…>`,
 * spawned at once with the environment tldr expects; Django imports and sets up while `env`
 * resolves (the service check). Go is sent with the real environment; the bootstrap declines when
 * that differs from what it set up with, and then the command runs cold. When `env` rejects, the
 * bootstrap gets end-of-file and exits having run nothing.
 */
export interface HeadStart {
  /** Path of tldr_bootstrap.py. */
  bootstrap: string;
  /** Index in `CommandSpec.args` where the script (`manage.py` or `-m`) starts: after the python argv prefix. */
  scriptAt: number;
  /** The environment the command will most likely get (config + `.tldr/state.json`). */
  expectedEnv: Record<string, string>;
  /** Called with the bootstrap's `ready` and `declined` messages (for --verbose). */
  onEvent?: (event: Record<string, unknown>) => void;
  /**
   * Called once the bootstrap runs: what bin/tldr.js would spawn for this command line next time
   * (src/process/early-start.ts), and whether this one was that early child, adopted.
   */
  onSpawn?: (early: Omit<EarlyEntry, 'usedAt'>, adopted: boolean) => void;
}

// Children told to stop and still inside their grace period: `hurryStops` kills them now,
// `repeatStops` sends them their stop signal once more.
const inGrace = new Set<() => void>();
const repeatable = new Set<() => void>();

/**
 * Ends every grace period now: each child that was told to stop (and has not exited yet) gets
 * SIGKILL at once, its process group with it when piped. For a second signal during a stop that
 * must still clean up (`tldr ci`'s teardown after a cancelled job's SIGINT, then SIGTERM).
 */
export function hurryStops(): void {
  for (const kill of [...inGrace]) kill();
}

/**
 * Sends each child stopped with SIGINT and still inside its grace period a second SIGINT (once): for a
 * deadline (`tldr ci --timeout`). Django's test runner takes a first SIGINT as "stop after this
 * test" and a second as "interrupt it", and tears its test databases down either way; a
 * SIGKILL at the end of the grace would leave them behind.
 */
export function repeatStops(): void {
  for (const again of [...repeatable]) again();
}

/** The variable that names the lifeline descriptor in the child (see `RunCommandOptions.lifeline`). */
export const LIFELINE_ENV = 'TLDR_LIFELINE_FD';
const LIFELINE_FD = 3;

// The child's environment as the child sees it: with the lifeline, the variable naming its descriptor.
const withLifeline = (env: Record<string, string>, lifeline: boolean | undefined): Record<string, string> =>
  lifeline ? { ...env, [LIFELINE_ENV]: String(LIFELINE_FD) } : env;

export interface RunOutcome {
  exitCode: number;
  /** Set when the child died by a signal. */
  signal?: string;
  durationMs: number;
  /** With a head start: whether the bootstrap ran the command (`started`) or it ran cold after all. */
  headStart?: 'started' | 'declined';
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
  if (options.headStart) {
    const outcome = await runWithHeadStart(spec, options, options.headStart, signals, started);
    if (outcome) return outcome;
    const cold = await runCommand(spec, { ...options, headStart: undefined }, signals);
    return { ...cold, durationMs: Math.round(performance.now() - started), headStart: 'declined' };
  }
  const running = launch(spec, options, await options.env, signals, false);
  return running.wait(started);
}

async function runWithHeadStart(
  spec: CommandSpec,
  options: RunCommandOptions,
  head: HeadStart,
  signals: SignalSource,
  started: number,
): Promise<RunOutcome | undefined> {
  const controlFd = options.lifeline ? LIFELINE_FD + 1 : LIFELINE_FD;
  const bootstrapArgs = (...flags: string[]) => [
    ...spec.args.slice(0, head.scriptAt),
    head.bootstrap,
    '--control-fd',
    String(controlFd),
    ...flags,
    '--',
    ...spec.args.slice(head.scriptAt),
  ];
  const expectedEnv = withLifeline(head.expectedEnv, options.lifeline);
  // What bin/tldr.js spawns before tldr loads: the same bootstrap, told to wait for the environment.
  const early = {
    file: spec.file,
    args: bootstrapArgs('--await-env'),
    cwd: spec.cwd,
    piped: options.onLine !== undefined,
    lifeline: options.lifeline ?? false,
    interpreterEnv: interpreterEnv(expectedEnv),
  };
  const adopted = takeEarlyStart(early);
  const running = adopted
    ? launch({ ...spec, args: early.args }, options, head.expectedEnv, signals, true, adopted)
    : launch({ ...spec, args: bootstrapArgs() }, options, head.expectedEnv, signals, true);
  const control = running.control!;
  const events = controlEvents(control, head.onEvent);
  // The early child imported Django meanwhile; it sets Django up with this environment now.
  if (adopted) control.write(`${JSON.stringify({ op: 'env', env: expectedEnv })}\n`);
  head.onSpawn?.(early, adopted !== undefined);
  let env: Record<string, string>;
  try {
    env = await options.env;
  } catch (error) {
    control.end(); // end of file: exit 0, nothing ran
    await running.wait(started).catch(() => undefined);
    throw error;
  }
  if (options.signal?.aborted) {
    control.end();
    return running.wait(started);
  }
  control.write(`${JSON.stringify({ op: 'go', env: withLifeline(env, options.lifeline) })}\n`);
  const answer = await events;
  const outcome = await running.wait(started);
  if (answer === 'started') return { ...outcome, headStart: 'started' };
  return undefined;
}

/** Resolves with the bootstrap's answer to go: `started`, or `declined` (also when it ended without one); `onEvent` gets its `ready` and `declined` messages. */
export function controlEvents(control: Duplex, onEvent: HeadStart['onEvent']): Promise<'started' | 'declined'> {
  return new Promise((resolve) => {
    control.on('error', () => undefined);
    void splitLines(control, (line) => {
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      if (event.event === 'started') resolve('started');
      else if (event.event === 'declined') resolve('declined');
      if (event.event === 'ready' || event.event === 'declined') onEvent?.(event);
    }).then(() => resolve('declined'));
  });
}

interface Launched {
  control: Duplex | undefined;
  wait(started: number): Promise<RunOutcome>;
}

// `adopted`: a head start bin/tldr.js already spawned exactly so (src/process/early-start.ts).
function launch(
  spec: CommandSpec,
  options: RunCommandOptions,
  baseEnv: Record<string, string>,
  signals: SignalSource,
  withControl: boolean,
  adopted?: ChildProcess,
): Launched {
  const piped = options.onLine !== undefined;
  const env = withLifeline(baseEnv, options.lifeline);
  const stdio = childStdio(piped, options.lifeline ?? false, withControl);
  const child = adopted ?? spawn(spec.file, spec.args, { cwd: spec.cwd, env, stdio, detached: piped });
  if (options.lifeline) holdLifeline(child);
  const control = withControl ? ((child.stdio[options.lifeline ? LIFELINE_FD + 1 : LIFELINE_FD] as Duplex | null) ?? undefined) : undefined;
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
    // Only SIGINT has a second meaning (interrupt the running test); a second SIGTERM would
    // only cut short the clean-up the first one started (the migration check's scratch drop).
    if (options.stopSignal === 'SIGINT') repeatable.add(again);
  };
  const again = () => {
    repeatable.delete(again);
    signalProcess(child.pid!, options.stopSignal ?? 'SIGTERM', piped);
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
  const ended = exited(child, spec);
  ended.catch(() => undefined);
  return {
    control,
    async wait(started) {
      try {
        const { code, signal } = await ended;
        await Promise.all(lines);
        const durationMs = Math.round(performance.now() - started);
        if (signal) return { exitCode: signalExitCode(signal), signal, durationMs };
        return { exitCode: code ?? 1, durationMs };
      } finally {
        options.signal?.removeEventListener('abort', stop);
        inGrace.delete(killNow);
        repeatable.delete(again);
        if (options.forwardSignals) for (const s of STOP_SIGNALS) signals.off(s, onProcessSignal);
        if (killTimer) clearTimeout(killTimer);
      }
    },
  };
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
