/**
 * Waits `ms`. Resolves true when the time has passed, false as soon as `signal` aborts (at once
 * when it already has); never rejects, so a caller that must stop says so itself.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      resolve(slept);
    };
    const aborted = () => done(false);
    const timer = setTimeout(() => done(true), Math.max(0, ms));
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
