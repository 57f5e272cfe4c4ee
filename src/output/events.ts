import { z } from 'zod';

const base = { v: z.literal(1), ts: z.string().describe('ISO 8601 time of the event') };

export const stepStartEvent = z.object({ ...base, type: z.literal('step.start'), step: z.string(), title: z.string() });
export const stepEndEvent = z.object({
  ...base,
  type: z.literal('step.end'),
  step: z.string(),
  status: z.enum(['ok', 'failed', 'skipped']),
  durationMs: z.number(),
  message: z.string().optional(),
});
export const serviceEvent = z.object({
  ...base,
  type: z.literal('service'),
  name: z.string(),
  state: z.enum(['starting', 'running', 'ready', 'stopped', 'removed', 'failed', 'missing']),
  url: z.string().optional().describe('connection URL with the password redacted'),
  message: z.string().optional(),
});
export const logEvent = z.object({
  ...base,
  type: z.literal('log'),
  source: z.string(),
  stream: z.enum(['stdout', 'stderr']).optional(),
  line: z.string(),
});
export const findingEvent = z.object({
  ...base,
  type: z.literal('finding'),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  app: z.string().nullable(),
  migration: z.string().nullable(),
  file: z.string().nullable(),
  line: z.number().nullable(),
  message: z.string(),
  hint: z.string(),
  // `tldr test`'s findings (n-plus-one) also say which test, how often, what and how to fix it.
  test: z.string().optional().describe('the test id (findings of `tldr test`)'),
  count: z.number().int().optional().describe('how many times the query ran from this line in the test'),
  shape: z.string().optional().describe('the query without literals or parameter values (truncated)'),
  relation: z.string().nullable().optional().describe('Model.field the loop loads, when it can be read from the query and the models'),
  fix: z.enum(['select_related', 'prefetch_related']).nullable().optional(),
});
export const topQuery = z.object({
  shape: z.string().describe('the query without literals or parameter values (truncated)'),
  count: z.number().int(),
  file: z.string().optional().describe('the call site issuing most of them, relative to the config folder'),
  line: z.number().int().optional(),
});
export const testEvent = z.object({
  ...base,
  type: z.literal('test'),
  id: z.string(),
  outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
  durationMs: z.number(),
  message: z.string().optional(),
  queries: z.number().int().optional().describe('queries the test method sent (absent when recording is off)'),
  setupQueries: z.number().int().optional().describe('queries of its setUp / tearDown, counted apart'),
  topQueries: z.array(topQuery).optional().describe('its most frequent query shapes (with --verbose)'),
  queriesUngrouped: z.number().int().optional().describe('queries not grouped by shape and site: the test sent more distinct ones than the runner keeps'),
  findingsOmitted: z.number().int().optional().describe('n-plus-one findings of this test past the 10 the runner reports'),
});
export const resultEvent = z.object({
  ...base,
  type: z.literal('result'),
  ok: z.boolean(),
  exitCode: z.number().int(),
  summary: z.string(),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).optional(),
  data: z.unknown().optional(),
});

export const tldrEvent = z.discriminatedUnion('type', [stepStartEvent, stepEndEvent, serviceEvent, logEvent, findingEvent, testEvent, resultEvent]);

export type TldrEvent = z.infer<typeof tldrEvent>;
export type EventType = TldrEvent['type'];
/** An event before the renderer stamps `v` and `ts`. */
export type EventInput<T extends TldrEvent = TldrEvent> = T extends TldrEvent ? Omit<T, 'v' | 'ts'> : never;
export type StepEndEvent = z.infer<typeof stepEndEvent>;
export type FindingEvent = z.infer<typeof findingEvent>;
export type TestEvent = z.infer<typeof testEvent>;
export type TopQuery = z.infer<typeof topQuery>;
export type ResultEvent = z.infer<typeof resultEvent>;
