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
    .action(
      action<MigrateFlags>(
        async (s, opts, [app, migration]) => {
          if (opts.check) {
            if (app !== undefined) throw s.lib.usageError('migrate --check takes no APP or MIGRATION', 'run `tldr migrate --check` alone: it checks every app');
            return s.lib.migrateCheck({
              project: s.project(),
              output: s.output,
              signal: s.signal,
              ...(opts.since !== undefined ? { since: opts.since } : {}),
              // commander sets reversibility: true when --no-reversibility is absent; only `false` overrides the config.
              ...(opts.reversibility === false ? { reversibility: false } : {}),
              ...(opts.strict ? { strict: true } : {}),
              forwardSignals: true,
            });
          }
          const checkOnly = [opts.since !== undefined && '--since', opts.reversibility === false && '--no-reversibility', opts.strict && '--strict'].filter(Boolean);
          if (checkOnly.length) throw s.lib.usageError(`${checkOnly.join(', ')} can only be used with --check`, `run \`tldr migrate --check ${checkOnly.join(' ')}\``);
          return s.lib.migrate({
            project: s.project(),
            output: s.output,
            signal: s.signal,
            app: app as string | undefined,
            migration: migration as string | undefined,
            forwardSignals: true,
          });
        },
        { interrupt: 'child' },
      ),
    );
}
