import type { Command } from 'commander';
import { action } from '../session.js';

export interface DevFlags {
  detach?: boolean;
  only?: string;
  down?: boolean;
}

export function register(program: Command): void {
  program
    .command('dev')
    .description('services up → wait healthy → migrate (skipped when nothing is pending) → supervise the processes')
    .option('--detach', 'return once every process is ready and leave a supervisor running (see ps, logs, stop)')
    .option('--only <names>', 'comma-separated processes to run, e.g. web,worker')
    .option('--down', 'also stop the services when the dev loop ends')
    .addHelpText('after', '\nCtrl-C stops the processes in reverse order; services stay up unless --down.')
    .action(
      action<DevFlags>(
        async (s, opts) => {
          // A closed terminal (SIGHUP) must not turn the orderly stop into a crash on the next write.
          for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
          return s.lib.dev({ project: s.project(), output: s.output, signal: s.signal, detach: opts.detach, only: s.lib.parseOnly(opts.only), down: opts.down });
        },
        { interrupt: 'abort' },
      ),
    );
}
