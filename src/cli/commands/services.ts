import type { Command } from 'commander';
import { action } from '../session.js';

export interface DownFlags {
  volumes?: boolean;
  yes?: boolean;
}

export function register(program: Command): void {
  program
    .command('up')
    .description('start Postgres and Redis (idempotent; waits until each accepts real connections)')
    .argument('[services...]', 'postgres, redis (default: all)')
    .action(action(async (s) => {
      throw s.lib.notImplemented('up');
    }));
  program
    .command('down')
    .description('stop the services; data is kept unless --volumes --yes')
    .option('--volumes', 'also remove the data volumes (asks for --yes, or the project name at a TTY)')
    .option('-y, --yes', 'confirm dropping data')
    .action(action<DownFlags>(async (s) => {
      throw s.lib.notImplemented('down');
    }));
  program
    .command('status')
    .description('state, URL (password redacted), health and uptime of each service')
    .action(action(async (s) => {
      throw s.lib.notImplemented('status');
    }));
}
