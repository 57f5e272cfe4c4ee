import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { Output } from '../../../src/output/output.js';
import { formatPlan, planPipeline } from '../../../src/pipeline/plan.js';
import { runPlan } from '../../../src/pipeline/run.js';
import type { StepContext, StepDefinition, StepResult } from '../../../src/pipeline/types.js';
import type { Project } from '../../../src/config/project.js';
import { tldrEvent, type TldrEvent } from '../../../src/output/events.js';

const known = { up: 'Start services', test: 'Run tests', 'migrate-check': 'Check migrations', slow: 'Slow', fast: 'Fast', no: 'Says no' };

function harness(behaviour: Record<string, (log: string[]) => Promise<StepResult | void>>) {
  const events: TldrEvent[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) events.push(tldrEvent.parse(JSON.parse(line)));
      done();
    },
  });
  const output = new Output({ mode: 'json', stdout: sink, stderr: sink });
  const log: string[] = [];
  const context: Omit<StepContext, 'log'> = {
    project: {} as Project,
    output,
    signal: new AbortController().signal,
    services: async () => ({}),
    env: async () => ({}),
  };
  const resolveStep = async (name: string): Promise<StepDefinition> => ({
    name,
    title: name,
    run: async () => behaviour[name]!(log),
  });
  const runLeaf = async (words: string[]) => {
    log.push(`run:${words.join(' ')}`);
  };
  return { events, log, context, resolveStep, runLeaf };
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pipeline plan', () => {
  it('is pure and serialisable, with run strings split into argv', () => {
    const plan = planPipeline('release', ['up', { parallel: ['migrate-check', { run: 'manage check --deploy' }] }, 'test'], known);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.root.kind).toBe('sequence');
    const children = (plan.root as { children: unknown[] }).children;
    expect(children[1]).toMatchObject({
      kind: 'parallel',
      id: '2',
      children: [
        { kind: 'step', name: 'migrate-check', id: '2.1' },
        { kind: 'run', words: ['manage', 'check', '--deploy'], id: '2.2' },
      ],
    });
    expect(formatPlan(plan)).toContain('2.2. run ["manage", "check", "--deploy"]');
  });

  it('names the known steps when a name is unknown', () => {
    const error = (() => {
      try {
        planPipeline('p', ['up', 'tset'], known);
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toBe('pipelines.p: unknown step "tset"');
    expect(error!.hint).toContain('migrate-check, no, slow, test, up');
  });
});

describe('pipeline run', () => {
  it('runs a sequence in order and emits step events', async () => {
    const h = harness({ up: async (log) => void log.push('up'), test: async (log) => void log.push('test') });
    const plan = planPipeline('p', ['up', { run: 'echo hi' }, 'test'], known);
    const outcome = await runPlan({ plan, context: h.context, resolveStep: h.resolveStep, runLeaf: h.runLeaf });
    expect(outcome.ok).toBe(true);
    expect(h.log).toEqual(['up', 'run:echo hi', 'test']);
    expect(h.events.map((e) => `${e.type}:${'step' in e ? e.step : ''}`)).toEqual([
      'step.start:up',
      'step.end:up',
      'step.start:run',
      'step.end:run',
      'step.start:test',
      'step.end:test',
    ]);
  });

  it('runs parallel children concurrently', async () => {
    const h = harness({
      slow: async (log) => {
        log.push('slow:start');
        await delay(80);
        log.push('slow:end');
      },
      fast: async (log) => {
        log.push('fast:start');
        await delay(10);
        log.push('fast:end');
      },
      up: async (log) => void log.push('up'),
    });
    const plan = planPipeline('p', [{ parallel: ['slow', 'fast'] }, 'up'], known);
    await runPlan({ plan, context: h.context, resolveStep: h.resolveStep, runLeaf: h.runLeaf });
    expect(h.log).toEqual(['slow:start', 'fast:start', 'fast:end', 'slow:end', 'up']);
  });

  it('stops at a step that answers no, with its exit code', async () => {
    const h = harness({ no: async () => ({ status: 'failed', message: '2 findings', exitCode: 1 }), up: async (log) => void log.push('up') });
    const outcome = await runPlan({ plan: planPipeline('p', ['no', 'up'], known), context: h.context, resolveStep: h.resolveStep, runLeaf: h.runLeaf });
    expect(outcome).toMatchObject({ ok: false, exitCode: 1 });
    expect(h.log).toEqual([]);
    expect(h.events.find((e) => e.type === 'step.end')).toMatchObject({ status: 'failed', message: '2 findings' });
  });

  it('keeps the exit code of a thrown TldrError', async () => {
    const h = harness({
      up: async () => {
        throw new ConfigError('nope');
      },
    });
    const outcome = await runPlan({ plan: planPipeline('p', ['up'], known), context: h.context, resolveStep: h.resolveStep, runLeaf: h.runLeaf });
    expect(outcome.exitCode).toBe(2);
  });
});
