import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeTestRun } from '../../src/commands/test/outcome.js';
import { MAX_FINDINGS, planQueries, QueryTally, readFinding } from '../../src/commands/test/n-plus-one.js';
import type { RunnerFinding } from '../../src/backend/test-protocol.js';
import { parseConfig } from '../../src/config/load.js';
import type { Project } from '../../src/config/project.js';
import { TldrError } from '../../src/errors.js';
import { renderJUnit } from '../../src/output/junit.js';
import { formatQueryFindings, queriesSystemOut, queryFindingMessage, type QueryFinding } from '../../src/output/query-report.js';
import { tempDir } from '../helpers/fixtures.js';

const parse = (yaml: string) => parseConfig(`version: 1\n${yaml}`, { file: 'tldr.config.yaml', env: {} });
const problem = (yaml: string) => {
  try {
    parse(yaml);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a config error');
};

describe('tests.n_plus_one config', () => {
  it('defaults: on, threshold 5, warnings only, nothing ignored', () => {
    expect(parse('').tests.n_plus_one).toEqual({ enabled: true, threshold: 5, fail: false, ignore: [] });
  });

  it('an entry needs a reason and exactly one of test or site; each problem names its line and column', () => {
    expect(problem('tests: { n_plus_one: { ignore: [{ site: a.py:3 }] } }')).toMatch(/tests\.n_plus_one\.ignore\[0\]\.reason: .*\(tldr\.config\.yaml:2:\d+\)/);
    expect(problem('tests: { n_plus_one: { ignore: [{ reason: x }] } }')).toContain('give exactly one of test or site');
    expect(problem('tests: { n_plus_one: { ignore: [{ test: a.tests, site: a.py, reason: x }] } }')).toContain('give exactly one of test or site');
    expect(problem('tests: { n_plus_one: { ignore: [{ site: "a.py:0", reason: x }] } }')).toContain('expected FILE:LINE or FILE');
    expect(problem('tests: { n_plus_one: { ignore: [{ test: "a tests", reason: x }] } }')).toContain('expected a test id');
    expect(problem('tests: { n_plus_one: { threshold: 1 } }')).toContain('expected a whole number of at least 2');
    expect(problem('tests: { n_plus_one: { treshold: 3 } }')).toContain('treshold');
  });
});

function projectIn(root: string, yaml = ''): Project {
  const config = parse(`backend: { dir: backend }\n${yaml}`);
  return { config, file: join(root, 'tldr.config.yaml'), root, name: 'p', stateDir: join(root, '.tldr'), backendDir: join(root, 'backend'), env: {} };
}

const runnerFinding = (extra: Partial<RunnerFinding> = {}): RunnerFinding => ({
  type: 'finding',
  code: 'n-plus-one',
  severity: 'warning',
  test: 'shop.tests.OrderTests.test_list',
  file: 'shop/views.py',
  line: 12,
  count: 6,
  shape: 'SELECT "shop_customer"."id" FROM "shop_customer" WHERE "shop_customer"."id" = ? LIMIT ?',
  hint: 'the loop loads one Customer per row: add .select_related("customer")',
  fix: 'select_related',
  relation: 'Order.customer',
  ...extra,
});

describe('planQueries and readFinding', () => {
  it('site entries are relative to the config folder and reach the runner absolute; findings come back relative to the config folder', () => {
    using dir = tempDir();
    dir.write('backend/shop/views.py', '');
    const project = projectIn(
      dir.path,
      'tests: { n_plus_one: { threshold: 3, ignore: [{ site: "backend/shop/views.py:12", reason: bounded }, { test: shop.tests, reason: legacy }] } }',
    );
    const plan = planQueries(project, undefined);
    expect(plan.strict).toBe(false);
    expect(JSON.parse(plan.runnerConfig)).toEqual({
      enabled: true,
      threshold: 3,
      ignore: [
        { site: `${join(dir.path, 'backend/shop/views.py')}:12`, reason: 'bounded' },
        { test: 'shop.tests', reason: 'legacy' },
      ],
    });
    const reported = readFinding(runnerFinding(), project, plan);
    expect(reported).toEqual({
      finding: expect.objectContaining({
        code: 'n-plus-one',
        severity: 'warning',
        app: 'shop',
        migration: null,
        file: 'backend/shop/views.py',
        line: 12,
        count: 6,
      }),
    });
    const bySite = readFinding(runnerFinding({ ignored: { site: `${join(dir.path, 'backend/shop/views.py')}:12`, reason: 'bounded' } }), project, plan);
    expect(bySite).toEqual({
      ignored: {
        test: 'shop.tests.OrderTests.test_list',
        file: 'backend/shop/views.py',
        line: 12,
        count: 6,
        by: { site: 'backend/shop/views.py:12' },
        reason: 'bounded',
      },
    });
    const byTest = readFinding(runnerFinding({ ignored: { test: 'shop.tests', reason: 'legacy' } }), project, plan);
    expect(byTest).toMatchObject({ ignored: { by: { test: 'shop.tests' }, reason: 'legacy' } });
    expect(planQueries(projectIn(dir.path, 'tests: { n_plus_one: { fail: true } }'), undefined).strict).toBe(true);
    expect(planQueries(projectIn(dir.path, 'tests: { n_plus_one: { fail: true } }'), false).strict).toBe(false);
  });

  it('a site naming no file is exit 2 naming the entry, and says the path to write when it was relative to backend.dir', () => {
    using dir = tempDir();
    dir.write('backend/shop/views.py', '');
    const attempt = (site: string) => {
      try {
        planQueries(projectIn(dir.path, `tests: { n_plus_one: { ignore: [{ test: x, reason: r }, { site: "${site}", reason: r }] } }`), undefined);
      } catch (error) {
        return error as TldrError;
      }
      throw new Error('expected an error');
    };
    const relativeToBackend = attempt('shop/views.py:12');
    expect(relativeToBackend.exitCode).toBe(2);
    expect(relativeToBackend.message).toContain('tests.n_plus_one.ignore[1].site: no file shop/views.py');
    expect(relativeToBackend.hint).toContain('write backend/shop/views.py:12');
    expect(attempt('gone.py').hint).toContain('remove the entry if the file is gone');
  });
});

describe('QueryTally', () => {
  it('keeps the first 20 findings for the result and counts the rest; per-test details only for JUnit', () => {
    using dir = tempDir();
    const project = projectIn(dir.path);
    const plan = planQueries(project, true);
    const run = (forJUnit: boolean) => {
      const tally = new QueryTally(project, plan, { forJUnit });
      for (let i = 0; i < 25; i++) {
        const test = `shop.tests.T.test_${i}`;
        expect(
          tally.test({
            type: 'test',
            id: test,
            outcome: 'passed',
            durationMs: 1,
            queries: 7,
            setupQueries: 1,
            topQueries: [{ shape: 'SELECT 1', count: 6, file: 'shop/views.py', line: 12 }],
          }),
        ).toEqual({
          queries: 7,
          setupQueries: 1,
          topQueries: [{ shape: 'SELECT 1', count: 6, file: 'backend/shop/views.py', line: 12 }],
        });
        expect(tally.finding(runnerFinding({ test }))).toMatchObject({ test, file: 'backend/shop/views.py' });
      }
      return tally;
    };
    const tally = run(false);
    expect(tally.reported).toBe(25);
    const data = tally.data({ queries: 175, setupQueries: 40 });
    expect(data).toMatchObject({ queries: 175, setupQueries: 40, findingsOmitted: 25 - MAX_FINDINGS, ignored: [], strict: true });
    expect(data.findings).toHaveLength(MAX_FINDINGS);
    const records = [{ id: 'shop.tests.T.test_3', outcome: 'passed' as const, durationMs: 1 }];
    expect(tally.junitRecords(records)).toEqual(records);
    expect(run(true).junitRecords(records)[0]?.systemOut).toMatch(
      /^queries: 7 \(\+1 in setUp\/tearDown\)\n.*\nn-plus-one \(warning\) backend\/shop\/views.py:12: 6×/,
    );
    expect(new QueryTally(project, plan, { forJUnit: true }).data(undefined)).not.toHaveProperty('queries');
  });
});

describe('judgeTestRun with findings', () => {
  const records = [{ id: 'a.tests.T.test_x', outcome: 'passed' as const, durationMs: 5 }];
  const end = { type: 'end' as const, passed: 1, failed: 0, errors: 0, skipped: 0, durationMs: 5, stopped: false };
  const child = { exitCode: 0, durationMs: 900 };
  const judge = (findings: { reported: number; ignored: number; strict: boolean }) =>
    judgeTestRun({ records, end, child, aborted: false, logPath: '/l', findings });

  it('findings are warnings: exit 0 unless strict, and the summary counts them', () => {
    expect(judge({ reported: 2, ignored: 1, strict: false })).toMatchObject({
      exitCode: 0,
      summary: '1 test(s): 1 passed in 900 ms; 2 n-plus-one findings (1 ignored)',
    });
    expect(judge({ reported: 1, ignored: 0, strict: true })).toMatchObject({
      exitCode: 1,
      summary: '1 test(s): 1 passed in 900 ms; 1 n-plus-one finding — fail under --strict',
    });
    expect(judge({ reported: 0, ignored: 3, strict: true })).toMatchObject({
      exitCode: 0,
      summary: '1 test(s): 1 passed in 900 ms; 0 n-plus-one findings (3 ignored)',
    });
    expect(judge({ reported: 0, ignored: 0, strict: true }).summary).toBe('1 test(s): 1 passed in 900 ms');
  });
});

const finding: QueryFinding = {
  code: 'n-plus-one',
  severity: 'warning',
  app: 'shop',
  migration: null,
  file: 'backend/shop/views.py',
  line: 12,
  message: '',
  hint: 'add .select_related("customer")',
  test: 'shop.tests.OrderTests.test_list',
  count: 6,
  shape: 'SELECT "a" FROM "b" WHERE "c" < ?',
  relation: 'Order.customer',
  fix: 'select_related',
};
const ignored = {
  test: 'shop.tests.OrderTests.test_list',
  file: 'backend/shop/report.py',
  line: 3,
  count: 9,
  by: { site: 'backend/shop/report.py' },
  reason: 'one page',
};

describe('query report text', () => {
  it('the message names the test, the count and the query; a long shape is cut', () => {
    expect(queryFindingMessage(finding)).toBe('shop.tests.OrderTests.test_list: the same query ran 6× from this line: SELECT "a" FROM "b" WHERE "c" < ?');
    expect(queryFindingMessage({ ...finding, shape: 'x'.repeat(300) })).toMatch(/line: x{99}…$/);
  });

  it('the closing list: findings, "and N more", ignored ones with their reason; nothing when there is nothing', () => {
    const palette = false as const;
    expect(formatQueryFindings([finding], [ignored], palette, { strict: true, omitted: 4 })).toBe(
      [
        '',
        'N+1 queries (fail under --strict)',
        '  warn backend/shop/views.py:12  6× in shop.tests.OrderTests.test_list  → select_related (Order.customer)',
        '  … and 4 more (see the finding events)',
        '  ignored backend/shop/report.py:3  9× in shop.tests.OrderTests.test_list (site backend/shop/report.py: one page)',
        '',
      ].join('\n'),
    );
    expect(formatQueryFindings([], [], palette, { strict: false })).toBe('');
  });

  it('JUnit system-out: counts, top shapes, findings; escaped; a passed test gets a body only when there is something to say', () => {
    const out = queriesSystemOut(
      { queries: 8, setupQueries: 2, topQueries: [{ shape: finding.shape, count: 6, file: finding.file, line: 12 }] },
      [finding],
      [ignored],
    );
    expect(out).toBe(
      [
        'queries: 8 (+2 in setUp/tearDown)',
        '     6× backend/shop/views.py:12  SELECT "a" FROM "b" WHERE "c" < ?',
        'n-plus-one (warning) backend/shop/views.py:12: 6× SELECT "a" FROM "b" WHERE "c" < ?',
        '  fix: add .select_related("customer")',
        'n-plus-one ignored backend/shop/report.py:3: 9× (site: one page)',
      ].join('\n'),
    );
    expect(queriesSystemOut({}, [], [])).toBe('');
    expect(queriesSystemOut({ queries: 900, findingsOmitted: 2, queriesUngrouped: 40 }, [finding], [])).toMatch(
      /\n… and 2 more n-plus-one findings\n40 queries not grouped \(too many distinct shapes and sites\)$/,
    );
    const xml = renderJUnit([
      { id: 'shop.tests.OrderTests.test_list', outcome: 'passed', durationMs: 1, systemOut: out },
      { id: 'shop.tests.OrderTests.test_other', outcome: 'passed', durationMs: 1 },
      { id: 'shop.tests.OrderTests.test_fails', outcome: 'failed', durationMs: 1, message: 'AssertionError: no', systemOut: 'queries: 1' },
    ]);
    expect(xml).toContain('<testcase classname="shop.tests.OrderTests" name="test_list" time="0.001">\n      <system-out>queries: 8');
    expect(xml).toContain('WHERE "c" &lt; ?');
    expect(xml).toContain('<testcase classname="shop.tests.OrderTests" name="test_other" time="0.001"/>');
    expect(xml).toContain('</failure>\n      <system-out>queries: 1</system-out>\n    </testcase>');
  });
});
