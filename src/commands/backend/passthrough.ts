import type { CommandSpec } from '../../backend/commands.js';
import { runCommand } from '../../process/spawn.js';
import { runPython, type PythonOutcome } from '../../backend/python-run.js';
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
  /** Run a fresh process even when the warm fork server runs. @default false */
  cold?: boolean;
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
  /**
   * A Django command (`manage.py …`): cold with a head start, or warm (unless this says why not).
   * Without it (python, worker) the command is spawned as it is.
   */
  django?: { coldBecause?: string | undefined };
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
  output.debug(`run: ${[command.file, ...command.args].join(' ')} (cwd ${command.cwd})`);
  const piped = spec.stdio === 'pipe';
  const tail = new TailBuffer(TAIL_LINES);
  const onLine = (line: string, stream: 'stdout' | 'stderr') => {
    ctx.log(spec.label, line, stream);
    tail.push(line);
  };
  spec.beforeSpawn?.();
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new InterruptedError();
  const run = { signal: ctx.signal, forwardSignals: spec.forwardSignals ?? false, ...(piped ? { onLine } : {}) };
  const outcome = spec.django
    ? await runPython({
        project,
        python,
        command,
        env: ctx.env(),
        expectedEnv: ctx.expectedEnv?.(),
        options: run,
        coldBecause: spec.django.coldBecause ?? ctx.coldBecause,
        explain: (line) => output.debug(line),
        redact: (text) => output.secrets.redact(text),
      })
    : await runCommand(command, { ...run, env: await ctx.env() });
  const path = 'path' in outcome ? (outcome as PythonOutcome).path : undefined;
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
      ...(path ? { path } : {}),
      ...(piped && outcome.exitCode !== 0 ? { tail: tail.lines().map((l) => output.secrets.redact(l)) } : {}),
    },
  };
}

type ContextChange = (ctx: StepContext) => StepContext;

export interface PassthroughSettings {
  /** A Django command: see `ProcessSpec.django`. */
  django?: ProcessSpec['django'];
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
  { change = (ctx) => ctx, needs = managePyNeeds, django }: PassthroughSettings = {},
): Promise<CommandResult<PassthroughData>> {
  const base = { label, build, stdio: defaultStdio(options), needs, ...(django ? { django } : {}) };
  if (!options.forwardSignals) return runBackendProcess(change(commandContext(options)), base);
  using early = interruptBeforeSpawn(options.signal);
  const ctx = change(commandContext({ ...options, signal: early.signal }));
  return runBackendProcess(ctx, { ...base, forwardSignals: true, beforeSpawn: early.release });
}

// Django commands that need the terminal (or serve forever) never run in a fork of the warm server.
const INTERACTIVE = new Set(['shell', 'dbshell', 'runserver', 'shell_plus', 'runserver_plus']);

/** Why a Django command must run cold, or undefined when the warm server may run it. */
export function coldReason(
  options: Pick<PassthroughOptions, 'stdio' | 'output' | 'cold'>,
  subcommand: string | undefined,
  tty: { stdin?: boolean; stdout?: boolean; stderr?: boolean } = { stdin: process.stdin.isTTY, stdout: process.stdout.isTTY, stderr: process.stderr.isTTY },
): string | undefined {
  if (options.cold) return '--cold';
  if (subcommand && INTERACTIVE.has(subcommand)) return `${subcommand} is interactive`;
  if (defaultStdio(options) === 'inherit' && (tty.stdin || tty.stdout || tty.stderr))
    return 'the command has the terminal (a fork of the warm server has none)';
  return undefined;
}

// Django may prompt (makemigrations' defaults for new fields): only when a person can answer.
export function interactive(options: Pick<PassthroughOptions, 'stdio' | 'output'>, stdin: { isTTY?: boolean } = process.stdin): boolean {
  return defaultStdio(options) === 'inherit' && Boolean(stdin.isTTY);
}
