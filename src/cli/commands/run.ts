import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run a pipeline from tldr.config.yaml (`pipelines:`)')
    .argument('<pipeline>', 'pipeline name')
    .option('--dry-run', 'print the plan and run nothing')
    .action(
      action<{ dryRun?: boolean }>(async (s, opts, [name]) => {
        const result = await s.lib.runPipeline({ project: s.project(), output: s.output, signal: s.signal, name: String(name), dryRun: opts.dryRun });
        return result;
      }),
    );
}
