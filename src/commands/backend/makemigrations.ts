import type { z } from 'zod';
import { manageCommand } from '../../backend/commands.js';
import { makemigrationsArgs } from '../../backend/django-args.js';
import type { CommandResult } from '../definition.js';
import type { makemigrationsInput } from './definitions.js';
import { coldReason, interactive, runPassthrough, type PassthroughOptions } from './passthrough.js';
import type { PassthroughData } from './schemas.js';

export type MakemigrationsOptions = PassthroughOptions & z.input<typeof makemigrationsInput>;

/** `manage.py makemigrations [APP…] [--name N]`; asks its questions only at a terminal. */
export function makemigrations(options: MakemigrationsOptions): Promise<CommandResult<PassthroughData>> {
  const args = makemigrationsArgs({
    apps: options.apps,
    name: options.name,
    noinput: !interactive(options),
    ...(options.check ? { check: true } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  });
  return runPassthrough(options, 'makemigrations', (py) => manageCommand(options.project, py, args), {
    django: { coldBecause: coldReason(options, 'makemigrations') },
  });
}
