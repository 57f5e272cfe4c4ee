import { selectOne, type PgTarget } from './pg-wire.js';
import { extraCaLoaded } from '../process/extra-ca.js';
import { ProbeFatal, ReadinessProbe, type Clock } from './probe.js';

export type SqlTarget = PgTarget;

// pg costs ~40 ms to import; only probes of URLs (provider external: TLS, query parameters) load it.
let pgModule: Promise<typeof import('pg')> | undefined;
const loadPg = () => (pgModule ??= extraCaLoaded().then(() => import('pg')));

/** Auth and missing-database errors never heal by waiting; everything else (starting up, refused, reset) does. */
const fatalCodes: Record<string, string> = {
  '28P01': 'the data volume was initialised with other credentials: set them back, or drop it with `tldr down --volumes --yes`',
  '28000': 'the data volume was initialised with other credentials: set them back, or drop it with `tldr down --volumes --yes`',
  '3D000': 'the data volume was initialised with another database name: set services.postgres.db back, or drop it with `tldr down --volumes --yes`',
};

/** `SELECT 1` over the Postgres protocol as the configured user: a local server directly, a URL through `pg`. */
export class SqlProbe extends ReadinessProbe {
  readonly description: string;

  constructor(
    private readonly target: SqlTarget | { connectionString: string },
    clock?: Clock,
  ) {
    super(clock);
    this.description = 'connectionString' in target ? 'postgres' : `postgres on ${target.host}:${target.port}`;
  }

  async attempt(budgetMs: number): Promise<void> {
    try {
      if ('connectionString' in this.target) await this.viaPg(this.target.connectionString, budgetMs);
      else await selectOne(this.target, budgetMs);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code && fatalCodes[code]) throw new ProbeFatal((error as Error).message, fatalCodes[code], { cause: error });
      throw error;
    }
  }

  private async viaPg(connectionString: string, budgetMs: number): Promise<void> {
    const pg = await loadPg();
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: Math.max(1, Math.round(budgetMs)), query_timeout: Math.round(budgetMs) });
    // A server that drops the connection after connect emits 'error' on the client; the attempt already failed.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      client.end().catch(() => undefined);
    }
  }
}
