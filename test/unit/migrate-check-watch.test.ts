import { describe, expect, it } from 'vitest';
import type { MigrationObservation, ObservedStatement } from '../../src/checks/document.js';
import { lockTimeoutFailure, lockTimeoutOptions, migrationEnv } from '../../src/checks/lock-timeout.js';
import { describeStatement, summariseObservations } from '../../src/checks/observations.js';
import { formatReport } from '../../src/checks/report.js';
import { parseConfig } from '../../src/config/load.js';
import { durationMs } from '../../src/config/schema.js';
import { ConfigError } from '../../src/errors.js';

const statement = (over: Partial<ObservedStatement> = {}): ObservedStatement => ({
  statement: 'ALTER TABLE "shop_order" ALTER COLUMN "qty" TYPE bigint USING "qty"::bigint',
  table: 'shop_order',
  lock: 'ACCESS EXCLUSIVE',
  rewrite: true,
  line: 10,
  ...over,
});
const observation = (migration: string, statements: ObservedStatement[], more = 0): MigrationObservation => ({ app: 'shop', migration, statements, more });

describe('migrations.lock_timeout', () => {
  it('durations: ms, s, min, h; nothing else', () => {
    expect([durationMs('5s'), durationMs('500ms'), durationMs('1.5min'), durationMs('2m'), durationMs('1h'), durationMs(' 3 s ')]).toEqual([
      5000, 500, 90_000, 120_000, 3_600_000, 3000,
    ]);
    for (const bad of ['5', 's', '0s', '0.1ms', '-1s', '5 seconds', '']) expect(durationMs(bad), bad).toBeUndefined();
  });

  it('the config key takes a duration or null, and names the problem otherwise (exit 2)', () => {
    const parse = (value: string) => parseConfig(`version: 1\nmigrations:\n  lock_timeout: ${value}\n`, { file: 'tldr.config.yaml', env: {} });
    expect(parse('5s').migrations.lock_timeout).toBe('5s');
    expect(parse('null').migrations.lock_timeout).toBeNull();
    expect(parseConfig('version: 1\n', { file: 'tldr.config.yaml', env: {} }).migrations.lock_timeout).toBeNull();
    const error = (() => {
      try {
        parse('5 seconds');
      } catch (e) {
        return e as ConfigError;
      }
    })()!;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/migrations\.lock_timeout: expected a duration such as 5s.*\(tldr\.config\.yaml:3:/);
  });

  it('PGOPTIONS keeps what the user has and adds the timeout last (the last -c wins)', () => {
    expect(lockTimeoutOptions(undefined, '5s')).toBe('-c lock_timeout=5000ms');
    expect(lockTimeoutOptions('  -c statement_timeout=60s ', '250ms')).toBe('-c statement_timeout=60s -c lock_timeout=250ms');
    const env = { PGOPTIONS: '-c search_path=app', DATABASE_URL: 'postgres://x' };
    expect(migrationEnv('1s', env)).toEqual({ PGOPTIONS: '-c search_path=app -c lock_timeout=1000ms', DATABASE_URL: 'postgres://x' });
    expect(migrationEnv(null, env)).toBe(env);
  });

  it("a failure with PostgreSQL's lock timeout error names the setting", () => {
    const tail = ['django.db.utils.OperationalError: canceling statement due to lock timeout'];
    expect(lockTimeoutFailure(tail, '5s')).toMatch(/waited longer than migrations\.lock_timeout \(5s\) for a lock/);
    expect(lockTimeoutFailure(['IntegrityError: duplicate key'], '5s')).toBeUndefined();
    expect(lockTimeoutFailure(tail, null)).toBeUndefined();
    expect(lockTimeoutFailure(undefined, '5s')).toBeUndefined();
  });
});

describe('observations', () => {
  it('say what a statement did', () => {
    expect(describeStatement(statement())).toBe('rewrites shop_order under ACCESS EXCLUSIVE');
    expect(describeStatement(statement({ rewrite: false, lock: 'SHARE' }))).toBe('locks shop_order (SHARE)');
    expect(describeStatement(statement({ index: 'shop_order_pkey' }))).toBe('rebuilds index shop_order_pkey of shop_order under ACCESS EXCLUSIVE');
  });

  it('the result keeps a bounded summary: rewrites first, SQL cut, migrations without entries left out', () => {
    const locks = Array.from({ length: 30 }, (_, i) => statement({ rewrite: false, line: i + 1, table: `t${i}` }));
    const { observations: summary, omitted } = summariseObservations(
      [observation('0001_a', locks, 2), observation('0002_b', []), observation('0003_c', [statement()])],
      20,
      30,
    );
    expect(summary.map((s) => s.migration)).toEqual(['shop.0001_a', 'shop.0003_c']);
    expect(summary[1]!.statements).toHaveLength(1);
    expect(summary[0]!.statements).toHaveLength(19);
    expect(summary[0]!.more).toBe(2 + 11);
    expect(omitted).toBe(13);
    expect(summary[1]!.statements[0]!.statement).toHaveLength(30);
    expect(summary[1]!.statements[0]!.statement.endsWith('…')).toBe(true);
    expect(JSON.stringify(summariseObservations(Array.from({ length: 200 }, (_, i) => observation(`${i}_m`, locks)))).length).toBeLessThan(6000);
  });

  it('the human report shows them under the migration they belong to', () => {
    const finding = {
      code: 'table-rewrite' as const,
      severity: 'error' as const,
      app: 'shop',
      migration: '0007_qty',
      file: 'shop/migrations/0007_qty.py',
      line: 10,
      message: 'AlterField rewrote …',
      hint: 'Avoid the rewrite.',
    };
    const watched = [
      observation('0007_qty', [statement(), ...Array.from({ length: 6 }, () => statement({ rewrite: false }))]),
      observation('0008_other', [statement({ rewrite: false, lock: 'SHARE' })]),
    ];
    const text = formatReport([finding], false, { observations: watched });
    const lines = text.split('\n');
    const at = lines.indexOf('  0007_qty');
    expect(lines[at + 4]).toBe(
      '    watched line 10: rewrites shop_order under ACCESS EXCLUSIVE  ALTER TABLE "shop_order" ALTER COLUMN "qty" TYPE bigint USING "qty"::bigint',
    );
    expect(text).toContain('    watched and 2 more statements (.tldr/logs/migrate-check-observations.json has them)');
    expect(text).not.toContain('0008_other');
    const all = formatReport([finding], false, { observations: watched, allObservations: true });
    expect(all).toContain('  0008_other\n    watched line 10: locks shop_order (SHARE)');
  });
});
