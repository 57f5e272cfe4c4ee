import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject, codes, dataOf, describeRun, expectLineAt, findingsOf, versions, type CheckProject, type Finding } from './migrate-check-project.js';

// The rules tldr adds to what linters guess, and what the scratch run watches, on the fixture
// pair rules_unsafe / rules_safe (test/fixtures/migrations/README.md lists every case), on
// Django 5.2 and 3.2.

const operationAt: Record<string, RegExp> = {
  'add-foreign-key-validating': /\bAddField\(/,
  'add-check-constraint-validating': /\bAddConstraint\(/,
  'remove-index-blocking': /\bRemoveIndex\(/,
  'mixed-schema-and-data': /\bRunPython\(/,
  'table-rewrite': /\b(AddField|AlterField|RunSQL)\(/,
  'volatile-default': /\b(AddField|RunSQL)\(/,
  'alter-column-type': /\bAlterField\(/,
  'adding-not-nullable-field': /\bAddField\(/,
  'apply-fails': /\bAddField\(/,
};

const where = (findings: Finding[]) => findings.map((f) => `${f.code}@${f.migration}`).sort();

describe('tldr migrate --check watches the scratch database', () => {
  let project: CheckProject;
  const configOf = (label: string) => (label === 'Django 5.2' ? 'tldr.config.yaml' : 'django32.yaml');
  const ownFindings = (findings: Finding[], app: string) => findings.filter((f) => f.app === app && f.code !== 'unapplied');

  beforeAll(async () => {
    project = await checkProject('tldrmw');
  });

  afterAll(async () => {
    await project?.[Symbol.asyncDispose]();
  });

  for (const [label, , version] of versions) {
    const db52 = label === 'Django 5.2';

    it(`${label}: every new rule once, at its operation; rewrites observed with their lock decide table-rewrite and alter-column-type`, async () => {
      const db = await project.freshDb();
      const run = await project.check([], { db, apps: 'rules_unsafe' }, configOf(label));
      expect(run.exitCode, describeRun(run)).toBe(1);
      const findings = ownFindings(findingsOf(run), 'rules_unsafe');
      expect(where(findings)).toEqual(
        [
          'add-foreign-key-validating@0002_order_customer',
          'add-check-constraint-validating@0003_order_quantity_check',
          'remove-index-blocking@0004_remove_order_note_idx',
          'mixed-schema-and-data@0005_order_reference_backfill',
          // The volatile default: watched, so the rewrite it caused is reported, not the guess.
          'table-rewrite@0006_order_token',
          'alter-column-type@0007_order_quantity_bigint',
          'table-rewrite@0007_order_quantity_bigint',
          'adding-not-nullable-field@0008_order_rating',
          // db_default=None is no default (Django >= 5.0; the migration is empty on 3.2).
          ...(db52 ? ['adding-not-nullable-field@0009_order_stars'] : []),
        ].sort(),
      );
      for (const finding of findings) {
        expect(finding.hint.length, finding.code).toBeGreaterThan(40);
        expectLineAt(project.root, finding, operationAt[finding.code]!);
      }
      const rewrites = findings.filter((f) => f.code === 'table-rewrite');
      for (const finding of rewrites)
        expect(finding.message).toMatch(/rewrote existing table "rules_unsafe_order" under ACCESS EXCLUSIVE, observed on the scratch database: ALTER TABLE/);
      expect(findings.find((f) => f.code === 'alter-column-type')!.message).toMatch(
        /from integer to bigint \(observed: rewrote "rules_unsafe_order" under ACCESS EXCLUSIVE\)$/,
      );
      expect(findings.find((f) => f.migration === '0009_order_stars')?.message ?? 'db_default=None').toContain('db_default=None');
      expect(
        findings
          .filter((f) => f.severity === 'warning')
          .map((f) => f.code)
          .sort(),
      ).toEqual(['add-check-constraint-validating', 'add-foreign-key-validating', 'mixed-schema-and-data', 'remove-index-blocking']);

      const data = dataOf(run);
      expect(data.django).toMatch(version);
      expect(data.reversibility).toMatchObject({ ran: true });
      const observed = new Map<string, Array<Record<string, unknown>>>(
        data.observations.map((o: { migration: string; statements: [] }) => [o.migration, o.statements]),
      );
      expect(observed.get('rules_unsafe.0007_order_quantity_bigint')).toEqual([
        expect.objectContaining({ table: 'rules_unsafe_order', lock: 'ACCESS EXCLUSIVE', rewrite: true, line: 10 }),
      ]);
      expect(observed.get('rules_unsafe.0006_order_token')).toEqual([
        expect.objectContaining({ table: 'rules_unsafe_order', lock: 'ACCESS EXCLUSIVE', rewrite: true }),
      ]);
      // The whole list, statements uncut, is in the project's log folder.
      const saved = JSON.parse(readFileSync(data.observationsFile, 'utf8'));
      expect(saved).toContainEqual(
        expect.objectContaining({
          app: 'rules_unsafe',
          migration: '0007_order_quantity_bigint',
          statements: [expect.objectContaining({ statement: expect.stringMatching(/TYPE bigint USING "quantity"::bigint$/) })],
        }),
      );
      // The foreign key locks both tables.
      expect(observed.get('rules_unsafe.0002_order_customer')).toEqual(
        expect.arrayContaining([expect.objectContaining({ table: 'rules_unsafe_customer', lock: 'SHARE ROW EXCLUSIVE', rewrite: false })]),
      );
      expect(await project.scratchDatabases()).toEqual([]);
    });

    it(`${label}: without the scratch run the same migrations are judged statically (volatile-default, alter-column-type)`, async () => {
      const db = await project.freshDb();
      const run = await project.check(['--no-reversibility'], { db, apps: 'rules_unsafe' }, configOf(label));
      expect(run.exitCode, describeRun(run)).toBe(1);
      const findings = ownFindings(findingsOf(run), 'rules_unsafe');
      expect(codes(findings)).not.toContain('table-rewrite');
      expect(where(findings.filter((f) => ['volatile-default', 'alter-column-type'].includes(f.code)))).toEqual([
        'alter-column-type@0007_order_quantity_bigint',
        'volatile-default@0006_order_token',
      ]);
      expect(findings.find((f) => f.code === 'volatile-default')!.message).toMatch(/volatile (database )?default gen_random_uuid\(\)/);
      expect(findings.find((f) => f.code === 'alter-column-type')!.message).not.toContain('observed');
      expect(dataOf(run)).toMatchObject({ reversibility: { ran: false }, watched: 0, observations: [] });
    });

    it(`${label}: the safe twins report nothing (varchar widening and varchar → text are watched and rewrite nothing)`, async () => {
      const db = await project.freshDb();
      for (const args of [[], ['--no-reversibility']]) {
        const run = await project.check(args, { db, apps: 'rules_safe' }, configOf(label));
        expect(run.exitCode, describeRun(run)).toBe(1); // the unapplied migrations
        expect(ownFindings(findingsOf(run), 'rules_safe')).toEqual([]);
      }
      const run = await project.check([], { db, apps: 'rules_safe' }, configOf(label));
      const data = dataOf(run);
      expect(data.reversibility).toMatchObject({ ran: true });
      const statements = data.observations.flatMap((o: { statements: Array<{ rewrite: boolean }> }) => o.statements);
      expect(statements.length).toBeGreaterThan(5);
      expect(statements.filter((s: { rewrite: boolean }) => s.rewrite)).toEqual([]);
      for (const name of ['0010_order_code_widen', '0011_order_note_text']) {
        expect(data.observations).toContainEqual({
          migration: `rules_safe.${name}`,
          statements: [expect.objectContaining({ table: 'rules_safe_order', lock: 'ACCESS EXCLUSIVE', rewrite: false })],
          more: 0,
        });
      }
      // VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE only; the concurrent index drop is not watched.
      expect(data.observations).toContainEqual(
        expect.objectContaining({
          migration: 'rules_safe.0005_validate_quantity_check',
          statements: [expect.objectContaining({ lock: 'SHARE UPDATE EXCLUSIVE' })],
        }),
      );
      expect(data.observations.map((o: { migration: string }) => o.migration)).not.toContain('rules_safe.0006_remove_order_note_idx_concurrently');
    });

    it(`${label}: a NOT NULL column over existing rows is apply-fails (the static finding stays), and the other app is still checked`, async () => {
      const db = await project.freshDb();
      const env = { db, apps: 'rules_unsafe,rules_safe' };
      for (const [app, target] of [
        ['rules_unsafe', '0007_order_quantity_bigint'],
        ['rules_safe', '0011_order_note_text'],
      ]) {
        const migrated = await project.cli(['--json', 'migrate', app!, target!], env, configOf(label));
        expect(migrated.exitCode, describeRun(migrated)).toBe(0);
      }
      await project.query(
        db,
        "INSERT INTO rules_unsafe_order (note, code, quantity) VALUES ('n', 'c', 1); INSERT INTO rules_safe_order (note, code, quantity) VALUES ('n', 'c', 1)",
      );

      const run = await project.check([], env, configOf(label));
      expect(run.exitCode, describeRun(run)).toBe(1);
      const findings = ownFindings(findingsOf(run), 'rules_unsafe');
      expect(where(findings)).toEqual(
        [
          'adding-not-nullable-field@0008_order_rating',
          'apply-fails@0008_order_rating',
          ...(db52 ? ['adding-not-nullable-field@0009_order_stars'] : []),
        ].sort(),
      );
      const failed = findings.find((f) => f.code === 'apply-fails')!;
      expect(failed).toMatchObject({ severity: 'error', line: 11 });
      expect(failed.message).toMatch(
        /^Applying rules_unsafe\.0008_order_rating to a copy of the database \(with its rows\) fails: IntegrityError: column "rating" of relation "rules_unsafe_order" contains null values/,
      );
      expect(failed.hint).toMatch(/nullable .*backfill/);
      expectLineAt(project.root, failed, operationAt['apply-fails']!);
      expect(ownFindings(findingsOf(run), 'rules_safe')).toEqual([]);
      const data = dataOf(run);
      expect(data.reversibility).toMatchObject({ ran: true, method: 'template' });
      // The NOT NULL column with db_default=0 (Django 5) / nullable (3.2) of the other app was applied and watched.
      expect(data.observations.map((o: { migration: string }) => o.migration)).toContain('rules_safe.0012_order_rating');
      // The developer's database is where it was.
      expect(
        await project.query(db, "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'rules_unsafe_order' AND column_name = 'rating'"),
      ).toEqual([{ n: 0 }]);
      expect(await project.scratchDatabases()).toEqual([]);

      // Without rows (an empty copy), the same migration applies: only the static finding is left.
      const empty = await project.freshDb();
      const clean = await project.check([], { db: empty, apps: 'rules_unsafe' }, configOf(label));
      expect(codes(ownFindings(findingsOf(clean), 'rules_unsafe'))).not.toContain('apply-fails');
    });
  }

  it('Django 5.2: the human report says what each statement did, under its migration', async () => {
    const db = await project.freshDb();
    const run = await project.cli(['migrate', '--check'], { db, apps: 'rules_unsafe' });
    expect(run.exitCode, describeRun(run)).toBe(1);
    const lines = run.stdout.split('\n');
    const at = lines.indexOf('  0007_order_quantity_bigint');
    expect(at).toBeGreaterThan(0);
    const block = lines.slice(
      at + 1,
      lines.findIndex((l, i) => i > at && /^ {2}\S/.test(l)),
    );
    expect(block).toContainEqual(
      expect.stringMatching(
        /^ {4}watched line 10: rewrites rules_unsafe_order under ACCESS EXCLUSIVE {2}ALTER TABLE "rules_unsafe_order" ALTER COLUMN "quantity" TYPE bigint/,
      ),
    );
    expect(run.stdout).toMatch(/^ {4}watched line 11: locks rules_unsafe_customer \(SHARE ROW EXCLUSIVE\)/m);
  });
});
