import { ReadinessProbe, type ProbeOutcome, type WaitOptions } from './probe-base.js';
import { RedisProbe, type RedisAuth } from './probe-redis.js';
import { SqlProbe, type SqlTarget } from './probe-sql.js';
import { TcpProbe } from './probe-tcp.js';

export { ReadinessProbe, ProbeFatal, ProbeTimeout, systemClock } from './probe-base.js';
export type { Clock, ProbeOutcome, WaitOptions } from './probe-base.js';
export type { SqlTarget } from './probe-sql.js';
export type { RedisAuth } from './probe-redis.js';

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
}

/** Readiness checks through real connections: `Probe.sql(…)`, `Probe.redis(…)`, `Probe.tcp(…)`, `Probe.all([…])`. */
export const Probe = {
  sql: (target: SqlTarget | string): ReadinessProbe => new SqlProbe(typeof target === 'string' ? { connectionString: target } : target),
  redis: (host: string, port: number, auth?: RedisAuth): ReadinessProbe => new RedisProbe(host, port, auth),
  tcp: (host: string, port: number): ReadinessProbe => new TcpProbe(host, port),
  all: (probes: ReadinessProbe[]): ReadinessProbe => new AllProbe(probes),
};
