import { manageCommand } from '../../backend/commands.js';
import { makemigrationsArgs, migrateArgs } from '../../backend/django-args.js';
import { explainLockTimeout, withLockTimeout } from './commands.js';
import { runBackendProcess, type CommandResult, type PassthroughData } from './passthrough.js';
import { runTests, type TestOptions } from '../test/test.js';
import type { StepContext, StepDefinition, StepResult } from '../../pipeline/types.js';
import type { RunOptions } from '../../pipeline/context.js';

// Built-in pipeline steps of the backend area. Output is piped into the step's log (listr2 shows
// the latest line at a terminal); a non-zero exit fails the step with that exit code.

function runManage(ctx: StepContext, label: string, args: string[]): Promise<CommandResult<PassthroughData>> {
  return runBackendProcess(ctx, { label, build: (py) => manageCommand(ctx.project, py, args), stdio: 'pipe' });
}

function stepResult(result: CommandResult<PassthroughData>): StepResult {
  if (result.exitCode === 0) return { status: 'ok', data: result.data };
  return { status: 'failed', exitCode: result.exitCode, message: result.summary, data: result.data };
}

const manageStep = async (ctx: StepContext, label: string, args: string[]): Promise<StepResult> => stepResult(await runManage(ctx, label, args));

export const migrateStep: StepDefinition = {
  name: 'migrate',
  title: 'Apply migrations',
  async run(ctx) {
    const result = await runManage(withLockTimeout(ctx), 'migrate', migrateArgs({ noinput: true }));
    return stepResult(explainLockTimeout(result, ctx.project.config.migrations.lock_timeout));
  },
};

export const makemigrationsStep: StepDefinition = {
  name: 'makemigrations',
  title: 'Make migrations',
  run: (ctx) => manageStep(ctx, 'makemigrations', makemigrationsArgs({ noinput: true })),
};

/** `manage`: Django's system checks (`manage.py check`); other manage.py commands are `{ run: "manage …" }`. */
export const manageCheckStep: StepDefinition = {
  name: 'manage',
  title: 'Django system checks',
  readOnly: true,
  run: (ctx) => manageStep(ctx, 'manage.py check', ['check']),
};

/** The `test` step with options (`tldr ci` passes --junit and --shard). */
export function createTestStep(options: Omit<TestOptions, keyof RunOptions> = {}): StepDefinition {
  return {
    name: 'test',
    title: 'Django tests',
    run: async (ctx) => {
      const result = await runTests(ctx, options, { showOutput: true });
      const status = result.exitCode === 0 ? 'ok' : 'failed';
      return { status, message: result.summary, data: result.data, ...(status === 'failed' ? { exitCode: result.exitCode } : {}) };
    },
  };
}

export const testStep = createTestStep();
