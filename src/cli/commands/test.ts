import type { Command } from 'commander';
import { action } from '../session.js';

export interface TestFlags {
  keepdb?: boolean;
  parallel?: string;
  shard?: string;
  junit?: string;
  failfast?: boolean;
}

export function register(program: Command): void {
  program
    .command('test')
    .description('Django tests against the managed Postgres; each result is a `test` event')
    .argument('[labels...]', 'test labels, e.g. documents or documents.tests.DocumentTests')
    .option('--keepdb', 'keep the test database between runs (default on locally, off when CI=true)')
    .option('--no-keepdb', 'create the test database afresh')
    .option('--parallel <n>', 'run in N processes, or "auto"')
    .option('--shard <i/n>', 'run shard I of N (deterministic split of the test ids)')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--failfast', 'stop at the first failure')
    .action(action<TestFlags>(async (s) => {
      throw s.lib.notImplemented('test');
    }));
}
