import { describe, expect, it } from 'vitest';
import { sleep } from '../../../src/process/sleep.js';

describe('sleep', () => {
  it('resolves true once the time has passed', async () => {
    const started = Date.now();
    expect(await sleep(20)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });

  it('resolves false as soon as the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const slept = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort(), 10);
    expect(await slept).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await sleep(10_000, controller.signal)).toBe(false);
  });
});
