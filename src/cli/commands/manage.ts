import type { Command } from 'commander';
import { action } from '../session.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description('the Celery worker (celery -A <app> worker -l info) with the managed env')
    .argument('[args...]', 'extra celery worker arguments')
    .passThroughOptions()
    .allowUnknownOption()
    .action(action(async (s) => {
      throw s.lib.notImplemented('worker');
    }, { interrupt: 'child' }));
  program
    .command('manage')
    .description('python manage.py ARGS… with the managed env; the exit code is passed through')
    .argument('<args...>', 'manage.py arguments, e.g. check --deploy')
    .passThroughOptions()
    .allowUnknownOption()
    .action(action(async (s) => {
      throw s.lib.notImplemented('manage');
    }, { interrupt: 'child' }));
  program
    .command('python')
    .description('the project python with the managed env; the exit code is passed through')
    .argument('[args...]', 'python arguments')
    .passThroughOptions()
    .allowUnknownOption()
    .action(action(async (s) => {
      throw s.lib.notImplemented('python');
    }, { interrupt: 'child' }));
}
