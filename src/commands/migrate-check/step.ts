import type { Step } from '../../pipeline/types.js';
import { runMigrateCheck, type MigrateCheckSettings } from './migrate-check.js';

/** The `migrate-check` step with settings beside `migrations:` in the config (`tldr ci` passes `migratesNext`). */
export function createMigrateCheckStep(settings: MigrateCheckSettings = {}): Step {
  return {
    async run(ctx) {
      const result = await runMigrateCheck(ctx, settings);
      return result.exitCode === 0
        ? { status: 'ok', message: result.summary, data: result.data }
        : { status: 'failed', exitCode: result.exitCode, message: result.summary, data: result.data };
    },
  };
}

/** `migrate-check` in a `tldr run` pipeline: the settings come from `migrations:` in the config. */
export const step: Step = createMigrateCheckStep();
