import { ServiceError } from '../errors.js';
import { ProbeFatal, ProbeTimeout, type ReadinessProbe } from '../readiness/probe.js';
import { Probe } from '../readiness/probes.js';
import type { ServiceHandle, ServiceProvider, ServiceSpec } from './provider.js';

/** How long a service may take to accept real connections. */
export const readyTimeoutMs = { postgres: 90_000, redis: 30_000 } as const;

/** The real-connection probe of a started service: `SELECT 1` as the configured user, or `PING`. */
export function serviceProbe(spec: ServiceSpec, handle: Pick<ServiceHandle, 'host' | 'port' | 'url'>): ReadinessProbe {
  if (spec.name === 'postgres') {
    return handle.url
      ? Probe.sql(handle.url)
      : Probe.sql({ host: handle.host, port: handle.port, user: spec.user, password: spec.password, database: spec.db });
  }
  const url = handle.url ? new URL(handle.url) : undefined;
  return Probe.redis(
    handle.host,
    handle.port,
    url?.password ? { password: decodeURIComponent(url.password), ...(url.username ? { username: decodeURIComponent(url.username) } : {}) } : {},
  );
}

/**
 * Waits until the service answers, failing fast when it exits first. On failure: exit 4 with the
 * last lines of its log. Attempts are cheap (a refused or reset connection on 127.0.0.1), so
 * they stay at most 50 ms apart: a start-up is noticed within 50 ms of its end.
 */
export async function waitReady(
  provider: ServiceProvider,
  spec: ServiceSpec,
  handle: ServiceHandle,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<{ ms: number }> {
  const done = new AbortController();
  const stop = () => done.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, { once: true });
  const timeoutMs = options.timeoutMs ?? readyTimeoutMs[spec.name];
  try {
    const exited = handle.exited?.(done.signal).then((reason) => Promise.reject(new Exited(reason)));
    const outcome = await Promise.race([
      serviceProbe(spec, handle).wait({ timeoutMs, signal: done.signal, intervalMs: 25, maxIntervalMs: 50 }),
      ...(exited ? [exited] : []),
    ]);
    return { ms: outcome.ms };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw await readinessError(provider, spec, error);
  } finally {
    options.signal?.removeEventListener('abort', stop);
    done.abort();
  }
}

class Exited extends Error {}

async function readinessError(provider: ServiceProvider, spec: ServiceSpec, error: unknown): Promise<ServiceError> {
  const name = spec.name;
  const tail: string[] = [];
  if (provider.kind !== 'external') {
    await provider.logs(name, { tail: 20, onLine: (line) => tail.push(`  ${line}`) }).catch(() => undefined);
  }
  const details = tail.length ? [`last ${tail.length} log lines of ${name}:`, ...tail] : [];
  if (error instanceof ProbeFatal) {
    return new ServiceError(`${name} refused the connection: ${error.message}`, {
      code: 'service-auth',
      details,
      ...(error.hint ? { hint: error.hint } : {}),
      cause: error,
    });
  }
  const hint =
    provider.kind === 'external' ? `check services.${name}.url and that the server is reachable from here` : `see the log above or \`tldr logs ${name}\``;
  if (error instanceof Exited)
    return new ServiceError(`${name} stopped during start-up: ${error.message}`, { code: 'service-exited', details, hint, cause: error });
  if (error instanceof ProbeTimeout)
    return new ServiceError(`${name} did not become ready: ${error.message}`, { code: 'service-not-ready', details, hint, cause: error });
  return new ServiceError(`${name} did not become ready: ${(error as Error)?.message ?? String(error)}`, {
    code: 'service-not-ready',
    details,
    hint,
    cause: error,
  });
}
