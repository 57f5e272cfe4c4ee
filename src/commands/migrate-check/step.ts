import { runMigrateCheck } from './migrate-check.js';
import type { StepDefinition } from '../../pipeline/types.js';

/** `migrate-check` in a `tldr run` pipeline: the settings come from `migrations:` in the config. */
export const step: StepDefinition = {
  name: 'migrate-check',
  title: 'Check migrations',
  // It reads the database and builds a scratch copy, which it drops: the developer's data is untouched.
  readOnly: true,
  async run(ctx) {
    const result = await runMigrateCheck(ctx);
    return result.exitCode === 0
      ? { status: 'ok', message: result.summary, data: result.data }
      : { status: 'failed', exitCode: result.exitCode, message: result.summary, data: result.data };
  },
};
