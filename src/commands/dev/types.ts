import type { ReapedGroup } from '../../supervisor/reap.js';
import type { ProcessStatus } from '../../supervisor/types.js';
import type { RunOptions } from '../../pipeline/context.js';
import type { MigrationCheck } from '../../backend/migration-state.js';
import type { RunningLoop } from './status.js';
import type { StepContext } from '../../pipeline/types.js';

export interface DevOptions extends RunOptions {
  /** Return once every process is ready, leaving a background supervisor running (`tldr ps`, `logs`, `stop`). */
  detach?: boolean;
  /** Run only these processes, in config order; may name processes with `enabled: false`. */
  only?: string[];
  /** Also stop the services when the dev loop ends. */
  down?: boolean;
  /** @default createStepContext(options) */
  context?: StepContext;
}

export interface DevData {
  processes: ProcessStatus[];
  migrations?: MigrationCheck & { applied?: boolean };
  /** Leftovers of an earlier dev loop that died, stopped before this one started. */
  reaped: ReapedGroup[];
  supervisor?: RunningLoop['supervisor'] & { log?: string };
  /** True when an identical dev loop was already running and was only reported. */
  alreadyRunning?: boolean;
  /** How a foreground loop ended. */
  stoppedBy?: 'signal' | 'tldr stop' | 'processes exited';
}

export interface DevResult {
  exitCode: number;
  summary: string;
  data: DevData;
}
