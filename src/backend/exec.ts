import { execa } from 'execa';
import { createInterface } from 'node:readline';
import { EnvironmentError } from '../errors.js';
import type { CommandSpec } from './commands.js';

export interface RunCommandOptions {
  env: Record<string, string>;
  /** Aborting stops the child: SIGTERM to its process group, SIGKILL after `graceMs`. */
  signal?: AbortSignal;
  /** Piped mode: every output line. Without it the child inherits the terminal. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** @default 10000 */
  graceMs?: number;
}

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
 */
export async function runCommand(spec: CommandSpec, options: RunCommandOptions): Promise<RunOutcome> {
  const started = performance.now();
  const piped = options.onLine !== undefined;
  const child = execa(spec.file, spec.args, {
    cwd: spec.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: piped ? 'ignore' : 'inherit',
    stdout: piped ? 'pipe' : 'inherit',
    stderr: piped ? 'pipe' : 'inherit',
    detached: piped,
    buffer: false,
    stripFinalNewline: false,
  });
  const lines: Array<Promise<void>> = [];
  if (piped) {
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      const rl = createInterface({ input: source, crlfDelay: Infinity });
      rl.on('line', (line) => options.onLine!(line, stream));
      lines.push(new Promise((done) => rl.once('close', () => done())));
    }
  }
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (child.pid === undefined) return;
    signalGroup(child.pid, piped, 'SIGTERM');
    killTimer = setTimeout(() => signalGroup(child.pid!, piped, 'SIGKILL'), options.graceMs ?? 10_000);
    killTimer.unref();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  try {
    const result = await child;
    await Promise.all(lines);
    if (result.failed && result.exitCode === undefined && !result.signal) {
      const cause = (result as { cause?: NodeJS.ErrnoException }).cause;
      if (cause?.code === 'ENOENT') {
        throw new EnvironmentError(`${spec.file}: command not found (cwd ${spec.cwd})`, {
          code: 'command-not-found',
          hint: spec.file.includes('python') ? 'create the backend venv or set backend.python in tldr.config.yaml (`tldr doctor` shows the choice)' : `install ${spec.file} or fix the run string`,
          cause,
        });
      }
      throw new EnvironmentError(`${spec.file}: ${result.message}`, { code: 'spawn-failed', cause });
    }
    const durationMs = Math.round(performance.now() - started);
    if (result.signal) return { exitCode: 128 + signalNumber(result.signal), signal: result.signal, durationMs };
    return { exitCode: result.exitCode ?? 1, durationMs };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
  }
}

function signalGroup(pid: number, group: boolean, signal: NodeJS.Signals): void {
  try {
    process.kill(group ? -pid : pid, signal);
  } catch {
    // already gone
  }
}

function signalNumber(signal: string): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 1;
}
