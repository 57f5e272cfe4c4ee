import type { Step } from '../../pipeline/types.js';
import { runMigrateCheck } from './migrate-check.js';

/** `migrate-check` in a `tldr run` pipeline: the settings come from `migrations:` in the config. */
export const step: Step = {
  async run(ctx) {
    const result = await runMigrateCheck(ctx);
    return result.exitCode === 0
      ? { status: 'ok', message: result.summary, data: result.data }
      : { status: 'failed', exitCode: result.exitCode, message: result.summary, data: result.data };
  },
};
