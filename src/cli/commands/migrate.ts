import type { Command } from 'commander';
import { action } from '../session.js';

export interface MigrateFlags {
  check?: boolean;
  since?: string;
  reversibility?: boolean;
  strict?: boolean;
}

export function register(program: Command): void {
  program
    .command('migrate')
    .description("apply migrations with the managed env, or --check every migration problem in one Django start")
    .argument('[app]', 'app label')
    .argument('[migration]', 'migration name (migrate to it, backwards too)')
    .option('--check', 'run all migration checks instead of migrating (exit 1 on errors)')
    .option('--since <ref>', 'with --check: lint migrations added since this git ref (default: the unapplied ones)')
    .option('--no-reversibility', 'with --check: skip the scratch-database reversibility run')
    .option('--strict', 'with --check: warnings fail too')
    .action(action<MigrateFlags>(async (s) => {
      throw s.lib.notImplemented('migrate');
    }));
}
