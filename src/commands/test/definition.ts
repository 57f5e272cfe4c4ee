import { z } from 'zod';
import { once } from '../once.js';
import { SHARD_RULE, shardOf } from '../../backend/django-args.js';
import type { TestReport } from '../../output/test-report.js';
import { defineCommand } from '../definition.js';
import { coldField, executionPath } from '../warm/schemas.js';
import type { Assert, Same } from '../same-type.js';

/** `--shard I/N` of `tldr test` (and of `tldr ci` next). */
export const shardField = z
  .string()
  .refine((value) => shardOf(value) !== undefined, { message: `expected ${SHARD_RULE}` })
  .describe('run only shard I of N: a deterministic split of the sorted test ids')
  .meta({ examples: ['1/4'] });

export const testInput = z.object({
  labels: z.array(z.string()).default([]).describe('test labels, e.g. documents or documents.tests.DocumentTests; each one argv element'),
  keepdb: z.boolean().optional().describe('keep the test database between runs (default on locally, off when CI=true)'),
  parallel: z
    .union([z.number().int().min(1), z.literal('auto')])
    .optional()
    .describe('run in N processes, or "auto" (default 1)')
    .meta({ examples: [4, 'auto'] }),
  shard: shardField.optional(),
  junit: z.string().optional().describe('also write a JUnit XML report to this file'),
  failfast: z.boolean().default(false).describe('stop at the first failure'),
  cold: coldField,
});

/** The result schema, built on first use. */
const testResults = once(() => {
  const testReport = z.object({
    counts: z.object({ total: z.number().int(), passed: z.number().int(), failed: z.number().int(), errors: z.number().int(), skipped: z.number().int() }),
    durationMs: z.number(),
    failures: z
      .array(z.object({ id: z.string(), outcome: z.enum(['failed', 'error']), message: z.string().optional() }))
      .describe('failed and errored tests (the first 20), each message cut to its first lines'),
    slowest: z.array(z.object({ id: z.string(), durationMs: z.number() })).describe('the slowest tests, slowest first'),
  });

  const testData = testReport.extend({
    keepdb: z.boolean(),
    parallel: z.union([z.number().int(), z.literal('auto')]),
    shard: z.string().optional(),
    labels: z.array(z.string()),
    stopped: z.boolean().describe('the runner stopped early (failfast, interrupt)'),
    django: z.string().optional(),
    python: z.string().optional(),
    junit: z.string().optional().describe('the JUnit file written'),
    log: z.string().describe("everything the test process printed: this run's own file (.tldr/logs/test.log is the latest run's)"),
    tail: z.array(z.string()).optional().describe("the test process's output tail when it ended without reporting (crash, kill)"),
    path: executionPath.optional(),
  });
  return { testReport, testData };
});

type Results = ReturnType<typeof testResults>;
export type TestData = z.output<Results['testData']>;
export type Checks = [Assert<Same<z.output<Results['testReport']>, TestReport>>];

export const test = defineCommand({
  name: 'test',
  summary: 'Django tests against the managed Postgres; each result is a `test` event',
  help: "Always --noinput. Exit 1 when a test failed or errored; Django's own output is in .tldr/logs/test.log (shown with --verbose).",
  input: testInput,
  args: ['labels'],
  cli: {
    keepdb: { negate: 'also', negatedHelp: 'create the test database afresh' },
    parallel: { placeholder: 'n' },
    shard: { placeholder: 'i/n' },
    junit: { placeholder: 'file', path: true },
  },
  get result() {
    return testResults().testData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./test.js').then((m) => m.test),
});
