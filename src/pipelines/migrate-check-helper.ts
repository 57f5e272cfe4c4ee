import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pythonCommand } from '../backend/commands.js';
import { runCommand } from '../backend/exec.js';
import { pythonHelperDir } from '../backend/helpers.js';
import { resolvePython } from '../backend/python.js';
import { parseCheckDocument, type CheckDocument } from '../checks/document.js';
import { EnvironmentError, ExitCode, InterruptedError, TldrError } from '../errors.js';
import { ownedTempDir } from '../process/owned-temp.js';
import type { StepContext } from './types.js';

export const MIGRATE_CHECK_HELPER = 'tldr_migrate_check.py';
const SOURCE = 'migrate-check';

export interface HelperRun {
  /** Migration files to lint (relative to backend.dir) instead of the unapplied migrations. */
  files: string[] | undefined;
  reversibility: boolean;
  forwardSignals: boolean;
}

/** Runs the helper once with the managed env and returns its validated document. */
export async function runMigrateCheckHelper(ctx: StepContext, { files, reversibility, forwardSignals }: HelperRun): Promise<CheckDocument> {
  const { project } = ctx;
  const env = await ctx.env();
  // Named after this process: a run killed by SIGKILL leaves it to the next run's sweep.
  const dir = ownedTempDir('migrate-check');
  const resultFile = join(dir, 'result.json');
  const args = [join(pythonHelperDir(), MIGRATE_CHECK_HELPER), '--output', resultFile];
  if (files) args.push(`--since-files=${files.join(',')}`);
  if (reversibility) args.push('--reversibility');
  const tail: string[] = [];
  try {
    const outcome = await runCommand(pythonCommand(project, resolvePython(project), args), {
      env,
      signal: ctx.signal,
      forwardSignals,
      // tldr killed by SIGKILL: the helper stops and drops its scratch database.
      lifeline: true,
      onLine: (line, stream) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        ctx.log(SOURCE, line.replace(/^\[tldr-migrate-check\] /, ''), stream);
      },
    });
    if (ctx.signal.aborted || outcome.exitCode === ExitCode.interrupted) throw ctx.signal.reason instanceof TldrError ? ctx.signal.reason : new InterruptedError();
    const text = await readFile(resultFile, 'utf8').catch(() => undefined);
    if (text === undefined) {
      throw new EnvironmentError(`the migration check could not start Django (${outcome.signal ?? `exit ${outcome.exitCode}`}, no result)`, {
        code: 'migrate-check-failed',
        hint: 'fix the error above; `tldr manage check` shows Django\'s own view of it',
        details: tail.slice(-8),
      });
    }
    const parsed = parseCheckDocument(parseJson(text));
    if (parsed.ok) return parsed.document;
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
    throw new TldrError(`the migration helper wrote a result that is not JSON: ${(error as Error).message}`, { code: 'helper-protocol', exitCode: ExitCode.internal, cause: error });
  }
}
