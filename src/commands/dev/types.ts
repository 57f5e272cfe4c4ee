import type { z } from 'zod';
import type { RunOptions } from '../../pipeline/context.js';
import type { StepContext } from '../../pipeline/types.js';
import type { CommandResult } from '../definition.js';
import type { devInput } from './definitions.js';
import type { DevData } from './schemas.js';

export type { DevData } from './schemas.js';

export type DevOptions = RunOptions &
  z.input<typeof devInput> & {
    /** @default commandContext(options) */
    context?: StepContext;
  };

export type DevResult = CommandResult<DevData>;
