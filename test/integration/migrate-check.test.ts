import type Docker from 'dockerode';
import { execa } from 'execa';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, repoRoot, type CliResult } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';
import type { FindingEvent } from '../../src/output/events.js';

// `tldr migrate --check` through the built CLI (`npm run build` first) on example/backend with the
// fixture apps of test/fixtures/migrations, against one Postgres container shared by the file.
// Each test gets its own database (DATABASE_URL comes from ${env:TLDR_TEST_DB}).

const fixtures = join(repoRoot, 'test/fixtures/migrations');
const django52 = join(repoRoot, 'example/backend/.venv/bin/python');
const django32 = '/usr/bin/python3';
// Not the default "tldr": a registered secret is redacted wherever it appears, also inside "tldr_scratch_…".
const password = 'mc-check-pw-7f3a';

const lintCodes = [
  'adding-not-nullable-field',
  'drop-column',
  'drop-table',
  'rename-column',
  'rename-table',
  'alter-column-type',
  'add-index-blocking',
  'add-unique-blocking',
  'runpython-irreversible',
  'runsql-irreversible',
] as const;

/** The operation a finding's line must point at. */
const operationAt: Record<string, RegExp> = {
  'adding-not-nullable-field': /\b(AddField|AlterField)\(/,
  'drop-column': /\bRemoveField\(/,
  'drop-table': /\bDeleteModel\(/,
  'rename-column': /\bRenameField\(/,
  'rename-table': /\b(RenameModel|AlterModelTable)\(/,
  'alter-column-type': /\bAlterField\(/,
  'add-index-blocking': /\b(AddIndex|AddField|AlterField|AlterIndexTogether)\(/,
  'add-unique-blocking': /\b(AddConstraint|AddField|AlterField|AlterUniqueTogether)\(/,
  'runpython-irreversible': /\bRunPython\(/,
  'runsql-irreversible': /\bRunSQL\(/,
  irreversible: /\b\w+\(/,
  'not-idempotent': /\b\w+\(/,
};

function config(name: string, options: { python: string; backendDir?: string; extra?: string }): string {
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
    options.extra ?? '',
  ].join('\n');
}

const findingsOf = (run: CliResult) => run.events.filter((e): e is FindingEvent & { v: 1; ts: string } => e.type === 'finding');
const codes = (findings: FindingEvent[]) => [...new Set(findings.map((f) => f.code))].sort();
const describeRun = (run: CliResult) => `exit ${run.exitCode}\n${run.stderr}\n${run.stdout.slice(-3000)}`;

describe('tldr migrate --check', () => {
  let docker: Docker | undefined;
  let dir: TempDir | undefined;
  let admin: pg.Client | undefined;
  const name = uniqueName('tldrmc');
  let port = 0;
  let dbs = 0;

  const root = () => dir!.path;
  const cli = (args: string[], env: { db: string; apps: string }, configFile = 'tldr.config.yaml') =>
    runCli(['--config', join(root(), configFile), ...args], { cwd: root(), env: { TLDR_TEST_DB: env.db, TLDR_APPS: env.apps } });
  const check = (args: string[], env: { db: string; apps: string }, configFile?: string) => cli(['--json', 'migrate', '--check', ...args], env, configFile);

  /** A new, empty database for one test. */
  async function freshDb(): Promise<string> {
    const db = `mc_${++dbs}_${name.replace(/\W/g, '')}`;
    await admin!.query(`CREATE DATABASE "${db}"`);
    return db;
  }

  async function query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
    // A short-lived connection: CREATE DATABASE … TEMPLATE needs the source without other sessions.
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'tldr', password, database });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  const scratchDatabases = async () => (await admin!.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'tldr_scratch_%'")).rows.map((r) => r.datname);

  /** The finding's line in its file holds the operation the rule is about. */
  function expectLineAtOperation(finding: FindingEvent): void {
    expect(finding.file, `${finding.code} file`).toMatch(/\.py$/);
    expect(finding.line, `${finding.code} line`).toBeGreaterThan(0);
    const text = readFileSync(join(root(), finding.file!), 'utf8').split('\n')[finding.line! - 1]!;
    expect(text, `${finding.code} at ${finding.file}:${finding.line}`).toMatch(operationAt[finding.code]!);
  }

  beforeAll(async () => {
    docker = await requireDocker();
    dir = tempDir('tldr-migrate-check-');
    dir.write('tldr.config.yaml', config(name, { python: django52 }));
    dir.write('django32.yaml', config(name, { python: django32 }));
    dir.write(
      'ignore.yaml',
      config(name, {
        python: django52,
        extra: [
          'migrations:',
          '  reversibility: false',
          '  ignore:',
          '    - { migration: lint_unsafe.0003_remove_book_legacy_code, rules: [drop-column], reason: "column unused since v2" }',
          '    - { migration: lint_unsafe.0004_delete_note, rules: [drop-table, rename-table], reason: "notes were never used" }',
          'pipelines:',
          '  check: [migrate-check]',
        ].join('\n'),
      }),
    );
    // `tldr env` only inspects (it starts nothing): bring the services up first.
    const up = await cli(['--json', 'up'], { db: 'tldr', apps: '' });
    expect(up.exitCode, describeRun(up)).toBe(0);
    const env = await cli(['--json', 'env'], { db: 'tldr', apps: '' });
    expect(env.exitCode, describeRun(env)).toBe(0);
    port = Number((env.result!.data as { env: Record<string, string> }).env.POSTGRES_PORT);
    expect(port).toBeGreaterThan(0);
    admin = new pg.Client({ host: '127.0.0.1', port, user: 'tldr', password, database: 'postgres' });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    if (docker) await removeProjectResources(docker, name);
    dir?.[Symbol.dispose]();
  });

  for (const [label, configFile, version] of [
    ['Django 5.2', 'tldr.config.yaml', /^5\.2/],
    ['Django 3.2', 'django32.yaml', /^3\.2/],
  ] as const) {
    it(`${label}: every lint code with its operation line, and irreversible on a scratch copy`, async () => {
      const db = await freshDb();
      const run = await check([], { db, apps: 'lint_unsafe' }, configFile);
      expect(run.exitCode, describeRun(run)).toBe(1);
      const findings = findingsOf(run);
      const unsafe = findings.filter((f) => f.app === 'lint_unsafe' && f.code !== 'unapplied');
      expect(codes(unsafe)).toEqual([...lintCodes, 'irreversible'].sort());
      for (const finding of unsafe) {
        expect(finding.migration).toMatch(/^\d{4}_/);
        expect(finding.hint.length).toBeGreaterThan(20);
        expectLineAtOperation(finding);
      }
      expect(unsafe.find((f) => f.code === 'irreversible')).toMatchObject({ severity: 'error', migration: '0013_reverse_fails' });
      expect(unsafe.find((f) => f.code === 'drop-column')).toMatchObject({ severity: 'error', file: expect.stringMatching(/^\.\.\/.*lint_unsafe\/migrations\/0003_/) });
      expect(unsafe.filter((f) => f.severity === 'warning').map((f) => f.code).sort()).toEqual(['add-index-blocking', 'add-unique-blocking', 'runpython-irreversible', 'runsql-irreversible']);
      expect(findings.filter((f) => f.code === 'unapplied' && f.app === 'lint_unsafe')).toHaveLength(14);

      const data = run.result!.data as Record<string, any>;
      expect(data.django).toMatch(version);
      expect(data.reversibility).toMatchObject({ ran: true, method: 'template', scratchDatabase: expect.stringMatching(/^tldr_scratch_/) });
      expect(data.findings).toEqual({ error: findings.filter((f) => f.severity === 'error').length, warning: 4 });
      expect(data.checked).toContain('lint_unsafe.0014_seed_genre');
      expect(run.result!.summary).toMatch(/^\d+ errors, 4 warnings \(\d+ migrations checked\)$/);
      // The scratch database is gone and the developer's database was not migrated.
      expect(await scratchDatabases()).toEqual([]);
      expect(await query(db, "SELECT to_regclass('lint_unsafe_book') AS t, to_regclass('django_migrations') AS m")).toEqual([{ t: null, m: null }]);
    });
  }

  it('Django 5.2: the same changes done safely report nothing but "not applied", reversibility included', async () => {
    const db = await freshDb();
    const run = await check([], { db, apps: 'lint_safe' });
    expect(run.exitCode, describeRun(run)).toBe(1);
    const findings = findingsOf(run);
    expect(findings.filter((f) => f.code !== 'unapplied')).toEqual([]);
    expect(findings.filter((f) => f.app === 'lint_safe').map((f) => f.migration)).toHaveLength(9);
    const data = run.result!.data as Record<string, any>;
    expect(data.reversibility).toMatchObject({ ran: true });
    expect(data.checked).toContain('lint_safe.0009_article_title_widen');
    expect(await scratchDatabases()).toEqual([]);
  });

  it('Django 5.2: forward → backward → forward that ends elsewhere is not-idempotent', async () => {
    const db = await freshDb();
    const migrated = await cli(['--json', 'migrate', 'lint_unsafe', '0013_reverse_fails'], { db, apps: 'lint_unsafe' });
    expect(migrated.exitCode, describeRun(migrated)).toBe(0);
    const run = await check([], { db, apps: 'lint_unsafe' });
    expect(run.exitCode, describeRun(run)).toBe(1);
    const findings = findingsOf(run).filter((f) => f.code !== 'unapplied');
    expect(findings.map((f) => `${f.code}@${f.app}.${f.migration}`)).toEqual(['not-idempotent@lint_unsafe.0014_seed_genre']);
    expect(findings[0]!.message).toMatch(/0014_seed_genre/);
    expectLineAtOperation(findings[0]!);
    expect((run.result!.data as any).reversibility).toMatchObject({ ran: true });
    expect(await scratchDatabases()).toEqual([]);
    // The developer's database stays where it was.
    const applied = await query<{ name: string }>(db, "SELECT name FROM django_migrations WHERE app = 'lint_unsafe' ORDER BY name DESC LIMIT 1");
    expect(applied).toEqual([{ name: '0013_reverse_fails' }]);
  });

  for (const [label, configFile, version] of [
    ['Django 3.2', 'django32.yaml', /^3\.2/],
    ['Django 5.2', 'tldr.config.yaml', /^5\.2/],
  ] as const) {
    it(`${label}: a conflict and a missing migration in one run, and linting goes on past the conflict`, async () => {
      const db = await freshDb();
      const run = await check(['--no-reversibility'], { db, apps: 'conflicted,missing,lint_unsafe' }, configFile);
      expect(run.exitCode, describeRun(run)).toBe(1);
      const findings = findingsOf(run);
      expect(findings.find((f) => f.code === 'conflict')).toMatchObject({ app: 'conflicted', severity: 'error', message: expect.stringMatching(/0002_widget_color.*0002_widget_size/) });
      expect(findings.find((f) => f.code === 'missing-migration')).toMatchObject({ app: 'missing', migration: null, message: expect.stringMatching(/serial/) });
      expect(codes(findings.filter((f) => f.app === 'lint_unsafe' && f.code !== 'unapplied'))).toEqual([...lintCodes].sort());
      const data = run.result!.data as Record<string, any>;
      expect(data).toMatchObject({ conflicts: ['conflicted'], missing: ['missing'], reversibility: { ran: false } });
      expect(data.django).toMatch(version);
      expect(data.checked).toEqual(expect.arrayContaining(['conflicted.0002_widget_color', 'conflicted.0002_widget_size', 'missing.0001_initial']));
    });
  }

  it('human output groups findings by app and migration, each with file:line', async () => {
    const db = await freshDb();
    const run = await cli(['migrate', '--check', '--no-reversibility'], { db, apps: 'conflicted,lint_unsafe' });
    expect(run.exitCode, describeRun(run)).toBe(1);
    const lines = run.stdout.split('\n');
    const app = lines.indexOf('lint_unsafe');
    const migration = lines.indexOf('  0003_remove_book_legacy_code');
    expect(app).toBeGreaterThanOrEqual(0);
    expect(migration).toBeGreaterThan(app);
    expect(lines[migration + 1]).toMatch(/^ {4}error {3}drop-column {2}\S*lint_unsafe\/migrations\/0003_remove_book_legacy_code\.py:\d+$/);
    expect(lines[migration + 3]).toMatch(/^ +fix: /);
    expect(run.stdout).toMatch(/^ {2}error {3}unapplied .*\n +\d+ migrations are not applied: 0001_initial/m);
    expect(run.stderr).toMatch(/✖ \d+ errors, 4 warnings/);
  });

  it('migrations.ignore silences one rule for one migration and keeps the reason; the built-in step runs in pipelines', async () => {
    const db = await freshDb();
    const run = await check([], { db, apps: 'lint_unsafe' }, 'ignore.yaml');
    expect(run.exitCode, describeRun(run)).toBe(1);
    const findings = findingsOf(run);
    expect(findings.filter((f) => ['drop-column', 'drop-table'].includes(f.code))).toEqual([]);
    expect(findings.some((f) => f.code === 'rename-table')).toBe(true);
    const data = run.result!.data as Record<string, any>;
    expect(data.ignored).toEqual([
      { code: 'drop-column', migration: 'lint_unsafe.0003_remove_book_legacy_code', reason: 'column unused since v2' },
      { code: 'drop-table', migration: 'lint_unsafe.0004_delete_note', reason: 'notes were never used' },
    ]);
    // migrations.reversibility: false in the config.
    expect(data.reversibility).toEqual({ ran: false, reason: expect.any(String) });
    expect(run.result!.summary).toContain('2 ignored');

    const pipeline = await cli(['--json', 'run', 'check'], { db, apps: 'lint_unsafe' }, 'ignore.yaml');
    expect(pipeline.exitCode, describeRun(pipeline)).toBe(1);
    expect(pipeline.events.find((e) => e.type === 'step.end')).toMatchObject({ step: 'migrate-check', status: 'failed' });
    expect(findingsOf(pipeline).length).toBe(findings.length);

    dir!.write('no-reason.yaml', config(name, { python: django52, extra: 'migrations:\n  ignore: [{ migration: lint_unsafe.0004_delete_note, rules: [drop-table] }]' }));
    const invalid = await cli(['config', 'validate'], { db, apps: '' }, 'no-reason.yaml');
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('reason');
  });

  it('--since REF lints only the migration files added since REF (committed, staged, untracked)', async () => {
    const repo = join(root(), 'repo');
    const backend = join(repo, 'backend');
    const skip = (src: string) => !/(^|\/)(\.venv|__pycache__|\.env)(\/|$)/.test(src.slice(repoRoot.length));
    cpSync(join(repoRoot, 'example/backend'), backend, { recursive: true, filter: skip });
    const app = join(backend, 'lint_unsafe');
    cpSync(join(fixtures, 'lint_unsafe'), app, { recursive: true, filter: (src) => !/__pycache__|00(13|14)_/.test(src) });
    dir!.write('since.yaml', config(name, { python: django52, backendDir: 'repo/backend' }));
    const git = (...args: string[]) => execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo });
    const later = ['0010_book_isbn_unique.py', '0011_runpython_no_reverse.py', '0012_runsql_no_reverse.py'].map((f) => `backend/lint_unsafe/migrations/${f}`);
    await git('init', '-q', '-b', 'main');
    await git('add', '-A', '--', '.', ...later.map((f) => `:!${f}`));
    await git('commit', '-qm', 'base');
    await git('tag', 'base');
    await git('add', later[0]!);
    await git('commit', '-qm', 'unique isbn');
    await git('add', later[1]!); // staged, not committed; later[2] stays untracked

    const db = await freshDb();
    const env = { db, apps: 'lint_unsafe' };
    const migrated = await cli(['--json', 'migrate'], env, 'since.yaml');
    expect(migrated.exitCode, describeRun(migrated)).toBe(0);
    const run = await check(['--since', 'base', '--no-reversibility'], env, 'since.yaml');
    expect(run.exitCode, describeRun(run)).toBe(0);
    const data = run.result!.data as Record<string, any>;
    expect(data).toMatchObject({ since: 'base', checked: ['lint_unsafe.0010_book_isbn_unique', 'lint_unsafe.0011_runpython_no_reverse', 'lint_unsafe.0012_runsql_no_reverse'], findings: { error: 0, warning: 3 } });
    expect(findingsOf(run).map((f) => `${f.code}@${f.file}`)).toEqual([
      `add-unique-blocking@repo/${later[0]}`,
      `runpython-irreversible@repo/${later[1]}`,
      `runsql-irreversible@repo/${later[2]}`,
    ]);
    const strict = await check(['--since', 'base', '--no-reversibility', '--strict'], env, 'since.yaml');
    expect(strict.exitCode, describeRun(strict)).toBe(1);

    const bad = await check(['--since', 'no-such-ref'], env, 'since.yaml');
    expect(bad.exitCode).toBe(2);
    expect(bad.result!.error).toMatchObject({ code: 'unknown-git-ref', message: expect.stringContaining('no-such-ref') });
  });
});
