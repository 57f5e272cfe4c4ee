import { z } from 'zod';
import { durationMs } from '../../config/schema.js';
import { defineCommand } from '../definition.js';
import { once } from '../once.js';

export const warmStartInput = z.object({
  idleTimeout: z
    .string()
    .refine((v) => v.trim() === '0' || durationMs(v) !== undefined, { message: 'expected a duration such as 15m, 90s or 1h, or 0 (never)' })
    .default('15m')
    .describe('stop after this long without a command (0: never)'),
});

/** The result schemas, built on first use. */
const warmResults = once(() => {
  const watched = z
    .object({ modules: z.number().int(), files: z.number().int(), folders: z.number().int(), migrationFolders: z.number().int(), envKeys: z.number().int() })
    .describe(
      'what it checks before every fork (any change restarts it first): loaded modules, other files, import folders, migration folders, environment variables',
    );
  const server = z.object({
    pid: z.number().int(),
    owner: z.enum(['warm', 'dev']).describe('warm: `tldr warm start`; dev: the dev loop (stopped with it)'),
    socket: z.string(),
    startedAt: z.string(),
    idleTimeoutS: z.number().describe('0: never'),
    log: z.string().describe("the server's stderr: Django's start-up errors"),
  });
  const startData = server.extend({
    already: z.boolean().describe('a server was running already'),
    django: z.string().optional(),
    settings: z.string().optional(),
    bootMs: z.number().optional(),
    watched: watched.optional(),
  });
  const statusData = z.object({
    running: z.boolean(),
    server: server
      .extend({
        ageMs: z.number(),
        reason: z.string().describe('why it (re)started last: `started by …`, or the change that made the previous one stale'),
        served: z.number().int().describe('commands forked so far'),
        active: z.number().int().describe('commands running now'),
        prepared: z
          .object({
            pid: z.number().int(),
            argv: z.array(z.string()),
            ageMs: z.number(),
            paused: z.boolean().describe('its test databases are set up; it waits for the same `tldr test --keepdb`'),
          })
          .nullable()
          .describe('the next `tldr test --keepdb` run, set up ahead (null: none)'),
        adopted: z.number().int().describe('runs that were prepared ahead and used'),
        idleMs: z.number(),
        django: z.string(),
        settings: z.string(),
        python: z.string(),
        bootMs: z.number(),
        watched,
      })
      .optional(),
  });
  const stopData = z.object({ stopped: z.boolean(), pid: z.number().int().optional(), terminated: z.boolean().optional() });
  return { startData, statusData, stopData };
});

export type WarmStartData = z.output<ReturnType<typeof warmResults>['startData']>;
export type WarmStatusData = z.output<ReturnType<typeof warmResults>['statusData']>;
export type WarmStopData = z.output<ReturnType<typeof warmResults>['stopData']>;

export const warmStart = defineCommand({
  name: 'warm start',
  summary: 'start the warm Django fork server: test, migrate --check and manage then fork from a set-up Django',
  help: 'It stops itself after --idle-timeout without a command, and restarts before a fork when a loaded module, settings, env file, lock file, migration folder or the environment changed. `--cold` on a backend command bypasses it.',
  input: warmStartInput,
  cli: { idleTimeout: { placeholder: 'duration' } },
  get result() {
    return warmResults().startData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./warm.js').then((m) => m.warmStart),
});

export const warmStop = defineCommand({
  name: 'warm stop',
  summary: 'stop the warm Django fork server (running commands are stopped first)',
  input: z.object({}),
  get result() {
    return warmResults().stopData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./warm.js').then((m) => m.warmStop),
});

export const warmStatus = defineCommand({
  name: 'warm status',
  summary: 'the warm Django fork server: pid, age, what it watches, why it last restarted',
  input: z.object({}),
  get result() {
    return warmResults().statusData;
  },
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./warm.js').then((m) => m.warmStatus),
});
