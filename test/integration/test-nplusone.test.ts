import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingEvent, TestEvent, TldrEvent } from '../../src/output/events.js';
import type { TestData } from '../../src/commands/test/definition.js';
import { backendProject, systemPython, type BackendProject } from '../helpers/backend.js';
import { repoRoot, type CliResult } from '../helpers/cli.js';

// `tldr test` on the nplusone_cases fixture app (test/fixtures/testapps/nplusone_cases, whose
// expected.json says what each test must report), through the CLI as an agent runs it: one
// project and one pair of services for the file; Django 5.2 (the example venv) and 3.2 (Debian).

const app = join(repoRoot, 'test/fixtures/testapps/nplusone_cases');
const expected = JSON.parse(readFileSync(join(app, 'expected.json'), 'utf8')) as Expected;

interface Site {
  file: string;
  marker: string;
}
interface Expected {
  total: number;
  ignore: Array<{ site: Site; reason: string } | { test: string; reason: string }>;
  findings: Record<string, Site & { count: number; fix: string; relation: string }>;
  ignored: Record<string, Site & { count: number; by: 'site' | 'test' }>;
  silent: string[];
  knownCount: { test: string; capturedTo: string };
  setupLoop: { test: string; queries: number; setupQueriesAtLeast: number };
}

/** The line of `file` (in the fixture app) that ends with `# site: <marker>`. */
function markedLine({ file, marker }: Site): number {
  const lines = readFileSync(join(app, file), 'utf8').split('\n');
  const at = lines.findIndex((line) => line.trimEnd().endsWith(`# site: ${marker}`));
  if (at < 0) throw new Error(`no line marked ${marker} in ${file}`);
  return at + 1;
}

let project: BackendProject;
/** A site as findings name it: relative to the config folder. */
let where: (site: Site) => { file: string; line: number };
let capturedFile: string;

beforeAll(async () => {
  // The config folder is a temp folder, not backend.dir: findings' paths are relative to it.
  project = await backendProject({
    extraApps: ['nplusone_cases'],
    extraYaml: [
      'tests:',
      '  n_plus_one:',
      '    ignore:',
      ...expected.ignore.map((entry) =>
        'site' in entry
          ? `      - { site: ${JSON.stringify(`${join(app, entry.site.file)}:${markedLine(entry.site)}`)}, reason: ${JSON.stringify(entry.reason)} }`
          : `      - { test: ${entry.test}, reason: ${JSON.stringify(entry.reason)} }`,
      ),
    ].join('\n'),
  });
  where = (site) => ({ file: relative(project.dir.path, join(app, site.file)), line: markedLine(site) });
  capturedFile = join(project.dir.path, 'captured.ndjson');
});

afterAll(async () => {
  await project?.[Symbol.asyncDispose]();
});

const tests = (events: TldrEvent[]) => events.filter((e): e is TestEvent => e.type === 'test');
const findings = (events: TldrEvent[]) => events.filter((e): e is FindingEvent => e.type === 'finding');

/** Every expected finding, keyed by test id, as the finding events must carry it. */
function expectedFindings() {
  return Object.fromEntries(
    Object.entries(expected.findings).map(([test, f]) => [
      test,
      { code: 'n-plus-one', severity: 'warning', test, ...where(f), count: f.count, fix: f.fix, relation: f.relation },
    ]),
  );
}

/** The findings of a run: events (one per expected test, none for silent or ignored ones) and the result's data. */
function checkFindings(run: CliResult) {
  const reported = findings(run.events);
  const byTest = Object.fromEntries(reported.map((f) => [f.test, f]));
  expect(reported).toHaveLength(Object.keys(expected.findings).length);
  for (const [test, f] of Object.entries(expectedFindings())) {
    expect(byTest[test], test).toMatchObject(f);
    expect(byTest[test]?.hint, test).toContain(f.fix);
    expect(byTest[test]?.message).toContain(`${f.count}×`);
  }
  for (const test of [...expected.silent, ...Object.keys(expected.ignored)]) expect(byTest[test], test).toBeUndefined();
  // Each finding follows its own test's event.
  for (const f of reported) {
    const at = run.events.indexOf(f);
    expect(run.events.slice(0, at).some((e) => e.type === 'test' && e.id === f.test)).toBe(true);
  }
  const data = run.result?.data as TestData;
  expect(data.findings.map((f) => f.test).sort()).toEqual(Object.keys(expected.findings).sort());
  expect(data.findingsOmitted).toBe(0);
  const entry = (by: 'site' | 'test', test: string) => {
    const written = expected.ignore.find((e) => (by === 'test' ? 'test' in e && e.test === test : 'site' in e))!;
    return 'site' in written ? { site: `${join(app, written.site.file)}:${markedLine(written.site)}` } : { test: written.test };
  };
  expect(data.ignored).toEqual(
    expect.arrayContaining(
      Object.entries(expected.ignored).map(([test, i]) => ({
        test,
        ...where(i),
        count: i.count,
        by: entry(i.by, test),
        reason: expect.any(String),
      })),
    ),
  );
  expect(data.ignored).toHaveLength(Object.keys(expected.ignored).length);
}

describe('tldr test finds N+1 queries (Django 5.2)', () => {
  it('serial, --json --verbose --junit: counts, findings at the loop line, silent and ignored cases, JUnit system-out', async () => {
    const run = await project.cli(['--json', '--verbose', 'test', 'nplusone_cases', '--junit', 'junit.xml'], { env: { NPLUSONE_CAPTURED: capturedFile } });
    expect(run.exitCode, run.stderr).toBe(0); // findings are warnings
    const events = tests(run.events);
    expect(events).toHaveLength(expected.total);
    for (const e of events) expect(e.queries, e.id).toEqual(expect.any(Number));
    checkFindings(run);

    // The count matches what CaptureQueriesContext saw around the same body.
    const captured = readFileSync(capturedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { test: string; queries: number });
    const known = events.find((e) => e.id === expected.knownCount.test)!;
    expect(captured.at(-1)).toEqual({ test: expected.knownCount.test, queries: known.queries });
    // setUp's loop is counted apart and not reported.
    const setup = events.find((e) => e.id === expected.setupLoop.test)!;
    expect(setup.queries).toBe(expected.setupLoop.queries);
    expect(setup.setupQueries).toBeGreaterThanOrEqual(expected.setupLoop.setupQueriesAtLeast);
    // --verbose: the top shapes, the loop's first, at its line.
    const loop = events.find((e) => e.id === 'nplusone_cases.tests.ForeignKeyLoopTests.test_fk_loop')!;
    expect(loop.topQueries?.[0]).toMatchObject({ count: 6, ...where(expected.findings[loop.id]!) });
    const data = run.result?.data as TestData;
    expect(data.queries).toBe(events.reduce((sum, e) => sum + (e.queries ?? 0), 0));
    expect(data.setupQueries).toBeGreaterThan(0);
    expect(data.strict).toBe(false);
    expect(run.result?.summary).toMatch(/; 6 n-plus-one findings \(2 ignored\)$/);
    expect(JSON.stringify(run.result).length).toBeLessThan(8_000);

    const junit = await readJUnitOut(join(project.dir.path, 'junit.xml'));
    const fkLoop = where(expected.findings['nplusone_cases.tests.ForeignKeyLoopTests.test_fk_loop']!);
    expect(junit['nplusone_cases.tests.ForeignKeyLoopTests.test_fk_loop']).toContain(`n-plus-one (warning) ${fkLoop.file}:${fkLoop.line}: 6× SELECT`);
    expect(junit['nplusone_cases.tests.ForeignKeyLoopTests.test_fk_loop']).toMatch(/^queries: \d+/);
    expect(junit['nplusone_cases.tests.NoiseTests.test_ignored_site']).toContain('n-plus-one ignored');
    expect(junit['nplusone_cases.tests.ForeignKeyLoopTests.test_below_threshold']).not.toContain('n-plus-one');
  });

  it('--parallel 2 finds the same; --strict makes a finding fail the run (exit 1)', async () => {
    const run = await project.cli(['--json', 'test', 'nplusone_cases', '--parallel', '2', '--strict']);
    expect(run.exitCode, run.stderr).toBe(1);
    checkFindings(run);
    expect(tests(run.events).every((e) => e.outcome === 'passed' && e.topQueries === undefined)).toBe(true);
    expect(run.result?.summary).toMatch(/15 passed .*; 6 n-plus-one findings \(2 ignored\) — fail under --strict$/);
    expect(run.result?.data).toMatchObject({ strict: true, parallel: 2 });
  });

  it('people see each finding as it comes and a list at the end; --quiet keeps the list', async () => {
    const run = await project.cli(['test', 'nplusone_cases.tests.ForeignKeyLoopTests', 'nplusone_cases.tests.NoiseTests']);
    expect(run.exitCode, run.stderr).toBe(0);
    const fk = where(expected.findings['nplusone_cases.tests.ForeignKeyLoopTests.test_fk_loop']!);
    expect(run.stdout).toContain(`warning n-plus-one  ${fk.file}:${fk.line}`);
    expect(run.stdout).toMatch(
      /N\+1 queries\n {2}warn .+reports\.py:\d+ {2}6× in nplusone_cases\.tests\.ForeignKeyLoopTests\.test_fk_loop {2}→ select_related \(Book\.author\)/,
    );
    expect(run.stdout).toMatch(/ignored .+reports\.py:\d+ {2}6× in nplusone_cases\.tests\.NoiseTests\.test_ignored_site \(site .+: audit report/);
    expect(run.stderr).toMatch(/✔ 8 test\(s\): 8 passed in .+; 2 n-plus-one findings \(2 ignored\)/);
    const quiet = await project.cli(['--quiet', 'test', 'nplusone_cases.tests.ForeignKeyLoopTests']);
    expect(quiet.stdout).toContain('N+1 queries');
    expect(quiet.stdout).not.toContain('Slowest');
  });

  it('tests.n_plus_one: fail: true fails like --strict, enabled: false records nothing; a bad entry is exit 2 before anything runs', async () => {
    const variant = (yaml: string) => {
      const base = readFileSync(join(project.dir.path, 'tldr.config.yaml'), 'utf8').replace(/\ntests:[\s\S]*$/, '');
      return project.dir.write(`variant-${Math.random().toString(36).slice(2, 8)}.yaml`, `${base}\n${yaml}\n`);
    };
    const label = 'nplusone_cases.tests.ForeignKeyLoopTests';
    const failing = await project.cli(['--json', '--config', variant('tests: { n_plus_one: { fail: true } }'), 'test', label]);
    expect(failing.exitCode, failing.stderr).toBe(1);
    expect(findings(failing.events)).toHaveLength(1);
    const lenient = await project.cli(['--json', '--config', variant('tests: { n_plus_one: { fail: true } }'), 'test', label, '--no-strict']);
    expect(lenient.exitCode).toBe(0);
    const raised = await project.cli(['--json', '--config', variant('tests: { n_plus_one: { threshold: 7 } }'), 'test', label]);
    expect(findings(raised.events)).toHaveLength(0);
    const off = await project.cli(['--json', '--config', variant('tests: { n_plus_one: { enabled: false } }'), 'test', label]);
    expect(off.exitCode).toBe(0);
    expect(tests(off.events).map((e) => e.queries)).toEqual([undefined, undefined, undefined, undefined]);
    expect(findings(off.events)).toHaveLength(0);
    expect(off.result?.data).not.toHaveProperty('queries');

    const noReason = variant('tests:\n  n_plus_one:\n    ignore:\n      - { site: "backend/x.py:3" }');
    const bad = await project.cli(['--config', noReason, 'test', label]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/tests\.n_plus_one\.ignore\[0\]\.reason: .*\(variant-\w+\.yaml:\d+:\d+\)/);
    const both = await project.cli([
      '--config',
      variant('tests: { n_plus_one: { ignore: [{ site: a.py, test: a.tests, reason: r }] } }'),
      'config',
      'validate',
    ]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain('give exactly one of test or site');
    // A site that names no file would silence nothing: exit 2 naming the entry, before the tests start.
    const missing = await project.cli([
      '--json',
      '--config',
      variant('tests: { n_plus_one: { ignore: [{ site: "nope/reports.py:7", reason: r }] } }'),
      'test',
      label,
    ]);
    expect(missing.exitCode).toBe(2);
    expect(missing.result?.summary).toContain('tests.n_plus_one.ignore[0].site: no file nope/reports.py');
    expect(tests(missing.events)).toHaveLength(0);
  });
});

describe('tldr test finds N+1 queries (Django 3.2, Debian python3)', () => {
  it('the same findings, serial and --parallel 2', async () => {
    const config = project.configWithPython(systemPython);
    for (const extra of [[], ['--parallel', '2']]) {
      const run = await project.cli(['--json', '--config', config, 'test', 'nplusone_cases', '--no-keepdb', ...extra]);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.result?.data).toMatchObject({ django: expect.stringMatching(/^3\.2\./) });
      expect(tests(run.events)).toHaveLength(expected.total);
      checkFindings(run);
    }
  });
});

/** Each test case's `<system-out>`, read with Python's XML parser (what a CI reporter reads). */
async function readJUnitOut(file: string): Promise<Record<string, string>> {
  const script = `
import json, sys, xml.etree.ElementTree as ET
out = {}
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    node = case.find("system-out")
    out[case.get("classname") + "." + case.get("name")] = node.text if node is not None else ""
print(json.dumps(out))`;
  const { stdout } = await execa(systemPython, ['-c', script, file]);
  return JSON.parse(stdout);
}
