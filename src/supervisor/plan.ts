import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

/**
 * `node dist/bundle/supervise.cjs` (the bundled entry, with V8's code cache; `dist/supervisor/main.js` without a bundle).
 * The paths hold from src/supervisor/, dist/supervisor/ and dist/bundle/ alike: all sit two levels down.
 */
export function supervisorArgv(): string[] {
  const bundled = fileURLToPath(new URL('../../dist/bundle/supervise.cjs', import.meta.url));
  return [process.execPath, existsSync(bundled) ? bundled : fileURLToPath(new URL('../../dist/supervisor/main.js', import.meta.url))];
}
