import { z } from 'zod';
import { once } from '../once.js';
import type { Problem } from '../preflight.js';
import type { PlanNode } from '../../pipeline/types.js';
import { defineCommand } from '../definition.js';
import type { Assert, Same } from '../same-type.js';

export const runInput = z.object({
  name: z.string().min(1).describe('the pipeline: one of `pipelines:` in tldr.config.yaml, or ci'),
  dryRun: z.boolean().default(false).describe('print the plan and run nothing'),
});

/** The result schema, built on first use. */
const runResults = once(() => {
  const planNode: z.ZodType<PlanNode> = z.lazy(() =>
    z.union([
      z.object({ kind: z.literal('step'), id: z.string(), name: z.string(), title: z.string() }),
      z.object({ kind: z.literal('run'), id: z.string(), title: z.string(), words: z.array(z.string()) }),
      z.object({ kind: z.enum(['sequence', 'parallel']), id: z.string(), title: z.string(), children: z.array(planNode) }),
    ]),
  );

  const problem = z.object({
    key: z.string().describe('the config key to fix, e.g. backend.dir'),
    code: z.string(),
    message: z.string(),
    hint: z.string().optional(),
    exitCode: z.union([z.literal(2), z.literal(3)]),
  });

  const runData = z.object({
    pipeline: z.string(),
    plan: z.object({ pipeline: z.string(), root: planNode }),
    steps: z
      .array(
        z.object({ id: z.string(), title: z.string(), status: z.enum(['ok', 'failed', 'skipped']), durationMs: z.number(), message: z.string().optional() }),
      )
      .optional(),
    results: z.record(z.string(), z.unknown()).optional().describe("each step's data, by step id"),
    problems: z.array(problem).optional().describe('--dry-run: what a real run would stop at'),
  });
  return { planNode, problem, runData };
});

type Results = ReturnType<typeof runResults>;
export type RunData = z.output<Results['runData']>;
export type Checks = [Assert<Same<z.output<Results['problem']>, Problem>>];

export const run = defineCommand({
  name: 'run',
  summary: 'run a pipeline from tldr.config.yaml (`pipelines:`)',
  input: runInput,
  args: ['name'],
  cli: { name: { placeholder: 'pipeline' } },
  get result() {
    return runResults().runData;
  },
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./run.js').then((m) => m.runPipeline),
});
