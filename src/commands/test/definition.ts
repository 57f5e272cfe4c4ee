import { z } from 'zod';
import { once } from '../once.js';
import { SHARD_RULE, shardOf } from '../../backend/django-args.js';
import type { TestReport } from '../../output/test-report.js';
import type { IgnoredQueryFinding, QueryFinding } from '../../output/query-report.js';
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
  durations: z
    .string()
    .optional()
    .describe(
      'with --shard: balance the shards by the test times in this JSON file (id → seconds, as `tldr ci --write-durations` writes); new tests count at the mean; a missing file splits by id',
    ),
  junit: z.string().optional().describe('also write a JUnit XML report to this file'),
  failfast: z.boolean().default(false).describe('stop at the first failure'),
  strict: z.boolean().optional().describe('an n-plus-one finding fails the run, exit 1 (default tests.n_plus_one.fail)'),
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

  const queryFinding = z.object({
    code: z.literal('n-plus-one'),
    severity: z.literal('warning'),
    app: z.string().nullable().describe("the test's top-level package"),
    migration: z.null(),
    file: z.string().describe('the call site issuing the queries, relative to the config folder'),
    line: z.number().int(),
    message: z.string(),
    hint: z.string().describe('select_related / prefetch_related for the relation, when it can be read from the query'),
    test: z.string().describe('the test id'),
    count: z.number().int().describe('how many times the query ran from this line in the test'),
    shape: z.string().describe('the query without literals or parameter values (at most 240 characters)'),
    relation: z.string().nullable().describe('Model.field the loop loads'),
    fix: z.enum(['select_related', 'prefetch_related']).nullable(),
  });
  const ignoredQueryFinding = z.object({
    test: z.string(),
    file: z.string(),
    line: z.number().int(),
    count: z.number().int(),
    by: z.union([z.object({ site: z.string() }), z.object({ test: z.string() })]).describe('the tests.n_plus_one.ignore entry that silenced it'),
    reason: z.string(),
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
    queries: z.number().int().optional().describe('queries the test methods sent, all tests together (absent when tests.n_plus_one.enabled is false)'),
    setupQueries: z.number().int().optional().describe('queries outside test methods (setUpTestData, setUp, class fixtures), counted apart'),
    findings: z.array(queryFinding).describe('n-plus-one findings (the first 10), the same as the finding events'),
    findingsOmitted: z.number().int().describe('findings left out of `findings` (the events have them all)'),
    ignored: z.array(ignoredQueryFinding).describe('findings tests.n_plus_one.ignore silenced (the first 10): not reported, not failing'),
    strict: z.boolean().describe('a finding fails the run (--strict or tests.n_plus_one.fail)'),
    path: executionPath.optional(),
  });
  return { testReport, testData, queryFinding, ignoredQueryFinding };
});

type Results = ReturnType<typeof testResults>;
export type TestData = z.output<Results['testData']>;
export type Checks = [
  Assert<Same<z.output<Results['testReport']>, TestReport>>,
  Assert<Same<z.output<Results['queryFinding']>, QueryFinding>>,
  Assert<Same<z.output<Results['ignoredQueryFinding']>, IgnoredQueryFinding>>,
];

export const test = defineCommand({
  name: 'test',
  summary: 'Django tests against the managed Postgres; each result is a `test` event',
  help: "Always --noinput. Exit 1 when a test failed or errored (or, with --strict, on an n-plus-one finding); each test's query count is on its event, the top query shapes with --verbose. Django's own output is in .tldr/logs/test.log (shown with --verbose).",
  input: testInput,
  args: ['labels'],
  cli: {
    keepdb: { negate: 'also', negatedHelp: 'create the test database afresh' },
    parallel: { placeholder: 'n' },
    shard: { placeholder: 'i/n' },
    durations: { placeholder: 'file', path: true },
    junit: { placeholder: 'file', path: true },
    strict: { negate: 'also', negatedHelp: 'findings do not fail the run, whatever tests.n_plus_one.fail says' },
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
