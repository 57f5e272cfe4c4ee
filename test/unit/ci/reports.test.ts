import { describe, expect, it } from 'vitest';
import { ciAnnotations, failureLocation, type FindingRecord } from '../../../src/output/ci-report.js';
import { cell, screenSummary, stepSummary, type CiFacts } from '../../../src/output/ci-summary.js';
import { renderJUnit } from '../../../src/output/junit.js';
import type { TestRecord } from '../../../src/output/test-report.js';
import { ciRunId } from '../../../src/commands/ci/run-id.js';
import { mergeDurations, parseDurations } from '../../../src/commands/test/durations.js';
import { CiLabel, ciRunLabels, leftoverReason } from '../../../src/services/ci-run.js';

const root = '/repo';
const traceback = [
  'AssertionError: 1 != 2',
  'Traceback (most recent call last):',
  '  File "/repo/backend/.venv/lib/python3.11/site-packages/django/test/utils.py", line 40, in inner',
  '  File "/repo/backend/app/tests.py", line 12, in test_x',
  '    self.assertEqual(1, 2)',
  '  File "/usr/lib/python3.11/unittest/case.py", line 873, in assertEqual',
].join('\n');

const finding = (over: Partial<FindingRecord> = {}): FindingRecord => ({
  code: 'drop-column',
  severity: 'error',
  app: 'app',
  migration: '0002_remove_x',
  file: 'backend/app/migrations/0002_remove_x.py',
  line: 9,
  message: 'RemoveField drops column x',
  hint: 'deploy the code first',
  ...over,
});
const tests: TestRecord[] = [
  { id: 'app.tests.T.test_ok', outcome: 'passed', durationMs: 12 },
  { id: 'app.tests.T.test_x', outcome: 'failed', durationMs: 30, message: traceback },
];

describe('failureLocation', () => {
  it('is the innermost frame in the project, outside venvs and the standard library', () => {
    expect(failureLocation(traceback, root)).toEqual({ file: 'backend/app/tests.py', line: 12 });
    expect(failureLocation('no traceback', root)).toBeUndefined();
  });
});

describe('ciAnnotations', () => {
  it('annotates any finding generically (an n-plus-one from the tests too) and failed tests at their frame', () => {
    const nplusone = finding({
      code: 'n-plus-one',
      severity: 'warning',
      app: null,
      migration: null,
      file: 'backend/app/views.py',
      line: 40,
      test: 'app.tests.T.test_list',
    });
    const all = ciAnnotations([finding(), nplusone], tests, root);
    expect(all).toEqual([
      {
        level: 'error',
        file: 'backend/app/migrations/0002_remove_x.py',
        line: 9,
        title: 'drop-column in app.0002_remove_x',
        message: 'RemoveField drops column x\nfix: deploy the code first',
      },
      { level: 'warning', file: 'backend/app/views.py', line: 40, title: 'n-plus-one in app.tests.T.test_list', message: expect.any(String) },
      { level: 'error', file: 'backend/app/tests.py', line: 12, title: 'FAIL app.tests.T.test_x', message: expect.stringContaining('AssertionError') },
    ]);
  });
});

describe('renderJUnit with findings', () => {
  it('adds each finding as a test case (classname = app, name = code migration), errors as failures', () => {
    const xml = renderJUnit(tests, { findings: [finding(), finding({ severity: 'warning', code: 'add-index-blocking', migration: '0003_idx' })], root });
    expect(xml).toContain('<testsuites name="tldr test" tests="4" failures="2" errors="0"');
    expect(xml).toContain('<testcase classname="app" name="drop-column 0002_remove_x" time="0.000" file="backend/app/migrations/0002_remove_x.py" line="9">');
    expect(xml).toContain('<failure message="RemoveField drops column x" type="drop-column">');
    expect(xml).toContain('<system-out>warning: ');
    expect(xml).toContain('name="test_x" time="0.030" file="backend/app/tests.py" line="12">');
    const nplusone = renderJUnit([], {
      findings: [
        finding({ code: 'n-plus-one', severity: 'warning', app: null, migration: null, file: 'backend/app/views.py', line: 40, test: 'app.tests.T.test_list' }),
      ],
    });
    expect(nplusone).toContain(
      '<testcase classname="app.tests.T" name="n-plus-one backend/app/views.py:40" time="0.000" file="backend/app/views.py" line="40">',
    );
  });
});

const facts = (over: Partial<CiFacts> = {}): CiFacts => ({
  exitCode: 1,
  instance: 'p-ci-1',
  durationMs: 4200,
  steps: [{ title: 'Django tests', status: 'failed', durationMs: 2000, message: '2 test(s)' }],
  findings: [finding()],
  tests,
  root,
  logs: ['/tmp/test.log'],
  ...over,
});

describe('summaries', () => {
  it('escapes table cells', () => {
    expect(cell('a|b\n<c>')).toBe('a\\|b &lt;c&gt;');
  });

  it('lists every finding and failed test with file:line in the step summary', () => {
    const md = stepSummary(facts());
    expect(md).toContain('## tldr ci: failed (exit 1)');
    expect(md).toContain('`backend/app/migrations/0002_remove_x.py:9`');
    expect(md).toContain('FAIL `app.tests.T.test_x` | `backend/app/tests.py:12`');
  });

  it('stays under the size limit and says how much it left out', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => finding({ migration: `m${i}`, message: 'x'.repeat(100) }));
    const md = stepSummary(facts({ findings: many }), 100_000);
    expect(Buffer.byteLength(md)).toBeLessThan(101_000);
    expect(md).toMatch(/… and \d+ more row\(s\) not shown/);
  });

  it('fits one screen', () => {
    const many = Array.from({ length: 50 }, (_, i) => finding({ migration: `m${i}` }));
    const text = screenSummary(facts({ findings: many }));
    expect(text.split('\n').length).toBeLessThan(20);
    expect(text).toContain('… and 43 more');
    expect(text).toContain('logs:     /tmp/test.log');
  });
});

describe('run ids, labels, durations', () => {
  it('takes the CI system id and adds a random part', () => {
    expect(ciRunId({ GITHUB_RUN_ID: '123', GITHUB_RUN_ATTEMPT: '2' }, () => 'ab')).toBe('gh123-2-ab');
    expect(ciRunId({ CI_JOB_ID: '77' }, () => 'cd')).toBe('gl77-cd');
    expect(ciRunId({}, () => 'ef')).toBe('efef');
  });

  it('judges leftovers by owner and deadline labels', () => {
    const labels = ciRunLabels({ project: 'p', runId: 'r1', owner: 'host-a/42-999', expires: new Date('2030-01-01T00:00:00Z') });
    expect(labels[CiLabel.project]).toBe('p');
    const now = new Date('2029-01-01T00:00:00Z');
    expect(leftoverReason(labels, { host: 'host-a', now, alive: () => true })).toBeUndefined();
    expect(leftoverReason(labels, { host: 'host-a', now, alive: () => false })).toMatch(/is gone/);
    expect(leftoverReason(labels, { host: 'host-b', now, alive: () => false })).toBeUndefined();
    expect(leftoverReason(labels, { host: 'host-b', now: new Date('2031-01-01T00:00:00Z'), alive: () => true })).toMatch(/deadline/);
    expect(leftoverReason({ 'dev.tldr.project': 'p' }, { host: 'host-a', now, alive: () => false })).toBeUndefined();
  });

  it('merges durations: measured tests update, skipped ones keep their time, bad entries drop', () => {
    const earlier = parseDurations({ 'a.t': 1, 'b.t': 2, 'c.t': 'x', 'd.t': -1 });
    expect(earlier).toEqual({ 'a.t': 1, 'b.t': 2 });
    expect(
      mergeDurations(earlier, [
        { id: 'b.t', outcome: 'skipped', durationMs: 0 },
        { id: 'a.t', outcome: 'passed', durationMs: 1500 },
        { id: 'z.t', outcome: 'failed', durationMs: 250 },
      ]),
    ).toEqual({ 'a.t': 1.5, 'b.t': 2, 'z.t': 0.25 });
  });
});
