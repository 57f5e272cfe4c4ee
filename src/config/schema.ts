import { z } from 'zod';
import { parseSize } from './size.js';

/** Finding codes of `tldr migrate --check` (DESIGN.md § Migration checks). */
export const findingCodes = [
  'missing-migration',
  'conflict',
  'unapplied',
  'adding-not-nullable-field',
  'drop-column',
  'drop-table',
  'rename-column',
  'rename-table',
  'alter-column-type',
  'add-index-blocking',
  'add-unique-blocking',
  'runpython-irreversible',
  'runsql-irreversible',
  'add-foreign-key-validating',
  'add-check-constraint-validating',
  'remove-index-blocking',
  'mixed-schema-and-data',
  'volatile-default',
  'table-rewrite',
  'apply-fails',
  'irreversible',
  'not-idempotent',
] as const;

/** Finding codes of `tldr test` (DESIGN.md § Migration checks, last paragraph). Not in `migrations.ignore`: `tests.n_plus_one.ignore` silences them. */
export const testFindingCodes = ['n-plus-one'] as const;
export type FindingCode = (typeof findingCodes)[number] | (typeof testFindingCodes)[number];

/** MCP tool names (DESIGN.md § Output and the agent contract). */
export const agentToolNames = [
  'status',
  'up',
  'migrate_check',
  'makemigrations',
  'migrate',
  'test',
  'dev_start',
  'dev_status',
  'dev_stop',
  'logs',
  'run_pipeline',
] as const;

const port = z
  .number({ error: 'expected a number from 0 to 65535' })
  .int({ error: 'expected a whole number from 0 to 65535' })
  .min(0, { error: 'expected a number from 0 to 65535' })
  .max(65535, { error: 'expected a number from 0 to 65535' });

const nonEmpty = z.string({ error: 'expected a string' }).min(1, { error: 'must not be empty' });
const size = z
  .union([z.number(), z.string()], { error: 'expected a size like 20MB, 512KB, or a number of bytes' })
  .refine((v) => (parseSize(v) ?? 0) >= 1024, { error: 'expected a size of at least 1KB, like 20MB, 512KB, or a number of bytes' });
const seconds = z.number({ error: 'expected a number of seconds' }).positive({ error: 'expected a positive number of seconds' });

const postgresSchema = z.strictObject({
  image: nonEmpty.default('postgres:17'),
  port: port.default(5432),
  db: nonEmpty.default('tldr'),
  user: nonEmpty.default('tldr'),
  password: z.string({ error: 'expected a string (quote it if it looks like a number)' }).default('tldr'),
  url: nonEmpty.optional().describe('provider external: the server to use; tldr only probes it'),
});

const redisSchema = z.strictObject({
  image: nonEmpty.default('redis:7'),
  port: port.default(6379),
  url: nonEmpty.optional().describe('provider external: the server to use; tldr only probes it'),
});

const readySchema = z
  .strictObject({
    http: nonEmpty.optional().describe('ready when this URL answers 2xx, 3xx or 4xx'),
    tcp: z.union([port, nonEmpty]).optional().describe('ready when this port (or host:port) accepts a connection'),
    log: nonEmpty.optional().describe('ready when a log line matches this regular expression'),
    timeout: seconds.default(60),
  })
  .refine((r) => [r.http, r.tcp, r.log].filter((x) => x !== undefined).length <= 1, {
    error: 'give one of http, tcp or log',
  });

const processSchema = z.strictObject({
  run: nonEmpty.describe('split like a shell splits words, never run through a shell'),
  dir: nonEmpty.optional().describe('working directory, relative to the config file; default: backend.dir'),
  ready: readySchema.optional(),
  enabled: z.boolean().default(true),
  env: z.record(z.string(), z.string()).default({}),
  restart: z.enum(['no', 'on-failure']).default('no'),
  restart_limit: z.number().int().min(0).default(5),
  restart_backoff: seconds.default(1),
  stop_grace: seconds.default(10),
});

const stepSchema: z.ZodType<PipelineStepConfig> = z.lazy(() =>
  z.union([
    nonEmpty,
    z.strictObject({ run: nonEmpty }),
    z.strictObject({ parallel: z.array(stepSchema).min(1) }),
    z.strictObject({ sequence: z.array(stepSchema).min(1) }),
  ]),
);
export type PipelineStepConfig = string | { run: string } | { parallel: PipelineStepConfig[] } | { sequence: PipelineStepConfig[] };

/** `5s`, `500ms`, `1.5min`, `1h` → milliseconds; undefined when it is not such a duration. */
export function durationMs(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)\s*$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * { ms: 1, s: 1000, min: 60_000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'min' | 'm' | 'h'];
  return ms >= 1 ? Math.round(ms) : undefined;
}

const lockTimeout = z
  .string({ error: 'expected a duration such as 5s, 500ms or 1min' })
  .refine((v) => durationMs(v) !== undefined, { error: 'expected a duration such as 5s, 500ms or 1min (at least 1ms)' });

const ignoreSchema = z.strictObject({
  migration: z.string().regex(/^[\w]+\.[\w]+$/, { error: 'expected APP.MIGRATION, e.g. documents.0004_remove_title' }),
  rules: z.array(z.enum(findingCodes)).min(1),
  reason: nonEmpty.describe('why this rule is silenced here; required'),
});

// `tests.n_plus_one.ignore`: a finding of `tldr test` silenced for one test (or a class, a module) or one call site.
const queryIgnoreSchema = z
  .strictObject({
    test: z
      .string({ error: 'expected a test id' })
      .regex(/^\w+(\.\w+)*$/u, { error: 'expected a test id or a dotted prefix of one, e.g. shop.tests.OrderTests.test_total or shop.tests' })
      .optional()
      .describe('a test id, or a dotted prefix of one (a class, a module): every finding of those tests'),
    site: z
      .string({ error: 'expected FILE:LINE' })
      .regex(/^[^:\s][^:]*(:[1-9]\d*)?$/, { error: 'expected FILE:LINE or FILE, relative to the config folder, e.g. backend/reports/views.py:40' })
      .optional()
      .describe('FILE:LINE of the call site as findings name it (relative to the config folder), or FILE: every line of it'),
    reason: nonEmpty.describe('why this finding is acceptable; required'),
  })
  .refine((e) => (e.test === undefined) !== (e.site === undefined), { error: 'give exactly one of test or site' });

const testsSchema = z.strictObject({
  n_plus_one: z
    .strictObject({
      enabled: z.boolean().default(true).describe("record every test's queries (false: no query counts, no findings)"),
      threshold: z
        .number({ error: 'expected a whole number of at least 2' })
        .int({ error: 'expected a whole number of at least 2' })
        .min(2, { error: 'expected a whole number of at least 2' })
        .default(5)
        .describe('a finding: one call site issues the same query shape at least this many times in one test'),
      fail: z.boolean().default(false).describe('a finding fails the run (exit 1), like --strict'),
      ignore: z.array(queryIgnoreSchema).default([]),
    })
    .prefault({})
    .describe('`tldr test` reports n-plus-one: the same query repeated from one line in a test'),
});

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1, { error: 'expected version: 1' }),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, { error: 'expected lowercase letters, digits, ".", "_" or "-"' })
    .optional()
    .describe('namespaces containers, volumes, state; default: folder name'),
  backend: z
    .strictObject({
      dir: nonEmpty.default('backend'),
      settings: nonEmpty.optional().describe('DJANGO_SETTINGS_MODULE'),
      python: z
        .union([z.enum(['auto', 'uv']), z.array(nonEmpty).min(1)])
        .default('auto')
        .describe('auto | uv | a command list, e.g. [".venv/bin/python"]'),
      celery_app: nonEmpty.default('tldr'),
    })
    .prefault({}),
  services: z
    .strictObject({
      provider: z.enum(['auto', 'docker', 'native', 'external']).default('auto'),
      postgres: postgresSchema.prefault({}),
      redis: redisSchema.prefault({}),
    })
    .prefault({}),
  env_files: z.array(nonEmpty).default([]),
  env: z.record(z.string(), z.string({ error: 'expected a string (quote numbers: "1")' })).default({}),
  processes: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), processSchema).default({}),
  logs: z
    .strictObject({
      max_size: size.default('20MB').describe('a log file is rotated before it grows past this: 20MB, 512KB, or a number of bytes'),
      keep: z.number().int().min(0).max(100).default(3).describe('rotated files kept besides the current one (.1 … .keep)'),
    })
    .prefault({})
    .describe('.tldr/logs/: process logs, the supervisor log and the test log, rotated by size'),
  migrations: z
    .strictObject({
      since: z.string().nullable().default(null),
      reversibility: z.boolean().default(true),
      strict: z.boolean().default(false),
      lock_timeout: lockTimeout
        .nullable()
        .default(null)
        .describe("e.g. 5s: every connection of `tldr migrate`, the dev loop's migrate and the reversibility run gives up waiting for a lock after it"),
      ignore: z.array(ignoreSchema).default([]),
    })
    .prefault({}),
  tests: testsSchema.prefault({}),
  pipelines: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/), z.array(stepSchema).min(1)).default({}),
  agent: z
    .strictObject({
      tools: z.array(z.enum(agentToolNames)).default([...agentToolNames]),
    })
    .prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type ProcessConfig = Config['processes'][string];
export type ReadyConfig = NonNullable<ProcessConfig['ready']>;
export type PostgresConfig = Config['services']['postgres'];
export type RedisConfig = Config['services']['redis'];
export type IgnoreEntry = Config['migrations']['ignore'][number];
export type NPlusOneConfig = Config['tests']['n_plus_one'];
export type QueryIgnoreEntry = NPlusOneConfig['ignore'][number];
