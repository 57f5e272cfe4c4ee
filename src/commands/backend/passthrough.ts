import type { CommandSpec } from '../../backend/commands.js';
import { runCommand } from '../../process/spawn.js';
import { TailBuffer } from '../../process/tail-buffer.js';
import { resolvePython, type PythonChoice } from '../../backend/python.js';
import { interruptBeforeSpawn } from '../../process/signals.js';
import type { CallerOptions, CommandResult } from '../definition.js';
import { commandContext } from '../context.js';
import type { PassthroughData } from './schemas.js';
import { InterruptedError } from '../../errors.js';
import type { RunOptions } from '../../pipeline/context.js';
import { managePyNeeds, preflight, type Needs } from '../preflight.js';
import type { StepContext } from '../../pipeline/types.js';

export interface PassthroughOptions extends RunOptions, Pick<CallerOptions, 'forwardSignals'> {
  /**
   * 'inherit': the child has the terminal (stdin too) and Ctrl-C reaches it from there;
   * 'pipe': each output line becomes a `log` event.
   * @default 'pipe' with --json output, else 'inherit'
   */
  stdio?: 'inherit' | 'pipe';
}

export interface ProcessSpec {
  /** Log source and summary name, e.g. `migrate`. */
  label: string;
  build: (python: PythonChoice) => CommandSpec;
  stdio: 'inherit' | 'pipe';
  forwardSignals?: boolean;
  /** Called right before the spawn (hands signal handling over to the child). */
  beforeSpawn?: () => void;
  /** What is checked before anything starts. @default managePyNeeds */
  needs?: Needs;
}

const TAIL_LINES = 20;

/** The default stdio of a passthrough command: the terminal for people, `log` events for --json. */
export function defaultStdio(options: Pick<PassthroughOptions, 'stdio' | 'output'>): 'inherit' | 'pipe' {
  return options.stdio ?? (options.output.json ? 'pipe' : 'inherit');
}

/**
 * One backend process with the managed environment: services up first, the resolved python,
 * backend.dir as cwd, the child's exit code passed through.
 */
export async function runBackendProcess(ctx: StepContext, spec: ProcessSpec): Promise<CommandResult<PassthroughData>> {
  const { project, output } = ctx;
  preflight(project, spec.needs ?? managePyNeeds);
  const python = resolvePython(project);
  output.debug(`python: ${python.argv.join(' ')} (${python.reason})`);
  const command = spec.build(python);
  const env = await ctx.env();
  output.debug(`run: ${[command.file, ...command.args].join(' ')} (cwd ${command.cwd})`);
  const piped = spec.stdio === 'pipe';
  const tail = new TailBuffer(TAIL_LINES);
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    ctx.log(spec.label, line, stream);
    tail.push(line);
  };
  spec.beforeSpawn?.();
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new InterruptedError();
  const outcome = await runCommand(command, { env, signal: ctx.signal, forwardSignals: spec.forwardSignals, ...(piped ? { onLine } : {}) });
  const how = outcome.signal ? `was stopped by ${outcome.signal}` : `exited with ${outcome.exitCode}`;
  return {
    exitCode: outcome.exitCode,
    summary: `${spec.label} ${how} (${(outcome.durationMs / 1000).toFixed(1)} s)`,
    data: {
      command: [command.file, ...command.args],
      cwd: command.cwd,
      python: { kind: python.kind, reason: python.reason },
      exitCode: outcome.exitCode,
      ...(outcome.signal ? { signal: outcome.signal } : {}),
      durationMs: outcome.durationMs,
      ...(piped && outcome.exitCode !== 0 ? { tail: tail.lines().map((l) => output.secrets.redact(l)) } : {}),
    },
  };
}

type ContextChange = (ctx: StepContext) => StepContext;

export interface PassthroughSettings {
  /** e.g. withLockTimeout for migrate. */
  change?: ContextChange;
  /** What is checked before anything starts. @default managePyNeeds */
  needs?: Needs;
}

/** A passthrough command (manage, python, worker, migrate, makemigrations) from its library options. */
export async function runPassthrough(
  options: PassthroughOptions,
  label: string,
  build: ProcessSpec['build'],
  { change = (ctx) => ctx, needs = managePyNeeds }: PassthroughSettings = {},
): Promise<CommandResult<PassthroughData>> {
  if (!options.forwardSignals) return runBackendProcess(change(commandContext(options)), { label, build, stdio: defaultStdio(options), needs });
  using early = interruptBeforeSpawn(options.signal);
  const ctx = change(commandContext({ ...options, signal: early.signal }));
  return runBackendProcess(ctx, { label, build, stdio: defaultStdio(options), forwardSignals: true, beforeSpawn: early.release, needs });
}

// Django may prompt (makemigrations' defaults for new fields): only when a person can answer.
export function interactive(options: Pick<PassthroughOptions, 'stdio' | 'output'>, stdin: { isTTY?: boolean } = process.stdin): boolean {
  return defaultStdio(options) === 'inherit' && Boolean(stdin.isTTY);
}
