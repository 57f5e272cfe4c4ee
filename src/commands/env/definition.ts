import { z } from 'zod';
import { defineCommand } from '../definition.js';
import { once } from '../once.js';
import { servicesResults } from '../services/schemas.js';

export const envInput = z.object({
  export: z.boolean().default(false).describe("print `export KEY='value'` lines, unredacted, for eval (terminal or pipe only)"),
  all: z.boolean().default(false).describe('the whole environment, not only what tldr adds'),
});

const envData = once(() =>
  z.object({
    env: z.record(z.string(), z.string()).describe('redacted: secret-named keys and every known secret value show as ***'),
    services: z.array(servicesResults().inspectedService).describe("each service's state as found; the env points at where a stopped one will answer"),
    notRunning: z.array(z.string()).describe('what is not running (or could not be checked), one line each'),
    warnings: z.array(z.string()).describe('statements of env_files that python-dotenv (and so tldr) skips'),
  }),
);

export type EnvData = z.output<ReturnType<typeof envData>>;

export const env = defineCommand({
  name: 'env',
  summary: 'the environment backend processes get (secrets redacted); starts nothing, says what is not running',
  input: envInput,
  get result() {
    return envData();
  },
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./env.js').then((m) => m.envCommand),
});
