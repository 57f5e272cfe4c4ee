import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { expect } from 'vitest';
import type { FindingEvent } from '../../src/output/events.js';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

// Shared by the migrate-check integration files: a throwaway tldr project on example/backend with
// the fixture apps of test/fixtures/migrations, one Postgres container per file, and a database
// per test (DATABASE_URL comes from ${env:TLDR_TEST_DB}, the apps from ${env:TLDR_APPS}).

export const fixtures = join(repoRoot, 'test/fixtures/migrations');
export const django52 = join(repoRoot, 'example/backend/.venv/bin/python');
export const django32 = '/usr/bin/python3';
export const versions = [
  ['Django 5.2', django52, /^5\.2/],
  ['Django 3.2', django32, /^3\.2/],
] as const;
// Not the default "tldr": a registered secret is redacted wherever it appears, also inside "tldr_scratch_…".
const password = 'mc-check-pw-7f3a';

export interface ConfigOptions {
  python: string;
  backendDir?: string;
  /** YAML appended at the end (top-level keys). */
  extra?: string;
  /** More `env:` entries, as YAML lines (indented two spaces). */
  env?: string[];
}

export function configYaml(name: string, options: ConfigOptions): string {
  return [
    'version: 1',
    `name: ${name}`,
    'backend:',
    `  dir: ${JSON.stringify(options.backendDir ?? join(repoRoot, 'example/backend'))}`,
    '  settings: tldr.settings',
    `  python: [${JSON.stringify(options.python)}]`,
    'services:',
    '  provider: docker',
    `  postgres: { image: tldr-test/postgres:15, port: 0, password: ${password} }`,
    '  redis: { image: tldr-test/redis:7, port: 0 }',
    'env:',
    '  DATABASE_URL: "postgres://${postgres.user}:${postgres.password}@${postgres.host}:${postgres.port}/${env:TLDR_TEST_DB}"',
    '  TLDR_EXAMPLE_EXTRA_APPS: ${env:TLDR_APPS}',
    `  PYTHONPATH: ${JSON.stringify(fixtures)}`,
    ...(options.env ?? []),
    options.extra ?? '',
  ].join('\n');
}

export type Finding = FindingEvent & { v: 1; ts: string };
export const findingsOf = (run: CliResult) => run.events.filter((e): e is Finding => e.type === 'finding');
export const codes = (findings: FindingEvent[]) => [...new Set(findings.map((f) => f.code))].sort();
export const describeRun = (run: CliResult) => `exit ${run.exitCode}\n${run.stderr}\n${run.stdout.slice(-3000)}`;
export const dataOf = (run: CliResult) => run.result!.data as Record<string, any>;

export interface TestEnv {
  db: string;
  apps: string;
}

export interface CheckProject extends AsyncDisposable {
  name: string;
  dir: TempDir;
  root: string;
  port: number;
  admin: pg.Client;
  cli(args: string[], env: TestEnv, configFile?: string, options?: Parameters<typeof runCli>[1]): Promise<CliResult>;
  /** `tldr --json migrate --check ARGS…` */
  check(args: string[], env: TestEnv, configFile?: string): Promise<CliResult>;
  /** A new, empty database for one test. */
  freshDb(): Promise<string>;
  /** One statement on a short-lived connection (CREATE DATABASE … TEMPLATE needs the source without other sessions). */
  query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]>;
  /** A client of its own on `database` (the caller ends it). */
  client(database: string): Promise<pg.Client>;
  scratchDatabases(): Promise<string[]>;
  /** Writes a config file into the project folder; returns its name. */
  writeConfig(file: string, options: ConfigOptions): string;
}

/** Starts the file's Postgres (through `tldr env`) and returns the project; dispose removes everything it made. */
export async function checkProject(prefix: string): Promise<CheckProject> {
  const docker: Docker = await requireDocker();
  const dir = tempDir(`tldr-${prefix}-`);
  const name = uniqueName(prefix);
  let dbs = 0;
  dir.write('tldr.config.yaml', configYaml(name, { python: django52 }));
  dir.write('django32.yaml', configYaml(name, { python: django32 }));
  const cli: CheckProject['cli'] = (args, env, configFile = 'tldr.config.yaml', options = {}) =>
    runCli(['--config', join(dir.path, configFile), ...args], {
      cwd: dir.path,
      ...options,
      env: { TLDR_TEST_DB: env.db, TLDR_APPS: env.apps, ...options.env },
    });
  // `tldr env` only inspects (it starts nothing): bring the services up first.
  const up = await cli(['--json', 'up'], { db: 'tldr', apps: '' });
  expect(up.exitCode, describeRun(up)).toBe(0);
  const env = await cli(['--json', 'env'], { db: 'tldr', apps: '' });
  expect(env.exitCode, describeRun(env)).toBe(0);
  const port = Number((env.result!.data as { env: Record<string, string> }).env.POSTGRES_PORT);
  expect(port).toBeGreaterThan(0);
  const connect = async (database: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'tldr', password, database });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const admin = await connect('postgres');
  return {
    name,
    dir,
    root: dir.path,
    port,
    admin,
    cli,
    check: (args, env, configFile) => cli(['--json', 'migrate', '--check', ...args], env, configFile),
    async freshDb() {
      const db = `mc_${++dbs}_${name.replace(/\W/g, '')}`;
      await admin.query(`CREATE DATABASE "${db}"`);
      return db;
    },
    async query<T extends pg.QueryResultRow>(database: string, sql: string) {
      const client = await connect(database);
      try {
        return (await client.query<T>(sql)).rows;
      } finally {
        await client.end();
      }
    },
    client: connect,
    async scratchDatabases() {
      return (await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'tldr\\_scratch\\_%' ORDER BY 1")).rows.map(
        (r) => r.datname,
      );
    },
    writeConfig(file, options) {
      dir.write(file, configYaml(name, options));
      return file;
    },
    async [Symbol.asyncDispose]() {
      await admin.end().catch(() => undefined);
      await removeProjectResources(docker, name);
      dir[Symbol.dispose]();
    },
  };
}

/** The finding's line in its file holds an operation matching `operation`. */
export function expectLineAt(root: string, finding: FindingEvent, operation: RegExp): void {
  expect(finding.file, `${finding.code} file`).toMatch(/\.py$/);
  expect(finding.line, `${finding.code} line`).toBeGreaterThan(0);
  const text = readFileSync(join(root, finding.file!), 'utf8').split('\n')[finding.line! - 1]!;
  expect(text, `${finding.code} at ${finding.file}:${finding.line}`).toMatch(operation);
}
