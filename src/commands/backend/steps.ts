import { manageCommand } from '../../backend/commands.js';
import { makemigrationsArgs, migrateArgs } from '../../backend/django-args.js';
import type { Step, StepContext, StepResult } from '../../pipeline/types.js';
import type { CommandResult } from '../definition.js';
import { explainLockTimeout, withLockTimeout } from './migrate.js';
import { runBackendProcess } from './passthrough.js';
import type { PassthroughData } from './schemas.js';

// Built-in pipeline steps of the backend area. Output is piped into the step's log (listr2 shows
// the latest line at a terminal); a non-zero exit fails the step with that exit code.

function runManage(ctx: StepContext, label: string, args: string[]): Promise<CommandResult<PassthroughData>> {
  return runBackendProcess(ctx, { label, build: (py) => manageCommand(ctx.project, py, args), stdio: 'pipe', django: {} });
}

function stepResult(result: CommandResult<PassthroughData>): StepResult {
  if (result.exitCode === 0) return { status: 'ok', data: result.data };
  return { status: 'failed', exitCode: result.exitCode, message: result.summary, data: result.data };
}

export const migrate: Step = {
  async run(ctx) {
    const result = await runManage(withLockTimeout(ctx), 'migrate', migrateArgs({ noinput: true }));
    return stepResult(explainLockTimeout(result, ctx.project.config.migrations.lock_timeout));
  },
};

export const makemigrations: Step = {
  run: async (ctx) => stepResult(await runManage(ctx, 'makemigrations', makemigrationsArgs({ noinput: true }))),
};

/** `manage`: Django's system checks (`manage.py check`); other manage.py commands are `{ run: "manage …" }`. */
export const manage: Step = {
  run: async (ctx) => stepResult(await runManage(ctx, 'manage.py check', ['check'])),
};
