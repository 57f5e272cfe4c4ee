import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  program
    .command('env')
    .description('the environment backend processes get (secrets redacted); starts nothing, says what is not running')
    .option('--export', "print `export KEY='value'` lines, unredacted, for eval (terminal or pipe only)")
    .option('--all', 'the whole environment, not only what tldr adds')
    .action(
      action<{ export?: boolean; all?: boolean }>(async (s, opts) =>
        s.lib.envCommand({ project: s.project(), output: s.output, signal: s.signal, export: opts.export, all: opts.all }),
      ),
    );
}
