import type { Command } from 'commander';
import { action } from '../session.js';

export interface LogsFlags {
  tail?: string;
  follow?: boolean;
}

export function register(program: Command): void {
  program
    .command('ps')
    .description('state of the detached dev loop: processes, pid, uptime, restarts, readiness')
    .action(action(async (s) => {
      throw s.lib.notImplemented('ps');
    }));
  program
    .command('logs')
    .description('logs of a dev process (web, worker, …) or a service (postgres, redis)')
    .argument('<name>', 'process or service name')
    .option('--tail <n>', 'only the last N lines', '100')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .action(action<LogsFlags>(async (s) => {
      throw s.lib.notImplemented('logs');
    }));
  program
    .command('stop')
    .description('stop the detached dev loop (processes in reverse order; services stay up)')
    .action(action(async (s) => {
      throw s.lib.notImplemented('stop');
    }));
}
