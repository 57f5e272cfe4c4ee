import type { Command } from 'commander';
import { action } from '../session.js';

// Passthrough commands: at a terminal the child owns it and takes Ctrl-C itself (once); tldr
// waits for it and exits 130. With --json its output arrives as `log` events.
const passthrough = { interrupt: 'child' } as const;

export function register(program: Command): void {
  program
    .command('worker')
    .description('the Celery worker (celery -A <app> worker -l info) with the managed env')
    .argument('[args...]', 'extra celery worker arguments, e.g. -c 2 -Q default')
    .passThroughOptions()
    .allowUnknownOption()
    .action(
      action(async (s, _opts, [args]) => s.lib.worker({ project: s.project(), output: s.output, signal: s.signal, args: args as string[], forwardSignals: true }), passthrough),
    );
  program
    .command('manage')
    .description('python manage.py ARGS… with the managed env; the exit code is passed through')
    .argument('<args...>', 'manage.py arguments, e.g. check --deploy')
    .passThroughOptions()
    .allowUnknownOption()
    .action(
      action(async (s, _opts, [args]) => s.lib.manage({ project: s.project(), output: s.output, signal: s.signal, args: args as string[], forwardSignals: true }), passthrough),
    );
  program
    .command('python')
    .description('the project python with the managed env; the exit code is passed through')
    .argument('[args...]', 'python arguments, e.g. -c "import django"')
    .passThroughOptions()
    .allowUnknownOption()
    .action(
      action(async (s, _opts, [args]) => s.lib.python({ project: s.project(), output: s.output, signal: s.signal, args: args as string[], forwardSignals: true }), passthrough),
    );
}
