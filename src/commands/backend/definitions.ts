import { z } from 'zod';
import { migrateTargetProblem } from '../../backend/django-args.js';
import { defineCommand } from '../definition.js';
import { coldField } from '../warm/schemas.js';
import { passthroughData } from './schemas.js';

// Passthrough commands: at a terminal the child owns it and takes Ctrl-C itself (once); tldr
// waits for it and exits with its code. With --json its output arrives as `log` events.
const passthrough = { result: passthroughData, readOnly: false, interrupt: 'child', project: 'required' } as const;

export const migrateInput = z.object({
  app: z.string().optional().describe('app label'),
  migration: z.string().optional().describe('migration name or prefix, or zero (migrate to it, backwards too; needs APP)'),
  cold: coldField,
});

export const migrate = defineCommand({
  ...passthrough,
  name: 'migrate',
  summary: 'apply migrations with the managed env, or --check every migration problem in one Django start',
  input: migrateInput,
  args: ['app', 'migration'],
  refine: ({ app, migration }) => {
    const problem = migrateTargetProblem(app, migration);
    return problem ? [{ path: ['migration'], ...problem }] : [];
  },
  // Migrating backwards drops what the later migrations created.
  destructive: true,
  load: () => import('./migrate.js').then((m) => m.migrate),
});

export const makemigrationsInput = z.object({
  apps: z.array(z.string()).default([]).describe('app labels'),
  name: z.string().optional().describe('name of the new migration'),
  check: z.boolean().default(false).describe('exit 1 when model changes have no migration (writes nothing)'),
  dryRun: z.boolean().default(false).describe('show what would be written, write nothing'),
  cold: coldField,
});

export const makemigrations = defineCommand({
  ...passthrough,
  name: 'makemigrations',
  summary: "Django's makemigrations with the managed env",
  input: makemigrationsInput,
  args: ['apps'],
  destructive: false,
  load: () => import('./makemigrations.js').then((m) => m.makemigrations),
});

export const argsInput = z.object({
  args: z.array(z.string()).default([]).describe('arguments for the child, each one argv element'),
});

export const worker = defineCommand({
  ...passthrough,
  name: 'worker',
  summary: 'the Celery worker (celery -A <app> worker -l info) with the managed env',
  input: argsInput,
  args: ['args'],
  cli: { args: { passThrough: true } },
  destructive: false,
  load: () => import('./manage.js').then((m) => m.worker),
});

export const manage = defineCommand({
  ...passthrough,
  name: 'manage',
  summary: 'python manage.py ARGS… with the managed env; the exit code is passed through',
  input: z.object({ args: z.array(z.string()).min(1).describe('manage.py arguments, e.g. check --deploy'), cold: coldField }),
  args: ['args'],
  cli: { args: { passThrough: true } },
  // Any manage.py command: flush and sqlflush among them.
  destructive: true,
  load: () => import('./manage.js').then((m) => m.manage),
});

export const python = defineCommand({
  ...passthrough,
  name: 'python',
  summary: 'the project python with the managed env; the exit code is passed through',
  input: argsInput,
  args: ['args'],
  cli: { args: { passThrough: true } },
  destructive: true,
  load: () => import('./manage.js').then((m) => m.python),
});
