import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  program
    .command('psql')
    .description('a psql shell on the managed Postgres (arguments are passed to psql)')
    .argument('[args...]', 'psql arguments, e.g. -c "select 1"')
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption(false)
    .action(
      action(async (s, _opts, [args]) => s.lib.psql({ project: s.project(), output: s.output, signal: s.signal, args: (args as string[] | undefined) ?? [] }), {
        interrupt: 'child',
      }),
    );
  program
    .command('redis-cli')
    .description('a redis-cli shell on the managed Redis (arguments are passed to redis-cli)')
    .argument('[args...]', 'redis-cli arguments, e.g. ping')
    .passThroughOptions()
    .allowUnknownOption()
    .helpOption(false)
    .action(
      action(async (s, _opts, [args]) => s.lib.redisCli({ project: s.project(), output: s.output, signal: s.signal, args: (args as string[] | undefined) ?? [] }), {
        interrupt: 'child',
      }),
    );
}
