import type { Step } from '../../pipeline/types.js';
import { runTests, type TestSettings } from './test.js';

/** The `test` step with options (`tldr ci` passes --junit and --shard). */
export function createTestStep(settings: TestSettings = {}): Step {
  return {
    run: async (ctx) => {
      const result = await runTests(ctx, settings, { showOutput: true });
      const status = result.exitCode === 0 ? 'ok' : 'failed';
      return { status, message: result.summary, data: result.data, ...(status === 'failed' ? { exitCode: result.exitCode } : {}) };
    },
  };
}

export const step = createTestStep();
