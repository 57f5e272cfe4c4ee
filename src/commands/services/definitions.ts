import { z } from 'zod';
import { defineCommand } from '../definition.js';
import { serviceName, servicesResults } from './schemas.js';

export const upInput = z.object({
  services: z.array(serviceName).default([]).describe('the services to start (default: all)'),
});

export const up = defineCommand({
  name: 'up',
  summary: 'start Postgres and Redis (idempotent; waits until each accepts real connections)',
  input: upInput,
  args: ['services'],
  get result() {
    return servicesResults().upData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./up.js').then((m) => m.up),
});

export const downInput = z.object({
  volumes: z.boolean().default(false).describe('also remove the data volumes (asks for --yes, or the project name at a terminal)'),
  yes: z.boolean().default(false).describe('confirm dropping data'),
});

export const down = defineCommand({
  name: 'down',
  summary: 'stop the services; data is kept unless --volumes --yes',
  input: downInput,
  cli: { yes: { short: 'y' } },
  get result() {
    return servicesResults().downData;
  },
  readOnly: false,
  destructive: true,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./down.js').then((m) => m.down),
});

export const status = defineCommand({
  name: 'status',
  summary: 'state, URL (password redacted), health and uptime of each service',
  input: z.object({}),
  get result() {
    return servicesResults().statusData;
  },
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./status.js').then((m) => m.status),
});

export const clientInput = z.object({
  args: z.array(z.string()).default([]).describe('arguments for the client after its connection flags, e.g. -c "select 1"'),
});

// A client shell can do anything its user can, dropping data included.
const shell = {
  input: clientInput,
  args: ['args'],
  cli: { args: { passThrough: true, passHelp: true } },
  readOnly: false,
  destructive: true,
  interrupt: 'child',
  project: 'required',
} as const;

export const psql = defineCommand({
  ...shell,
  name: 'psql',
  summary: 'a psql shell on the managed Postgres (arguments are passed to psql)',
  get result() {
    return servicesResults().clientData;
  },
  load: () => import('./clients.js').then((m) => m.psql),
});

export const redisCli = defineCommand({
  ...shell,
  name: 'redis-cli',
  summary: 'a redis-cli shell on the managed Redis (arguments are passed to redis-cli)',
  get result() {
    return servicesResults().clientData;
  },
  load: () => import('./clients.js').then((m) => m.redisCli),
});
