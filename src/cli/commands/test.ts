import type { Command } from 'commander';
import { resolve } from 'node:path';
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
    .addHelpText('after', '\nAlways --noinput. Exit 1 when a test failed or errored; Django\'s own output is in .tldr/logs/test.log (shown with --verbose).')
    .action(
      action<TestFlags>(async (s, opts, [labels]) =>
        s.lib.test({
          project: s.project(),
          output: s.output,
          signal: s.signal,
          labels: labels as string[],
          keepdb: opts.keepdb,
          parallel: opts.parallel,
          shard: opts.shard,
          junit: opts.junit === undefined ? undefined : resolve(s.cwd, opts.junit),
          failfast: opts.failfast,
        }),
      ),
    );
}
