import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { LineFeed } from '../../../src/readiness/log.js';
import { ProbeFatal, ProbeTimeout, ReadinessProbe, type Clock } from '../../../src/readiness/probe.js';
import { Probe } from '../../../src/readiness/probes.js';

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

class Scripted extends ReadinessProbe {
  readonly description = 'scripted';
  calls = 0;
  constructor(
    private readonly script: Array<Error | 'ok'>,
    clock: Clock,
  ) {
    super(clock);
  }
  async attempt(): Promise<void> {
    const step = this.script[Math.min(this.calls++, this.script.length - 1)]!;
    if (step !== 'ok') throw step;
  }
}

describe('readiness probe retry', () => {
  it('retries until an attempt succeeds, with a growing pause', async () => {
    const clock = fakeClock();
    const probe = new Scripted([new Error('starting up'), new Error('refused'), new Error('reset'), 'ok'], clock);
    const outcome = await probe.wait({ timeoutMs: 10_000, intervalMs: 100, maxIntervalMs: 200 });
    expect(outcome.attempts).toBe(4);
    expect(clock.slept).toEqual([100, 150, 200]);
  });

  it('gives up at the timeout with the last error', async () => {
    const clock = fakeClock();
    const err = await new Scripted([new Error('the database system is starting up')], clock).wait({ timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeTimeout);
    expect((err as ProbeTimeout).message).toMatch(/not ready after 1 s .*the database system is starting up/);
  });

  it('a fatal answer (wrong password) stops at once', async () => {
    const probe = new Scripted([new ProbeFatal('password authentication failed')], fakeClock());
    await expect(probe.wait()).rejects.toBeInstanceOf(ProbeFatal);
    expect(probe.calls).toBe(1);
  });

  it('check() is one attempt, no retry', async () => {
    expect(await new Scripted([new Error('refused')], fakeClock()).check()).toEqual({ ok: false, error: 'refused' });
    expect(await new Scripted(['ok'], fakeClock()).check()).toEqual({ ok: true });
  });

  it('an aborted signal stops the wait', async () => {
    const ac = new AbortController();
    ac.abort(new Error('interrupted'));
    await expect(new Scripted([new Error('no')], fakeClock()).wait({ signal: ac.signal })).rejects.toThrow('interrupted');
  });
});

class Never extends ReadinessProbe {
  readonly description = 'never';
  budgets: number[] = [];
  async attempt(budgetMs: number): Promise<void> {
    this.budgets.push(budgetMs);
    throw new Error('not yet');
  }
}

function feed(): LineFeed & { emit(line: string): void; listeners(): number } {
  const events = new EventEmitter();
  return {
    subscribe: (listener) => {
      const on = (line: string) => listener(line, 'stdout');
      events.on('line', on);
      return () => events.off('line', on);
    },
    emit: (line) => events.emit('line', line),
    listeners: () => events.listenerCount('line'),
  };
}

describe('the probe base', () => {
  it('a pause chosen by the time waited replaces the growing interval; each attempt gets at most attemptMs (or what is left)', async () => {
    const clock = fakeClock();
    const probe = new Never(clock);
    const error = await probe.wait({ timeoutMs: 2_100, pause: (elapsed) => (elapsed < 1000 ? 500 : 1000), attemptMs: 700 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProbeTimeout);
    expect(clock.slept).toEqual([500, 500, 1000, 100]);
    expect(probe.budgets).toEqual([700, 700, 700, 100]);
  });
});

describe('Probe.log', () => {
  it('listens from its creation: a line printed before the first attempt counts; disposing stops listening', async () => {
    const lines = feed();
    const probe = Probe.log('ready\\.', lines);
    expect(probe.description).toBe('log /ready\\./');
    lines.emit('celery@host ready.');
    await expect(probe.wait({ timeoutMs: 10 })).resolves.toMatchObject({ attempts: 1 });
    probe[Symbol.dispose]();
    expect(lines.listeners()).toBe(0);
  });

  it('times out naming what it waited for', async () => {
    using probe = Probe.log(/^listening/, feed());
    await expect(probe.wait({ timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(/no line matched \/\^listening\/ yet/);
  });
});

describe('Probe.none and Probe.all', () => {
  it('none is ready at once; all waits for every probe', async () => {
    await expect(Probe.none().wait()).resolves.toMatchObject({ attempts: 1 });
    const lines = feed();
    const all = Probe.all([Probe.none(), Probe.log('up', lines)]);
    setTimeout(() => lines.emit('up'), 20);
    await expect(all.wait({ timeoutMs: 5_000, intervalMs: 5 })).resolves.toBeDefined();
    all[Symbol.dispose]();
    expect(lines.listeners()).toBe(0);
  });
});
