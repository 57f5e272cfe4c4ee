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
    .action(action<MakemigrationsFlags>(async (s) => {
      throw s.lib.notImplemented('makemigrations');
    }));
}
