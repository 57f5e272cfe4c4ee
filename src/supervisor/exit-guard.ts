import { defaultProcessTable, type ProcessIdentity, type ProcessTable } from '../process/process-table.js';
import { terminateGroupsSync } from '../process/terminate.js';

type Hooks = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/**
 * The last resort against orphans: on process 'exit' (an uncaught error, `process.exit` after a
 * second Ctrl-C) every group still running is stopped synchronously — SIGTERM and a blocking
 * wait of at most the grace, or SIGKILL at once when the grace is 0.
 */
export class ExitGuard {
  private readonly onExit = () => {
    const running = this.running();
    if (running.length) terminateGroupsSync(running, this.graceMs(), this.table);
  };

  constructor(
    private readonly running: () => ProcessIdentity[],
    private readonly graceMs: () => number,
    private readonly table: ProcessTable = defaultProcessTable,
    private readonly hooks: Hooks = process,
  ) {
    hooks.on('exit', this.onExit);
  }

  release(): void {
    this.hooks.off('exit', this.onExit);
  }
}
