import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEvent } from '../../src/output/events.js';
import { backendProject, systemPython, type BackendProject } from '../helpers/backend.js';
import { uniqueName } from '../helpers/fixtures.js';
import { isCI } from '../../src/commands/test/test.js';

// One project (example/backend + the fixture apps, docker services on free ports) for the file.
let project: BackendProject;

beforeAll(async () => {
  project = await backendProject({ extraYaml: 'pipelines:\n  backend: [migrate, manage, test]\n' });
});

afterAll(async () => {
  await project?.[Symbol.asyncDispose]();
});

const sampleIds = {
  'sample_tests.tests.NoteModelTests.test_create_note': 'passed',
  'sample_tests.tests.NoteModelTests.test_default_title': 'passed',
  'sample_tests.tests.OutcomeTests.test_deliberate_failure': 'failed',
  'sample_tests.tests.OutcomeTests.test_expected_failure': 'passed',
  'sample_tests.tests.OutcomeTests.test_raises_runtime_error': 'error',
  'sample_tests.tests.OutcomeTests.test_skipped': 'skipped',
};

const testEvents = (events: { type: string }[]) => events.filter((e): e is TestEvent => e.type === 'test');
const outcomes = (events: TestEvent[]) => Object.fromEntries(events.map((e) => [e.id, e.outcome]));

/** Parses the JUnit file with Python's XML parser and returns what a CI reporter would read. */
async function readJUnit(file: string) {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = []
for case in root.iter("testcase"):
    kids = [k for k in case]
    cases.append({"id": case.get("classname") + "." + case.get("name"), "kinds": [k.tag for k in kids], "message": kids[0].get("message") if kids else None})
print(json.dumps({"root": root.tag, "tests": root.get("tests"), "failures": root.get("failures"), "errors": root.get("errors"), "skipped": root.get("skipped"), "cases": cases}))`;
  const { stdout } = await execa(systemPython, ['-c', script, file]);
  return JSON.parse(stdout);
}

describe('tldr test (real Postgres, Django 5.2)', () => {
  it('a fixture with one failing test: exit 1, one `test` event per test, ids and messages, a JUnit file that parses', async () => {
    const junit = join(project.dir.path, 'reports/junit.xml');
    const run = await project.cli(['--json', 'test', 'sample_tests', '--junit', 'reports/junit.xml']);
    // With --json an error is in the result on stdout, not on stderr: both, so a failure says which.
    expect(run.exitCode, `${run.stderr}\n${JSON.stringify(run.result)}`).toBe(1);
    const tests = testEvents(run.events);
    expect(outcomes(tests)).toEqual(sampleIds);
    expect(tests).toHaveLength(6);
    expect(tests.find((t) => t.id.endsWith('test_deliberate_failure'))?.message).toMatch(/^AssertionError: 1 != 2 : deliberate failure/);
    expect(tests.find((t) => t.id.endsWith('test_raises_runtime_error'))?.message).toMatch(/^RuntimeError: boom/);
    expect(tests.find((t) => t.id.endsWith('test_skipped'))?.message).toBe('not today');
    // events arrive before the result, which carries the counts
    expect(run.events.at(-1)?.type).toBe('result');
    expect(run.result).toMatchObject({ ok: false, exitCode: 1, summary: expect.stringMatching(/^6 test\(s\): 3 passed, 1 failed, 1 error, 1 skipped in /) });
    expect(run.result?.data).toMatchObject({
      counts: { total: 6, passed: 3, failed: 1, errors: 1, skipped: 1 },
      keepdb: !isCI(process.env),
      labels: ['sample_tests'],
      junit,
      stopped: false,
    });
    expect(JSON.stringify(run.result).length).toBeLessThan(8_000);

    const report = await readJUnit(junit);
    expect(report).toMatchObject({ root: 'testsuites', tests: '6', failures: '1', errors: '1', skipped: '1' });
    const failure = report.cases.find((c: { id: string }) => c.id === 'sample_tests.tests.OutcomeTests.test_deliberate_failure');
    expect(failure).toEqual({
      id: 'sample_tests.tests.OutcomeTests.test_deliberate_failure',
      kinds: ['failure', 'system-out'], // system-out: its queries (test-nplusone.test.ts)
      message: 'AssertionError: 1 != 2 : deliberate failure',
    });
    expect(report.cases.find((c: { id: string }) => c.id.endsWith('test_raises_runtime_error')).kinds).toEqual(['error', 'system-out']);
  });

  it("people get the failures as they happen and a closing summary; Django's output is in the log file", async () => {
    const run = await project.cli(['test', 'sample_tests']);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('FAIL sample_tests.tests.OutcomeTests.test_deliberate_failure');
    expect(run.stdout).toMatch(
      /Failures\n {2}FAIL sample_tests\.tests\.OutcomeTests\.test_deliberate_failure\n {7}AssertionError: 1 != 2 : deliberate failure/,
    );
    expect(run.stdout).toContain('  ERR  sample_tests.tests.OutcomeTests.test_raises_runtime_error\n       RuntimeError: boom');
    expect(run.stdout).toContain('Slowest');
    expect(run.stderr).toMatch(/✖ 6 test\(s\): 3 passed, 1 failed, 1 error, 1 skipped in /);
    const log = readFileSync(join(project.dir.path, '.tldr/logs/test.log'), 'utf8');
    expect(log).toContain('Ran 6 tests');
    expect(log).not.toContain('s3cret-pass');
  });

  it('green labels exit 0; --shard runs its half of the ids', async () => {
    const green = await project.cli(['--json', 'test', 'sample_tests.tests.NoteModelTests']);
    expect(green.exitCode, green.stderr).toBe(0);
    expect(testEvents(green.events).map((t) => t.outcome)).toEqual(['passed', 'passed']);
    const shard = await project.cli(['--json', 'test', 'sample_tests', '--shard', '2/2']);
    expect(shard.exitCode).toBe(0);
    expect(
      testEvents(shard.events)
        .map((t) => t.id)
        .sort(),
    ).toEqual([
      'sample_tests.tests.NoteModelTests.test_default_title',
      'sample_tests.tests.OutcomeTests.test_expected_failure',
      'sample_tests.tests.OutcomeTests.test_skipped',
    ]);
    expect((await project.cli(['test', '--shard', '3/2'])).exitCode).toBe(2);
  });

  it('--failfast stops at the first failure; --parallel 2 reports the same ids', async () => {
    const fast = await project.cli(['--json', 'test', 'sample_tests', '--failfast']);
    expect(fast.exitCode).toBe(1);
    expect(testEvents(fast.events).map((t) => t.outcome)).toEqual(['passed', 'passed', 'failed']);
    expect(fast.result?.data).toMatchObject({ stopped: true });
    const parallel = await project.cli(['--json', 'test', 'sample_tests', '--parallel', '2']);
    expect(parallel.exitCode).toBe(1);
    expect(outcomes(testEvents(parallel.events))).toEqual(sampleIds);
  });

  it('a label containing `; touch` is one argv element: an import error, no file', async () => {
    const marker = `/tmp/${uniqueName('tldr-injected')}`;
    const run = await project.cli(['--json', 'test', `x; touch ${marker}`]);
    expect(run.exitCode).toBe(1);
    expect(testEvents(run.events)).toEqual([expect.objectContaining({ id: `x; touch ${marker}`, outcome: 'error' })]);
    expect(existsSync(marker)).toBe(false);
  });

  it('CI=true turns keepdb off', async () => {
    const run = await project.cli(['--json', 'test', 'sample_tests.tests.NoteModelTests'], { env: { CI: 'true' } });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.result?.data).toMatchObject({ keepdb: false });
  });

  it('built-in steps migrate, manage and test run in a `tldr run` pipeline', async () => {
    // No labels: Django discovers the example backend's own tests (all green), not the fixtures.
    const run = await project.cli(['--json', 'run', 'backend']);
    expect(run.exitCode, run.stderr).toBe(0);
    const ends = run.events.filter((e) => e.type === 'step.end').map((e) => [e.step, e.status]);
    expect(ends).toEqual([
      ['migrate', 'ok'],
      ['manage', 'ok'],
      ['test', 'ok'],
    ]);
    expect(testEvents(run.events).map((t) => t.outcome)).toEqual(Array(9).fill('passed'));
  });
});

describe('tldr test and migrate on Django 3.2 (Debian python3)', () => {
  it('the same events, serial and parallel', async () => {
    const config = project.configWithPython(systemPython);
    const migrate = await project.cli(['--config', config, 'migrate']);
    expect(migrate.exitCode, migrate.stderr).toBe(0);
    for (const extra of [[], ['--parallel', 'auto']]) {
      const run = await project.cli(['--json', '--config', config, 'test', 'sample_tests', '--no-keepdb', ...extra]);
      expect(run.exitCode, run.stderr).toBe(1);
      expect(outcomes(testEvents(run.events))).toEqual(sampleIds);
      expect(run.result?.data).toMatchObject({ django: expect.stringMatching(/^3\.2\./), keepdb: false });
    }
  });
});
