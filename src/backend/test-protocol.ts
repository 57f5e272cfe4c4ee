import { z } from 'zod';

// The NDJSON lines src/python/tldr_testrunner.py appends to $TLDR_TEST_EVENTS. Loose where the
// runner may grow fields; strict where tldr depends on a value.

const startLine = z.object({
  type: z.literal('start'),
  total: z.number().int().nonnegative(),
  shard: z.string().nullable().optional(),
  parallel: z.number().optional(),
  django: z.string().optional(),
  python: z.string().optional(),
});

const count = z.number().int().nonnegative();

/** One of a test's most frequent query shapes, with the call site that issued most of them (`file` relative to backend.dir). */
const topQuery = z.object({ shape: z.string(), count, file: z.string().optional(), line: z.number().int().optional() });

// The query fields are there only while the runner records (TLDR_QUERY_RECORDING on, tests.n_plus_one.enabled).
const testLine = z.object({
  type: z.literal('test'),
  id: z.string().min(1),
  outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
  durationMs: z.number().nonnegative(),
  message: z.string().optional(),
  queries: count.optional(),
  setupQueries: count.optional(),
  topQueries: z.array(topQuery).optional(),
  queriesUngrouped: count.optional(),
  findingsOmitted: count.optional(),
});

/** The ignore entry that silenced a finding, as tldr passed it in TLDR_N_PLUS_ONE_CONFIG. */
const ignoredBy = z.union([z.object({ site: z.string(), reason: z.string() }), z.object({ test: z.string(), reason: z.string() })]);

// Follows its test's line. `file` is relative to backend.dir (the runner's cwd).
const findingLine = z.object({
  type: z.literal('finding'),
  code: z.string().min(1).describe('n-plus-one'),
  severity: z.enum(['error', 'warning']),
  test: z.string().min(1),
  file: z.string().min(1),
  line: z.number().int().positive(),
  count,
  shape: z.string(),
  hint: z.string(),
  fix: z.enum(['select_related', 'prefetch_related']).nullable(),
  relation: z.string().nullable(),
  ignored: ignoredBy.optional(),
});

const endLine = z.object({
  type: z.literal('end'),
  passed: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  skipped: z.number().int(),
  durationMs: z.number(),
  stopped: z.boolean(),
  queries: count.optional(),
  setupQueries: count.optional(),
  findings: count.optional(),
  ignoredFindings: count.optional(),
});

export const runnerEvent = z.discriminatedUnion('type', [startLine, testLine, findingLine, endLine]);
export type RunnerEvent = z.infer<typeof runnerEvent>;
export type RunnerStart = z.infer<typeof startLine>;
export type RunnerEnd = z.infer<typeof endLine>;
export type RunnerTest = z.infer<typeof testLine>;
export type RunnerFinding = z.infer<typeof findingLine>;
export type RunnerTopQuery = z.infer<typeof topQuery>;

// zod compiles a fast path for a schema on its first ordinary parse (~5 ms here). A run of one
// label reads a handful of events: those are parsed without it; a long suite compiles it once.
const JITLESS_EVENTS = 64;
let eventsParsed = 0;

/** One events-file line → an event, or an error text naming what was wrong with it. */
export function parseRunnerLine(line: string): { event: RunnerEvent } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { error: `not JSON: ${line.slice(0, 120)}` };
  }
  const parsed = runnerEvent.safeParse(raw, { jitless: eventsParsed++ < JITLESS_EVENTS });
  if (parsed.success) return { event: parsed.data };
  return {
    error: `unexpected test runner event (${parsed.error.issues.map((i) => `${i.path.join('.') || 'type'}: ${i.message}`).join('; ')}): ${line.slice(0, 120)}`,
  };
}
