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

const testLine = z.object({
  type: z.literal('test'),
  id: z.string().min(1),
  outcome: z.enum(['passed', 'failed', 'error', 'skipped']),
  durationMs: z.number().nonnegative(),
  message: z.string().optional(),
});

const endLine = z.object({
  type: z.literal('end'),
  passed: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  skipped: z.number().int(),
  durationMs: z.number(),
  stopped: z.boolean(),
});

export const runnerEvent = z.discriminatedUnion('type', [startLine, testLine, endLine]);
export type RunnerEvent = z.infer<typeof runnerEvent>;
export type RunnerStart = z.infer<typeof startLine>;
export type RunnerEnd = z.infer<typeof endLine>;

/** One events-file line → an event, or an error text naming what was wrong with it. */
export function parseRunnerLine(line: string): { event: RunnerEvent } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { error: `not JSON: ${line.slice(0, 120)}` };
  }
  const parsed = runnerEvent.safeParse(raw);
  if (parsed.success) return { event: parsed.data };
  return {
    error: `unexpected test runner event (${parsed.error.issues.map((i) => `${i.path.join('.') || 'type'}: ${i.message}`).join('; ')}): ${line.slice(0, 120)}`,
  };
}
