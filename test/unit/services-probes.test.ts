import { describe, expect, it } from 'vitest';
import { ProbeFatal, ProbeTimeout, ReadinessProbe, type Clock } from '../../src/services/probes.js';
import { demuxFrames, frameLines } from '../../src/services/docker/logs.js';
import { formatPull, pullSnapshot, reducePull, type LayerProgress, type PullEvent } from '../../src/services/docker/pull-progress.js';

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

describe('image pull progress', () => {
  it('counts layers and bytes from the Engine progress stream', () => {
    const events: PullEvent[] = [
      { status: 'Pulling from library/redis', id: '7' },
      { status: 'Already exists', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Waiting', id: 'c' },
      { status: 'Downloading', id: 'b', progressDetail: { current: 500, total: 2000 } },
      { status: 'Downloading', id: 'c', progressDetail: { current: 10, total: 1000 } },
      { status: 'Download complete', id: 'b' },
      { status: 'Extracting', id: 'b', progressDetail: { current: 100, total: 2000 } },
      { status: 'Pull complete', id: 'b' },
      { status: 'Digest: sha256:abc' },
    ];
    let layers: Record<string, LayerProgress> = {};
    for (const e of events) layers = reducePull(layers, e);
    const s = pullSnapshot('redis', 'redis:7', layers);
    expect(s).toEqual({ service: 'redis', image: 'redis:7', layersDone: 2, layersTotal: 3, bytesDone: 2010, bytesTotal: 3000, done: false });
    expect(formatPull(s)).toBe('pulling redis:7  2/3 layers  2.0 kB / 2.9 kB');
  });
});

describe('docker log demultiplexing', () => {
  const frame = (type: number, text: string) => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = type;
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
  };

  it('splits stdout and stderr frames into lines (a line may span frames)', () => {
    const buf = Buffer.concat([frame(1, 'ready to '), frame(2, 'LOG: a\nLOG: b\n'), frame(1, 'accept\n')]);
    expect(frameLines(demuxFrames(buf))).toEqual([
      { stream: 'stderr', line: 'LOG: a' },
      { stream: 'stderr', line: 'LOG: b' },
      { stream: 'stdout', line: 'ready to accept' },
    ]);
  });

  it('a TTY log (no headers) is plain stdout', () => {
    expect(frameLines(demuxFrames(Buffer.from('hello\nworld')))).toEqual([
      { stream: 'stdout', line: 'hello' },
      { stream: 'stdout', line: 'world' },
    ]);
  });
});
