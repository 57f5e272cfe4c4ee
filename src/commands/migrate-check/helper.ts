import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pythonCommand } from '../../backend/commands.js';
import { runPython, type ExecutionPath } from '../../backend/python-run.js';
import { TailBuffer } from '../../process/tail-buffer.js';
import { withPythonPath } from '../../backend/helpers.js';
import { resolvePython } from '../../backend/python.js';
import { parseCheckDocument, type CheckDocument } from '../../checks/document.js';
import { migrationEnv } from '../../checks/lock-timeout.js';
import { EnvironmentError, ExitCode, InterruptedError, TldrError } from '../../errors.js';
import { ownedTempDir } from '../../process/owned-temp.js';
import type { StepContext } from '../../pipeline/types.js';

/** The helper package, run as `python -m tldr_migrate_check` with tldr's helper folder on PYTHONPATH. */
export const MIGRATE_CHECK_HELPER = 'tldr_migrate_check';
const SOURCE = 'migrate-check';

export interface HelperRun {
  /** Migration files to lint (relative to backend.dir) instead of the unapplied migrations. */
  files: string[] | undefined;
  reversibility: boolean;
  /** Watch locks and rewrites during the reversibility run. */
  observe: boolean;
  forwardSignals: boolean;
  /** Run a fresh process even when the warm server runs. */
  cold: boolean;
}

/** The helper's document, and which way it ran. */
export type HelperDocument = CheckDocument & { path: ExecutionPath };

/** Runs the helper once with the managed env and returns its validated document. */
export async function runMigrateCheckHelper(ctx: StepContext, { files, reversibility, observe, forwardSignals, cold }: HelperRun): Promise<HelperDocument> {
  const { project } = ctx;
  const lockTimeout = project.config.migrations.lock_timeout;
  // Named after this process: a run killed by SIGKILL leaves it to the next run's sweep.
  const dir = ownedTempDir('migrate-check');
  const resultFile = join(dir, 'result.json');
  // The result file goes by the environment, so the command line is the same every run (an early head start's key).
  const envOf = (base: Record<string, string>) => ({ ...migrationEnv(lockTimeout, withPythonPath(base)), TLDR_MIGRATE_CHECK_OUTPUT: resultFile });
  const base = ctx.env();
  const env = base.then(envOf);
  env.catch(() => undefined);
  const expected = ctx.expectedEnv?.();
  const args = ['-m', MIGRATE_CHECK_HELPER];
  if (files) {
    // A file, not a comma list: migration file names may hold any character.
    await writeFile(join(dir, 'since.json'), JSON.stringify(files));
    args.push('--since-file-list', join(dir, 'since.json'));
  }
  if (reversibility) args.push('--reversibility');
  if (!observe) args.push('--no-observe');
  if (lockTimeout) args.push('--lock-timeout', lockTimeout);
  const tail = new TailBuffer(20);
  try {
    const python = resolvePython(project);
    const outcome = await runPython({
      project,
      python,
      command: pythonCommand(project, python, args),
      env,
      serverEnv: base,
      expectedEnv: expected && envOf(expected),
      coldBecause: cold ? '--cold' : ctx.coldBecause,
      explain: (line) => ctx.output.debug(line),
      redact: (text) => ctx.output.secrets.redact(text),
      options: {
        signal: ctx.signal,
        forwardSignals,
        // tldr killed by SIGKILL: the helper stops and drops its scratch database.
        lifeline: true,
        onLine: (line, stream) => {
          tail.push(line);
          ctx.log(SOURCE, line.replace(/^\[tldr-migrate-check\] /, ''), stream);
        },
      },
    });
    if (ctx.signal.aborted || outcome.exitCode === ExitCode.interrupted)
      throw ctx.signal.reason instanceof TldrError ? ctx.signal.reason : new InterruptedError();
    const text = await readFile(resultFile, 'utf8').catch(() => undefined);
    if (text === undefined) {
      const died = outcome.signal
        ? `the migration helper was killed by ${outcome.signal}`
        : `the migration check could not start Django (exit ${outcome.exitCode})`;
      throw new EnvironmentError(`${died} before writing its result`, {
        code: 'migrate-check-failed',
        hint: outcome.signal
          ? 'run it again: the next check drops the scratch database it left behind'
          : "fix the error above; `tldr manage check` shows Django's own view of it",
        details: tail.lines(8),
      });
    }
    const parsed = parseCheckDocument(parseJson(text));
    if (parsed.ok) return { ...parsed.document, path: outcome.path };
    const trace = parsed.failure.error.traceback?.trim().split('\n') ?? [];
    throw new EnvironmentError(`migrate --check: ${parsed.failure.error.message}`, {
      code: 'migrate-check-failed',
      hint: 'fix the problem named above (is the database up? `tldr status`; does Django start? `tldr manage check`), then run it again',
      details: ctx.output.verbose ? trace : [],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TldrError(`the migration helper wrote a result that is not JSON: ${(error as Error).message}`, {
      code: 'helper-protocol',
      exitCode: ExitCode.internal,
      cause: error,
    });
  }
}
