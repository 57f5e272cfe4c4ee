import { celeryCommand, manageCommand, pythonCommand } from '../../backend/commands.js';
import { makemigrationsArgs, migrateArgs, workerArgs } from '../../backend/django-args.js';
import { lockTimeoutFailure, lockTimeoutMessage, migrationEnv } from '../../checks/lock-timeout.js';
import { commandContext } from '../context.js';
import type { StepContext } from '../../pipeline/types.js';
import { interruptBeforeSpawn } from '../../process/signals.js';
import { defaultStdio, runBackendProcess, type CommandResult, type PassthroughData, type PassthroughOptions, type ProcessSpec } from './passthrough.js';
import { managePyNeeds, pythonNeeds, type Needs } from '../preflight.js';

export interface ArgsOptions extends PassthroughOptions {
  /** Arguments for the child, each one argv element (never shell text). */
  args?: string[];
}

type ContextChange = (ctx: StepContext) => StepContext;

interface RunSettings {
  /** e.g. withLockTimeout for migrate. */
  change?: ContextChange;
  /** What is checked before anything starts. @default managePyNeeds */
  needs?: Needs;
}

async function run(options: PassthroughOptions, label: string, build: ProcessSpec['build'], { change = (ctx) => ctx, needs = managePyNeeds }: RunSettings = {}): Promise<CommandResult<PassthroughData>> {
  if (!options.forwardSignals) return runBackendProcess(change(commandContext(options)), { label, build, stdio: defaultStdio(options), needs });
  using early = interruptBeforeSpawn(options.signal);
  const ctx = change(commandContext({ ...options, signal: early.signal }));
  return runBackendProcess(ctx, { label, build, stdio: defaultStdio(options), forwardSignals: true, beforeSpawn: early.release, needs });
}

/** A context whose children get `migrations.lock_timeout` on every database connection (PGOPTIONS). */
export function withLockTimeout(ctx: StepContext): StepContext {
  const lockTimeout = ctx.project.config.migrations.lock_timeout;
  return lockTimeout ? { ...ctx, env: async () => migrationEnv(lockTimeout, await ctx.env()) } : ctx;
}

/** `<python> manage.py ARGS…` in backend.dir with the managed env. */
export function manage(options: ArgsOptions): Promise<CommandResult<PassthroughData>> {
  const args = options.args ?? [];
  return run(options, args[0] ? `manage.py ${args[0]}` : 'manage.py', (py) => manageCommand(options.project, py, args));
}

/** `<python> ARGS…` in backend.dir with the managed env. */
export function python(options: ArgsOptions): Promise<CommandResult<PassthroughData>> {
  return run(options, 'python', (py) => pythonCommand(options.project, py, options.args ?? []), { needs: pythonNeeds });
}

/** `<python> -m celery -A <celery_app> worker -l info ARGS…`; stop it with one SIGTERM (warm shutdown). */
export function worker(options: ArgsOptions): Promise<CommandResult<PassthroughData>> {
  return run(options, 'worker', (py) => celeryCommand(options.project, py, workerArgs(options.args)), { needs: pythonNeeds });
}

export interface MigrateOptions extends PassthroughOptions {
  app?: string;
  /** Migrate to this migration (backwards too), or `zero`; needs `app`. */
  migration?: string;
}

/** `manage.py migrate [APP [MIGRATION]]`; never prompts when its output is piped; gives up waiting for a lock after `migrations.lock_timeout`. */
export async function migrate(options: MigrateOptions): Promise<CommandResult<PassthroughData>> {
  const args = migrateArgs({ app: options.app, migration: options.migration, noinput: !interactive(options) });
  const lockTimeout = options.project.config.migrations.lock_timeout;
  const result = explainLockTimeout(await run(options, 'migrate', (py) => manageCommand(options.project, py, args), { change: withLockTimeout }), lockTimeout);
  // The child had the terminal: its error is on screen, not in tldr's hands.
  if (result.exitCode !== 0 && lockTimeout && !result.data.tail) {
    options.output.note(`migrations.lock_timeout is ${lockTimeout}: if the error above says "canceling statement due to lock timeout", ${lockTimeoutMessage(lockTimeout)}`);
  }
  return result;
}

/** A failed migrate whose last lines show PostgreSQL's lock timeout error: the summary names migrations.lock_timeout. */
export function explainLockTimeout(result: CommandResult<PassthroughData>, lockTimeout: string | null): CommandResult<PassthroughData> {
  const why = result.exitCode === 0 ? undefined : lockTimeoutFailure(result.data.tail, lockTimeout);
  return why ? { ...result, summary: `migrate failed: ${why}` } : result;
}

export interface MakemigrationsOptions extends PassthroughOptions {
  apps?: string[];
  /** Name of the new migration. */
  name?: string;
}

/** `manage.py makemigrations [APP…] [--name N]`; asks its questions only at a terminal. */
export function makemigrations(options: MakemigrationsOptions): Promise<CommandResult<PassthroughData>> {
  const args = makemigrationsArgs({ apps: options.apps, name: options.name, noinput: !interactive(options) });
  return run(options, 'makemigrations', (py) => manageCommand(options.project, py, args));
}

// Django may prompt (makemigrations' defaults for new fields): only when a person can answer.
function interactive(options: PassthroughOptions, stdin: { isTTY?: boolean } = process.stdin): boolean {
  return defaultStdio(options) === 'inherit' && Boolean(stdin.isTTY);
}
