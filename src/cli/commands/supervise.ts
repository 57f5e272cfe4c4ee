import type { Command } from 'commander';
import { action } from '../session.js';

/** The background supervisor `tldr dev --detach` starts; it reads its plan from stdin. Not for people. */
export function register(program: Command): void {
  program
    .command('supervise', { hidden: true })
    .description('internal: the background supervisor of `tldr dev --detach` (plan on stdin)')
    .action(action(async (s) => s.lib.supervise({ output: s.output, signal: s.signal })));
}
