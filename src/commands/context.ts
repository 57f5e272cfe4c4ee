import { createStepContext, type RunOptions } from '../pipeline/context.js';
import type { StepContext } from '../pipeline/types.js';
import { ensureServices } from '../services/ensure.js';
import { expectedServiceValues } from '../services/expected.js';

/** The step context of a command: its services come up (idempotently) the first time a step needs them. */
export function commandContext(options: RunOptions): StepContext {
  return createStepContext(options, ({ project, output, signal }) => ensureServices(project, output, signal ? { signal } : {}), expectedServiceValues);
}
