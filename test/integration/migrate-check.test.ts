import { execa } from 'execa';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import {
  checkProject,
  codes,
  configYaml,
  describeRun,
  django52,
  expectLineAt,
  findingsOf,
  fixtures,
  type CheckProject,
  type Finding,
  type TestEnv,
} from './migrate-check-project.js';

// `tldr migrate --check` through the built CLI (`npm run build` first) on example/backend with the
// fixture apps of test/fixtures/migrations, against one Postgres container shared by the file.
// Each test gets its own database. The new rules and what the scratch run watches:
// migrate-check-watch.test.ts; lock_timeout: migrate-check-lock-timeout.test.ts; left-over scratch
// databases: migrate-check-scratch.test.ts.

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
  'table-rewrite': /\bAlterField\(/,
  'add-index-blocking': /\b(AddIndex|AddField|AlterField|AlterIndexTogether)\(/,
  'add-unique-blocking': /\b(AddConstraint|AddField|AlterField|AlterUniqueTogether)\(/,
  'runpython-irreversible': /\bRunPython\(/,
  'runsql-irreversible': /\bRunSQL\(/,
  irreversible: /\b\w+\(/,
  'not-idempotent': /\b\w+\(/,
};

describe('tldr migrate --check', () => {
  let project: CheckProject;
  const root = () => project.root;
  const cli = (args: string[], env: TestEnv, configFile?: string) => project.cli(args, env, configFile);
  const check = (args: string[], env: TestEnv, configFile?: string) => project.check(args, env, configFile);
  const freshDb = () => project.freshDb();
  const query = <T extends Record<string, unknown>>(db: string, sql: string) => project.query<T>(db, sql);
  const scratchDatabases = () => project.scratchDatabases();
  const expectLineAtOperation = (finding: Finding) => expectLineAt(root(), finding, operationAt[finding.code]!);

  beforeAll(async () => {
    project = await checkProject('tldrmc');
    project.writeConfig('ignore.yaml', {
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
    });
  });

  afterAll(async () => {
    await project?.[Symbol.asyncDispose]();
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
      // Watched on the scratch copy: integer → bigint rewrote the table (0008), so it is also table-rewrite.
      expect(codes(unsafe)).toEqual([...lintCodes, 'irreversible', 'table-rewrite'].sort());
      for (const finding of unsafe) {
        expect(finding.migration).toMatch(/^\d{4}_/);
        expect(finding.hint.length).toBeGreaterThan(20);
        expectLineAtOperation(finding);
      }
      expect(unsafe.find((f) => f.code === 'irreversible')).toMatchObject({ severity: 'error', migration: '0013_reverse_fails' });
      expect(unsafe.find((f) => f.code === 'drop-column')).toMatchObject({
        severity: 'error',
        file: expect.stringMatching(/^\.\.\/.*lint_unsafe\/migrations\/0003_/),
      });
      expect(unsafe.filter((f) => ['alter-column-type', 'table-rewrite'].includes(f.code)).map((f) => `${f.code}@${f.migration}:${f.line}`)).toEqual([
        'alter-column-type@0008_book_pages_bigint:10',
        'table-rewrite@0008_book_pages_bigint:10',
      ]);
      expect(unsafe.find((f) => f.code === 'alter-column-type')!.message).toContain('(observed: rewrote "lint_unsafe_book" under ACCESS EXCLUSIVE)');
      expect(
        unsafe
          .filter((f) => f.severity === 'warning')
          .map((f) => f.code)
          .sort(),
      ).toEqual(['add-index-blocking', 'add-unique-blocking', 'runpython-irreversible', 'runsql-irreversible']);
      expect(findings.filter((f) => f.code === 'unapplied' && f.app === 'lint_unsafe')).toHaveLength(14);

      const data = run.result!.data as Record<string, any>;
      expect(data.django).toMatch(version);
      expect(data.reversibility).toMatchObject({ ran: true, method: 'template', scratchDatabase: expect.stringMatching(/^tldr_scratch_/) });
      expect(data.findings).toEqual({ error: findings.filter((f) => f.severity === 'error').length, warning: 4 });
      expect(data.checked).toContain('lint_unsafe.0014_seed_genre');
      expect(data.watched).toBeGreaterThanOrEqual(14);
      expect(data.observations).toContainEqual({
        migration: 'lint_unsafe.0008_book_pages_bigint',
        statements: [
          {
            statement: expect.stringMatching(/^ALTER TABLE "lint_unsafe_book" ALTER COLUMN "pages" TYPE/),
            table: 'lint_unsafe_book',
            lock: 'ACCESS EXCLUSIVE',
            rewrite: true,
            line: 10,
          },
        ],
        more: 0,
      });
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
    // Widening a varchar locks the table but rewrites nothing; the concurrent index (atomic = False) is not watched.
    expect(data.observations).toContainEqual({
      migration: 'lint_safe.0009_article_title_widen',
      statements: [expect.objectContaining({ table: 'lint_safe_article', lock: 'ACCESS EXCLUSIVE', rewrite: false })],
      more: 0,
    });
    expect(data.observations.map((o: { migration: string }) => o.migration)).not.toContain('lint_safe.0004_article_subtitle_index_concurrently');
    expect(data.observations.flatMap((o: { statements: Array<{ rewrite: boolean }> }) => o.statements).some((s: { rewrite: boolean }) => s.rewrite)).toBe(
      false,
    );
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
      expect(findings.find((f) => f.code === 'conflict')).toMatchObject({
        app: 'conflicted',
        severity: 'error',
        message: expect.stringMatching(/0002_widget_color.*0002_widget_size/),
      });
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

    project.writeConfig('no-reason.yaml', {
      python: django52,
      extra: 'migrations:\n  ignore: [{ migration: lint_unsafe.0004_delete_note, rules: [drop-table] }]',
    });
    const invalid = await cli(['config', 'validate'], { db, apps: '' }, 'no-reason.yaml');
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('reason');
  });

  it('--since REF lints only the migration files added since REF (committed, staged, untracked, any file name)', async () => {
    const repo = join(root(), 'repo');
    const backend = join(repo, 'backend');
    const skip = (src: string) => !/(^|\/)(\.venv|__pycache__|\.env)(\/|$)/.test(src.slice(repoRoot.length));
    cpSync(join(repoRoot, 'example/backend'), backend, { recursive: true, filter: skip });
    const app = join(backend, 'lint_unsafe');
    cpSync(join(fixtures, 'lint_unsafe'), app, { recursive: true, filter: (src) => !/__pycache__|00(13|14)_/.test(src) });
    // Commas, spaces and quotes in a migration's file name: Django loads it, so tldr must check it.
    const odd = '0013_seed, "odd" name.py';
    writeFileSync(
      join(app, 'migrations', odd),
      [
        'from django.db import migrations',
        '',
        '',
        'def seed(apps, schema_editor):',
        '    pass',
        '',
        '',
        'class Migration(migrations.Migration):',
        '    dependencies = [("lint_unsafe", "0012_runsql_no_reverse")]',
        '',
        '    operations = [migrations.RunPython(seed)]',
        '',
      ].join('\n'),
    );
    project.writeConfig('since.yaml', { python: django52, backendDir: 'repo/backend' });
    const git = (...args: string[]) =>
      execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: repo });
    const later = ['0010_book_isbn_unique.py', '0011_runpython_no_reverse.py', '0012_runsql_no_reverse.py', odd].map(
      (f) => `backend/lint_unsafe/migrations/${f}`,
    );
    await git('init', '-q', '-b', 'main');
    await git('add', '-A', '--', '.', ...later.map((f) => `:!${f}`));
    await git('commit', '-qm', 'base');
    await git('tag', 'base');
    await git('add', later[0]!);
    await git('commit', '-qm', 'unique isbn');
    await git('add', later[1]!); // staged, not committed; later[2] and the odd one stay untracked

    const db = await freshDb();
    const env = { db, apps: 'lint_unsafe' };
    const migrated = await cli(['--json', 'migrate'], env, 'since.yaml');
    expect(migrated.exitCode, describeRun(migrated)).toBe(0);
    const run = await check(['--since', 'base', '--no-reversibility'], env, 'since.yaml');
    expect(run.exitCode, describeRun(run)).toBe(0);
    const data = run.result!.data as Record<string, any>;
    expect(data).toMatchObject({
      since: 'base',
      checked: [
        'lint_unsafe.0010_book_isbn_unique',
        'lint_unsafe.0011_runpython_no_reverse',
        'lint_unsafe.0012_runsql_no_reverse',
        'lint_unsafe.0013_seed, "odd" name',
      ],
      findings: { error: 0, warning: 4 },
    });
    expect(findingsOf(run).map((f) => `${f.code}@${f.file}`)).toEqual([
      `add-unique-blocking@repo/${later[0]}`,
      `runpython-irreversible@repo/${later[1]}`,
      `runsql-irreversible@repo/${later[2]}`,
      `runpython-irreversible@repo/${later[3]}`,
    ]);
    const strict = await check(['--since', 'base', '--no-reversibility', '--strict'], env, 'since.yaml');
    expect(strict.exitCode, describeRun(strict)).toBe(1);

    const bad = await check(['--since', 'no-such-ref'], env, 'since.yaml');
    expect(bad.exitCode).toBe(2);
    expect(bad.result!.error).toMatchObject({ code: 'unknown-git-ref', message: expect.stringContaining('no-such-ref') });
  });
});
