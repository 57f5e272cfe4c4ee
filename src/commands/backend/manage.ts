import type { z } from 'zod';
import { celeryCommand, manageCommand, pythonCommand } from '../../backend/commands.js';
import { workerArgs } from '../../backend/django-args.js';
import type { CommandResult } from '../definition.js';
import { pythonNeeds } from '../preflight.js';
import type { argsInput } from './definitions.js';
import { coldReason, runPassthrough, type PassthroughOptions } from './passthrough.js';
import type { PassthroughData } from './schemas.js';

export type ArgsOptions = PassthroughOptions & z.input<typeof argsInput>;

/** `<python> manage.py ARGS…` in backend.dir with the managed env. */
export function manage(options: ArgsOptions): Promise<CommandResult<PassthroughData>> {
  const args = options.args ?? [];
  return runPassthrough(options, args[0] ? `manage.py ${args[0]}` : 'manage.py', (py) => manageCommand(options.project, py, args), {
    django: { coldBecause: coldReason(options, args[0]) },
  });
}

/** `<python> ARGS…` in backend.dir with the managed env. */
export function python(options: ArgsOptions): Promise<CommandResult<PassthroughData>> {
  return runPassthrough(options, 'python', (py) => pythonCommand(options.project, py, options.args ?? []), { needs: pythonNeeds });
}

/** `<python> -m celery -A <celery_app> worker -l info ARGS…`; stop it with one SIGTERM (warm shutdown). */
export function worker(options: ArgsOptions): Promise<CommandResult<PassthroughData>> {
  return runPassthrough(options, 'worker', (py) => celeryCommand(options.project, py, workerArgs(options.args)), { needs: pythonNeeds });
}
