import { z } from 'zod';
import { durationMs } from '../../config/schema.js';
import { once } from '../once.js';
import { defineCommand } from '../definition.js';
import { shardField } from '../test/definition.js';

export const ciInput = z.object({
  junit: z.string().optional().describe('write a JUnit XML report: the tests, and every finding as a test case (classname = app, name = `code migration`)'),
  shard: shardField.optional(),
  durations: z
    .string()
    .optional()
    .describe(
      'with --shard: balance the shards by the test times in this JSON file (id → seconds, from --write-durations); new tests count at the mean; a missing file splits by id',
    ),
  writeDurations: z
    .string()
    .optional()
    .describe("write this run's test times as JSON id → seconds (merge the shards' files: `jq -s add old.json shard-*.json`)"),
  timeout: z
    .string()
    .refine((v) => durationMs(v) !== undefined, { message: 'expected a duration such as 90s, 20min or 1h' })
    .optional()
    .describe('stop the run after this long (exit 4), tearing everything down')
    .meta({ examples: ['20min'] }),
  checks: z.enum(['first-shard', 'all']).default('first-shard').describe('which shards run the migration checks: shard 1 only, or all'),
});

/** The result schema, built on first use. */
const ciResults = once(() => {
  const step = z.object({
    id: z.string(),
    title: z.string(),
    status: z.enum(['ok', 'failed', 'skipped']),
    durationMs: z.number(),
    message: z.string().optional(),
  });
  const finding = z.object({
    code: z.string(),
    severity: z.enum(['error', 'warning']),
    where: z.string().describe('file:line, or app.migration'),
    message: z.string(),
  });
  return z.object({
    runId: z.string().describe('from GITHUB_RUN_ID / CI_JOB_ID, else random; with a random suffix'),
    instance: z.string().describe("the run's own service instance (containers, volumes), removed at the end"),
    shard: z.string().optional(),
    steps: z.array(step).describe('every step of the ci pipeline, those not run as skipped'),
    findings: z.object({ errors: z.number().int(), warnings: z.number().int(), first: z.array(finding).describe('the first 20') }),
    tests: z.object({
      counts: z.object({ total: z.number().int(), passed: z.number().int(), failed: z.number().int(), errors: z.number().int(), skipped: z.number().int() }),
      failures: z.array(z.object({ id: z.string(), outcome: z.enum(['failed', 'error']), where: z.string().optional() })).describe('the first 20'),
      slowest: z.array(z.object({ id: z.string(), durationMs: z.number() })),
      emptyShard: z.boolean().describe('this shard had no tests to run (it passes)'),
    }),
    annotations: z
      .object({ shown: z.number().int(), omitted: z.number().int() })
      .optional()
      .describe('GITHUB_ACTIONS=true: annotations written, and those only in the step summary'),
    junit: z.string().optional(),
    durations: z.string().optional().describe('the --write-durations file written'),
    stepSummary: z.string().optional().describe('the $GITHUB_STEP_SUMMARY file appended to'),
    swept: z
      .array(z.object({ kind: z.enum(['container', 'volume', 'instance']), name: z.string(), reason: z.string() }))
      .describe("earlier runs' leftovers removed first"),
    teardown: z.array(z.string()).describe('what the teardown removed'),
    timedOut: z.boolean(),
    logs: z.array(z.string()),
  });
});

export type CiData = z.output<ReturnType<typeof ciResults>>;

export const ci = defineCommand({
  name: 'ci',
  summary: 'the CI pipeline (up → migrate-check → migrate → test → down) with isolated services, always torn down',
  help:
    'Services get their own instance (run id from GITHUB_RUN_ID / CI_JOB_ID, free ports) and are removed at the end: on success, failure, SIGINT, SIGTERM and --timeout. ' +
    'Leftovers of a SIGKILLed run are removed by the next `tldr ci` (by label: owner gone or deadline passed). Findings do not stop the tests; a failed up or migrate stops what depends on it. ' +
    'With GITHUB_ACTIONS=true: ::error/::warning annotations, ::group:: per step, and the full list in $GITHUB_STEP_SUMMARY. Exit 1 when any finding (error) or test failed.',
  input: ciInput,
  cli: {
    junit: { placeholder: 'file', path: true },
    shard: { placeholder: 'i/n' },
    durations: { placeholder: 'file', path: true },
    writeDurations: { placeholder: 'file', path: true },
    timeout: { placeholder: 'duration' },
    checks: { placeholder: 'which' },
  },
  get result() {
    return ciResults();
  },
  readOnly: false,
  destructive: false,
  // A cancelled CI job gets SIGINT and, seconds later, SIGTERM (GitHub: 7.5 s): the second one must not skip the teardown.
  interrupt: 'teardown',
  project: 'required',
  load: () => import('./ci.js').then((m) => m.ci),
});
