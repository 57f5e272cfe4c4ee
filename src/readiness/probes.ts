import type { PgTarget } from './pg-wire.js';
import { HttpProbe } from './http.js';
import { LogProbe, type LineFeed } from './log.js';
import type { OwnedBy } from './owner.js';
import { ReadinessProbe, type ProbeOutcome, type WaitOptions } from './probe.js';
import { RedisProbe, type RedisAuth } from './redis.js';
import { SqlProbe } from './sql.js';
import { TcpProbe } from './tcp.js';

/** Ready when every probe is; waits for them in parallel. */
class AllProbe extends ReadinessProbe {
  readonly description: string;

  constructor(private readonly probes: ReadinessProbe[]) {
    super();
    this.description = probes.map((p) => p.description).join(' + ');
  }

  async attempt(budgetMs: number): Promise<void> {
    await Promise.all(this.probes.map((p) => p.attempt(budgetMs)));
  }

  override async wait(options: WaitOptions = {}): Promise<ProbeOutcome> {
    const outcomes = await Promise.all(this.probes.map((p) => p.wait(options)));
    return { attempts: Math.max(0, ...outcomes.map((o) => o.attempts)), ms: Math.max(0, ...outcomes.map((o) => o.ms)) };
  }

  override [Symbol.dispose](): void {
    for (const probe of this.probes) probe[Symbol.dispose]();
  }
}

/** No readiness check: ready as soon as the process runs. */
class NoProbe extends ReadinessProbe {
  readonly description = 'none (ready when started)';
  async attempt(): Promise<void> {}
}

/**
 * Readiness checks through real connections and output: `Probe.sql(…)`, `Probe.redis(…)`,
 * `Probe.tcp(…)`, `Probe.http(…)`, `Probe.log(…)`, `Probe.none()`, `Probe.all([…])`.
 */
export const Probe = {
  /** `SELECT 1` as the configured user: a local server over the wire directly, a URL through `pg`. */
  sql: (target: PgTarget | string): ReadinessProbe => new SqlProbe(typeof target === 'string' ? { connectionString: target } : target),
  /** `PING` → `+PONG` (after `AUTH` with a password). */
  redis: (host: string, port: number, auth?: RedisAuth): ReadinessProbe => new RedisProbe(host, port, auth),
  tcp: (host: string, port: number, by?: OwnedBy): ReadinessProbe => new TcpProbe(host, port, by),
  /** Any answer below 500. */
  http: (url: string, by?: OwnedBy): ReadinessProbe => new HttpProbe(url, by),
  /** A line of the process's output matching `pattern`. */
  log: (pattern: string | RegExp, lines: LineFeed): ReadinessProbe => new LogProbe(typeof pattern === 'string' ? new RegExp(pattern) : pattern, lines),
  none: (): ReadinessProbe => new NoProbe(),
  all: (probes: ReadinessProbe[]): ReadinessProbe => new AllProbe(probes),
};
