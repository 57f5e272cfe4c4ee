import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Project } from '../../../src/config/project.js';
import { Output } from '../../../src/output/output.js';
import { planPipeline } from '../../../src/pipeline/plan.js';
import { runPlan } from '../../../src/pipeline/run.js';
import type { StepContext, StepResult } from '../../../src/pipeline/types.js';
import { keepsGoing, migratesAfterChecks, planLeaves } from '../../../src/commands/ci/steps.js';

const known = { up: 'Start', 'migrate-check': 'Check', migrate: 'Migrate', test: 'Test', down: 'Down' };

async function run(results: Record<string, StepResult>) {
  const sink = new Writable({ write: (_c, _e, done) => done() });
  const output = new Output({ mode: 'json', stdout: sink, stderr: sink });
  const context: Omit<StepContext, 'log'> = {
    project: {} as Project,
    output,
    signal: new AbortController().signal,
    services: async () => ({}),
    env: async () => ({}),
  };
  const ran: string[] = [];
  const plan = planPipeline('ci', ['up', 'migrate-check', 'migrate', 'test', 'down'], known);
  const outcome = await runPlan({
    plan,
    context,
    resolveStep: async (name) => ({ run: async () => (ran.push(name), results[name] ?? {}) }),
    runLeaf: async () => undefined,
    keepGoing: keepsGoing,
  });
  return { ran, outcome, plan };
}

describe('tldr ci keep-going', () => {
  it('findings do not stop the tests: every step runs, the run ends with the findings exit code', async () => {
    const { ran, outcome } = await run({ 'migrate-check': { status: 'failed', exitCode: 1, message: '2 findings' }, test: { status: 'failed', exitCode: 1 } });
    expect(ran).toEqual(['up', 'migrate-check', 'migrate', 'test', 'down']);
    expect(outcome).toMatchObject({ ok: false, exitCode: 1 });
  });

  it('a failed migrate stops what depends on it', async () => {
    const { ran, outcome } = await run({ migrate: { status: 'failed', exitCode: 1, message: 'migrate exited with 1' } });
    expect(ran).toEqual(['up', 'migrate-check', 'migrate']);
    expect(outcome).toMatchObject({ ok: false, exitCode: 1 });
  });

  it('knows the plan leaves and whether migrate follows the checks', async () => {
    const { plan } = await run({});
    expect(planLeaves(plan.root).map((l) => l.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(migratesAfterChecks(plan.root)).toBe(true);
    expect(migratesAfterChecks(planPipeline('x', ['migrate', 'migrate-check'], known).root)).toBe(false);
  });
});
