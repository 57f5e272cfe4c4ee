import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError } from '../../errors.js';
import type { PostgresSpec } from '../provider.js';
import { createdbArgv, initdbArgv, parsePostmasterPid, pgCtlStartArgv, pgCtlStopArgv, postgresConf } from './argv.js';
import type { NativePaths } from './paths.js';
import { isRunning, readText } from './process.js';
import type { NativeRunner, RunAs } from '../../process/servers.js';

export interface RunningPostgres {
  pid: number;
  port: number;
  startedAt: string;
}

export interface PostgresTools {
  runner: NativeRunner;
  runAs: RunAs | undefined;
  bin: { initdb: string; pg_ctl: string; createdb: string };
  paths: NativePaths;
}

// The whole environment of initdb, pg_ctl and createdb: a caller's PG* variables must not steer them elsewhere.
const serverEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' });

/** The local server of one instance, driven with initdb / pg_ctl / createdb. */
export class NativePostgres {
  constructor(private readonly t: PostgresTools) {}

  get initialised(): boolean {
    return existsSync(join(this.t.paths.postgresData, 'PG_VERSION'));
  }

  running(): RunningPostgres | undefined {
    const info = parsePostmasterPid(readText(join(this.t.paths.postgresData, 'postmaster.pid')) ?? '');
    if (!info || !isRunning(info.pid, 'postgres')) return undefined;
    return { pid: info.pid, port: info.port, startedAt: new Date(info.startedAt * 1000).toISOString() };
  }

  /** initdb as the Postgres user: the configured user is the superuser, its password comes from a file. */
  async init(spec: PostgresSpec): Promise<void> {
    const { paths, runAs } = this.t;
    rmSync(paths.postgresData, { recursive: true, force: true });
    this.ownedDir(paths.postgresDir);
    const pwfile = join(paths.postgresDir, '.pwfile');
    writeFileSync(pwfile, `${spec.password}\n`, { mode: 0o600 });
    try {
      if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
      await this.must('initdb', initdbArgv(this.t.bin.initdb, paths.postgresData, spec, pwfile), 120_000);
    } finally {
      rmSync(pwfile, { force: true });
    }
    appendFileSync(join(paths.postgresData, 'postgresql.conf'), "\n# tldr: listen address and port\ninclude_if_exists = 'tldr.conf'\n");
  }

  async start(port: number): Promise<RunningPostgres> {
    const { paths, runAs } = this.t;
    const conf = join(paths.postgresData, 'tldr.conf');
    writeFileSync(conf, postgresConf(port));
    if (runAs) chownSync(conf, runAs.uid, runAs.gid);
    await this.must('pg_ctl start', pgCtlStartArgv(this.t.bin.pg_ctl, paths.postgresData, paths.postgresLog), 90_000);
    const running = this.running();
    if (!running)
      throw new ServiceError('postgres stopped right after pg_ctl started it', {
        code: 'service-exited',
        hint: `see ${paths.postgresLog} or \`tldr logs postgres\``,
      });
    return running;
  }

  /** The configured database (initdb only makes `postgres`); an existing one is fine. */
  async createDatabase(spec: PostgresSpec, port: number): Promise<void> {
    if (spec.db === 'postgres') return;
    const out = await this.t.runner.run(createdbArgv(this.t.bin.createdb, port, spec), {
      env: { ...serverEnv(), PGPASSWORD: spec.password, PGCONNECT_TIMEOUT: '10' },
    });
    if (out.exitCode !== 0 && !/already exists/.test(out.stderr)) {
      throw new ServiceError(`could not create database ${spec.db}: ${out.stderr.trim()}`, { code: 'service-start-failed', hint: 'see `tldr logs postgres`' });
    }
  }

  async stop(): Promise<boolean> {
    if (!this.running()) return false;
    await this.must('pg_ctl stop', pgCtlStopArgv(this.t.bin.pg_ctl, this.t.paths.postgresData), 60_000);
    return true;
  }

  // A folder the Postgres user owns (mode 0700, as initdb wants for PGDATA's parent too).
  private ownedDir(dir: string): void {
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o700);
    if (this.t.runAs) chownSync(dir, this.t.runAs.uid, this.t.runAs.gid);
  }

  private async must(what: string, argv: string[], timeoutMs: number): Promise<void> {
    const { runAs, paths } = this.t;
    const out = await this.t.runner.run(argv, { env: serverEnv(), cwd: paths.postgresDir, timeoutMs, ...(runAs ? { runAs } : {}) });
    if (out.exitCode === 0) return;
    const text = `${out.stderr}\n${out.stdout}`.trim().split('\n').slice(-15);
    throw new ServiceError(`${what} failed (exit ${out.exitCode})${runAs ? ` as user ${runAs.user}` : ''}`, {
      code: 'service-start-failed',
      details: text.map((l) => `  ${l}`),
      hint: `see ${paths.postgresLog} or \`tldr logs postgres\``,
    });
  }
}
