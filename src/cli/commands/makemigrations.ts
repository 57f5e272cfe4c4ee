import type { Command } from 'commander';
import { action } from '../session.js';

export interface MakemigrationsFlags {
  name?: string;
}

export function register(program: Command): void {
  program
    .command('makemigrations')
    .description("Django's makemigrations with the managed env")
    .argument('[apps...]', 'app labels')
    .option('--name <name>', 'name of the new migration')
    .action(
      action<MakemigrationsFlags>(
        async (s, opts, [apps]) =>
          s.lib.makemigrations({ project: s.project(), output: s.output, signal: s.signal, apps: apps as string[], name: opts.name, forwardSignals: true }),
        { interrupt: 'child' },
      ),
    );
}
