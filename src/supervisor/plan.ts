import type { LogLimits } from '../output/rotating-log.js';
import type { ProcessIdentity } from '../process/process-table.js';
import type { SupervisedProcess } from './types.js';

/** What `tldr dev --detach` writes to the background supervisor's stdin. */
export interface SuperviseInput {
  version: 1;
  stateDir: string;
  configFile: string;
  socket: string;
  /** The `tldr dev --detach` process that owns the record until the supervisor adopts it. */
  parent: ProcessIdentity;
  processes: SupervisedProcess[];
  down: boolean;
  /** Config `logs:` for the process logs and the supervisor's own log. */
  logs?: LogLimits;
}

export { supervisorArgv, supervisorLogPath } from '../process/early-start.js';
