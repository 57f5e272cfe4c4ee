import type { z } from 'zod';
import type { PipelineStepConfig } from '../../config/schema.js';
import type { CommandResult } from '../definition.js';
import type { RunData, runInput } from './definition.js';
import { ConfigError, TldrError } from '../../errors.js';
import type { RunOptions } from '../../pipeline/context.js';
import { commandContext } from '../context.js';
import { formatPlan, planPipeline } from '../../pipeline/plan.js';
import { planNeeds, preflight, validateProject, type Problem } from '../preflight.js';
import { knownSteps, resolveStep } from '../steps.js';
import { runPlan, type PlanOutcome } from '../../pipeline/run.js';
import { runWordsStep } from './run-leaf.js';
import type { Plan } from '../../pipeline/types.js';

/** Pipelines every project has unless its config overrides them. */
export const defaultPipelines: Record<string, PipelineStepConfig[]> = {
  ci: ['up', 'migrate-check', 'migrate', 'test', 'down'],
};

export function pipelineNames(pipelines: Record<string, PipelineStepConfig[]>): string[] {
  return [...new Set([...Object.keys(pipelines), ...Object.keys(defaultPipelines)])].sort();
}

/** The plan of pipeline `name` from the config (or a default one). Pure. */
export function planFor(pipelines: Record<string, PipelineStepConfig[]>, name: string): Plan {
  const steps = pipelines[name] ?? defaultPipelines[name];
  if (!steps) {
    const known = pipelineNames(pipelines);
    throw new ConfigError(`no pipeline named "${name}"`, {
      code: 'unknown-pipeline',
      hint: known.length ? `known pipelines: ${known.join(', ')}` : 'add one under `pipelines:` in tldr.config.yaml',
    });
  }
  return planPipeline(name, steps, knownSteps());
}

export type RunPipelineOptions = RunOptions & z.input<typeof runInput>;

export async function runPipeline(options: RunPipelineOptions): Promise<CommandResult<RunData>> {
  const plan = planFor(options.project.config.pipelines, options.name);
  if (options.dryRun) {
    // The plan is printed whatever the checks say; what a real run would stop at is listed with it.
    const problems = validateProject(options.project, planNeeds(plan));
    options.output.note(formatPlan(plan));
    for (const p of problems) options.output.note(`a run would stop here: ${p.key}: ${p.message}`);
    return {
      exitCode: 0,
      summary: `pipeline ${plan.pipeline}: plan only (--dry-run)${problems.length ? `; ${problems.length} problem(s) a run would stop at` : ''}`,
      data: { pipeline: plan.pipeline, plan, ...(problems.length ? { problems } : {}) },
    };
  }
  preflight(options.project, planNeeds(plan));
  const outcome = await runPlan({ plan, context: commandContext(options), resolveStep, runLeaf: runWordsStep });
  const failed = outcome.steps.filter((s) => s.status === 'failed');
  if (outcome.error instanceof TldrError) throw outcome.error;
  if (outcome.error && failed.length === 0) throw outcome.error;
  const summary = outcome.ok
    ? `pipeline ${plan.pipeline}: ${outcome.steps.length} step(s) ok`
    : `pipeline ${plan.pipeline} failed at: ${failed.map((s) => s.message ?? s.title).join('; ')}`;
  return { exitCode: outcome.exitCode, summary, data: { pipeline: plan.pipeline, plan, steps: outcome.steps, results: outcome.data } };
}
