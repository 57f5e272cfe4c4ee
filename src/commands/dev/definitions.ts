import { z } from 'zod';
import { defineCommand } from '../definition.js';
import { devResults } from './schemas.js';

export const devInput = z.object({
  detach: z.boolean().default(false).describe('return once every process is ready and leave a supervisor running (see ps, logs, stop)'),
  only: z.array(z.string().min(1)).optional().describe('the processes to run, in config order (may name ones with enabled: false); default: the enabled ones'),
  down: z.boolean().default(false).describe('also stop the services when the dev loop ends'),
});

export const dev = defineCommand({
  name: 'dev',
  summary: 'services up → wait healthy → migrate (skipped when nothing is pending) → supervise the processes',
  help: 'Ctrl-C stops the processes in reverse order; services stay up unless --down.',
  input: devInput,
  cli: { only: { placeholder: 'names' } },
  get result() {
    return devResults().devData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  longRunning: true,
  load: () => import('./dev.js').then((m) => m.dev),
});

export const ps = defineCommand({
  name: 'ps',
  summary: 'state of the detached dev loop: processes, pid, uptime, restarts, readiness',
  input: z.object({}),
  get result() {
    return devResults().psData;
  },
  // It stops what a dead dev loop left behind (tldr's own leftovers); it changes nothing of the project.
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./ps.js').then((m) => m.ps),
});

export const logsInput = z.object({
  name: z.string().min(1).describe('a dev process (web, worker, …) or a service (postgres, redis)'),
  tail: z
    .number()
    .int()
    .min(0)
    .default(100)
    .describe('only the last N lines')
    .meta({ examples: [50] }),
  follow: z.boolean().default(false).describe('keep printing new lines until Ctrl-C'),
  since: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("only lines written after this byte offset of a process's log: the `offset` an earlier call returned")
    .meta({ examples: [0] }),
  grep: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('only lines matching this regular expression (JavaScript syntax, case-insensitive); --tail counts matching lines')
    .meta({ examples: ['error|traceback'] }),
});

export const logs = defineCommand({
  name: 'logs',
  summary: 'logs of a dev process (web, worker, …) or a service (postgres, redis)',
  input: logsInput,
  args: ['name'],
  cli: { tail: { placeholder: 'n' }, follow: { short: 'f' }, since: { placeholder: 'offset' }, grep: { placeholder: 'regex' } },
  get result() {
    return devResults().logsData;
  },
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./logs.js').then((m) => m.processLogs),
});

export const stop = defineCommand({
  name: 'stop',
  summary: 'stop the detached dev loop (processes in reverse order; services stay up)',
  input: z.object({}),
  get result() {
    return devResults().stopData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./stop.js').then((m) => m.stop),
});

export const supervise = defineCommand({
  name: 'supervise',
  summary: 'internal: the background supervisor of `tldr dev --detach` (plan on stdin)',
  input: z.object({}),
  get result() {
    return devResults().superviseData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'none',
  hidden: true,
  load: () => import('./supervise.js').then((m) => m.supervise),
});
