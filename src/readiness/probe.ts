import { sleep } from '../process/sleep.js';

/** Time as probes see it; tests pass a fake one. */
export interface Clock {
  now(): number;
  /** Waits `ms`; returns early when `signal` aborts (the probe then stops with its reason). */
  sleep(ms: number, signal?: AbortSignal): Promise<unknown>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => sleep(ms, signal),
};

export interface WaitOptions {
  /** Give up after this long. @default 60000 */
  timeoutMs?: number;
  /** First pause between attempts; grows ×1.5 up to `maxIntervalMs`. @default 50 */
  intervalMs?: number;
  /** @default 500 */
  maxIntervalMs?: number;
  /** The pause chosen by the time waited so far instead (supervised processes poll tightly at first). */
  pause?: (elapsedMs: number) => number;
  /** One attempt may take at most this long. @default 5000 */
  attemptMs?: number;
  /** Aborting stops the wait, which rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ProbeOutcome {
  attempts: number;
  ms: number;
}

/** A problem no retry can fix (a wrong password): waiting stops at once. */
export class ProbeFatal extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The probe never succeeded within the timeout; `lastError` says what the last attempt saw. */
export class ProbeTimeout extends Error {
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly attempts: number,
    readonly lastError: unknown,
  ) {
    super(`${description}: not ready after ${Math.round(timeoutMs / 1000)} s (${attempts} attempts): ${messageOf(lastError)}`);
  }
}

/**
 * A readiness check: `attempt` tries once, `wait` owns the retry loop, the timeout and
 * cancellation for every kind of probe (testcontainers' wait strategies, smaller). Services
 * (sql, redis) and supervised processes (http, tcp, log) use the same base; dispose a probe
 * that listens to something (the log probe) when done with it.
 */
export abstract class ReadinessProbe implements Disposable {
  /** For messages and `tldr ps`: `http http://…`, `tcp 127.0.0.1:5173`, `log /ready\./`, `postgres on …`. */
  abstract readonly description: string;
  /** Why an answer did not count, when one did not: e.g. another program holds the port. */
  observation: string | undefined;

  constructor(protected readonly clock: Clock = systemClock) {}

  /** One try; resolves when the service answers, rejects with what it saw. It must give up within `budgetMs`. */
  abstract attempt(budgetMs: number): Promise<void>;

  async wait(options: WaitOptions = {}): Promise<ProbeOutcome> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const started = this.clock.now();
    let interval = options.intervalMs ?? 50;
    let attempts = 0;
    let lastError: unknown;
    for (;;) {
      options.signal?.throwIfAborted();
      const left = timeoutMs - (this.clock.now() - started);
      if (left <= 0) throw new ProbeTimeout(this.description, timeoutMs, attempts, lastError);
      attempts++;
      try {
        await this.attempt(Math.min(left, options.attemptMs ?? 5_000));
        return { attempts, ms: Math.round(this.clock.now() - started) };
      } catch (error) {
        if (error instanceof ProbeFatal) throw error;
        lastError = error;
      }
      const elapsed = this.clock.now() - started;
      const pause = options.pause ? options.pause(elapsed) : interval;
      await this.clock.sleep(Math.max(0, Math.min(pause, timeoutMs - elapsed)), options.signal);
      interval = Math.min(interval * 1.5, options.maxIntervalMs ?? 500);
    }
  }

  /** One attempt, no retry: for `status`. */
  async check(timeoutMs = 2_000): Promise<{ ok: boolean; error?: string }> {
    try {
      await this.attempt(timeoutMs);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: messageOf(error) };
    }
  }

  [Symbol.dispose](): void {}
}

export function messageOf(error: unknown): string {
  if (error === undefined) return 'no attempt finished';
  if (error instanceof Error) return error.message || (error as NodeJS.ErrnoException).code || error.name;
  return String(error);
}
