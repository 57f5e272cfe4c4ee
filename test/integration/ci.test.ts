import type Docker from 'dockerode';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEvent } from '../../src/output/events.js';
import { exampleBackend } from '../helpers/backend.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { runCli } from '../helpers/cli.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';
import { FAILING_LINE, ciConfig, ciResources, parseJUnit, processesIn, removeCiResources, startCi, writeCiFixture } from './ci-project.js';

// `tldr ci` against a real Docker Engine, Postgres, Redis and Django 5.2. One fixture copy of
// example/backend (with the ci_fixture app) for the file; every run's services are its own.

let docker: Docker;
let dir: TempDir;
let backend: string;
const name = uniqueName('tldrci');
const serviceName = `${name}-svc`;

beforeAll(async () => {
  docker = await requireDocker();
  dir = tempDir('tldr-ci-');
  backend = writeCiFixture(dir);
  dir.write('tldr.config.yaml', ciConfig({ name, backendDir: backend, apps: 'ci_fixture' }));
  dir.write('example.yaml', ciConfig({ name, backendDir: exampleBackend }));
}, 60_000);

afterAll(async () => {
  await removeCiResources(docker, name);
  await removeProjectResources(docker, serviceName);
  dir?.[Symbol.dispose]();
}, 60_000);

const testIds = (events: { type: string }[]) =>
  events
    .filter((e): e is TestEvent => e.type === 'test')
    .map((e) => e.id)
    .sort();
const dataOf = (result: { data?: unknown } | undefined) => result?.data as Record<string, any>;

describe('tldr ci', () => {
  it('passes on the example backend; two runs at once on one host both pass, on their own services', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => runCli(['--json', '--config', 'example.yaml', 'ci'], { cwd: dir.path, env: { CI: 'true' } })));
    for (const run of [a!, b!]) {
      expect(run.exitCode, run.stderr.slice(-3000)).toBe(0);
      const data = dataOf(run.result);
      expect(data.steps.map((s: { status: string }) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(data.tests.counts).toMatchObject({ failed: 0, errors: 0 });
      expect(data.tests.counts.total).toBeGreaterThan(5);
      expect(data.instance).toMatch(new RegExp(`^${name}-ci-`));
    }
    expect(dataOf(a!.result).instance).not.toBe(dataOf(b!.result).instance);
    expect(await ciResources(docker, name)).toEqual([]);
  }, 180_000);

  it('a SIGKILLed run leaves services behind; the next run removes them and reports a finding and a failing test at once (JUnit, annotations, step summary)', async () => {
    // 1. A run killed by SIGKILL once its services are up: nothing tears them down.
    const killed = startCi([], { cwd: dir.path, env: { CI: 'true' } });
    await killed.waitFor((e) => e.type === 'step.end' && e.step === 'up');
    killed.child.kill('SIGKILL');
    await killed.child;
    const leftovers = await ciResources(docker, name);
    expect(leftovers.length).toBeGreaterThanOrEqual(2);

    // 2. The next run: sweeps them, then keeps going past the finding to the tests.
    const summary = dir.write('summary.md', '');
    const run = await runCli(['--json', 'ci', '--junit', 'reports/junit.xml'], {
      cwd: dir.path,
      env: { CI: 'true', CI_FIXTURE_FAIL: '1', GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_RUN_ID: '4242' },
    });
    expect(run.exitCode, run.stderr.slice(-3000)).toBe(1);
    const data = dataOf(run.result);
    expect(data.swept.map((s: { kind: string; name: string }) => `${s.kind} ${s.name}`).sort()).toEqual(
      leftovers.map((l) => l.replace('container /', 'container ')).sort(),
    );
    expect(data.swept[0].reason).toMatch(/its tldr \(pid \d+\) is gone/);
    expect(data.runId).toMatch(/^gh4242-/);
    expect(data.steps.map((s: { status: string }) => s.status)).toEqual(['ok', 'failed', 'ok', 'failed', 'ok']);
    expect(data.findings.first).toContainEqual(
      expect.objectContaining({ code: 'drop-column', where: 'backend/ci_fixture/migrations/0002_remove_item_legacy.py:7' }),
    );
    expect(data.tests.failures).toEqual([
      { id: 'ci_fixture.tests.ItemTests.test_fails', outcome: 'failed', where: `backend/ci_fixture/tests.py:${FAILING_LINE}` },
    ]);
    expect(data.tests.counts.passed).toBeGreaterThan(8);

    const cases = await parseJUnit(join(dir.path, 'reports/junit.xml'));
    expect(cases).toContainEqual({
      classname: 'ci_fixture',
      name: 'drop-column 0002_remove_item_legacy',
      failed: true,
      file: 'backend/ci_fixture/migrations/0002_remove_item_legacy.py',
      line: '7',
    });
    expect(cases).toContainEqual({
      classname: 'ci_fixture.tests.ItemTests',
      name: 'test_fails',
      failed: true,
      file: 'backend/ci_fixture/tests.py',
      line: String(FAILING_LINE),
    });
    expect(cases.filter((c) => !c.failed).length).toBe(data.tests.counts.passed);

    // --json keeps stdout NDJSON: the workflow commands are on stderr, which the runner reads too.
    expect(run.stderr).toContain(
      '::error file=backend/ci_fixture/migrations/0002_remove_item_legacy.py,line=7,title=drop-column in ci_fixture.0002_remove_item_legacy::',
    );
    expect(run.stderr).toContain(`::error file=backend/ci_fixture/tests.py,line=${FAILING_LINE},title=FAIL ci_fixture.tests.ItemTests.test_fails::`);
    expect(run.stderr).toContain('::group::Django tests');
    expect(run.stderr.match(/::endgroup::/g)?.length).toBe(5);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('## tldr ci: failed (exit 1)');
    expect(md).toContain('`backend/ci_fixture/migrations/0002_remove_item_legacy.py:7`');
    expect(md).toContain(`\`backend/ci_fixture/tests.py:${FAILING_LINE}\``);
    expect(md).not.toContain('ci-pw-4d1e');

    expect(await ciResources(docker, name)).toEqual([]);
    // Run records (what a native instance is swept by): the killed run's swept, this run's removed by its teardown.
    expect(readdirSync(join(dir.path, '.tldr/ci-runs'))).toEqual([]);
  }, 240_000);

  it('a cancelled job (SIGINT, then SIGTERM 1.5 s later, as GitHub cancels) and --timeout mid-run leave no container, volume or process behind', async () => {
    const env = { CI: 'true', CI_FIXTURE_SLEEP: '90' };
    const terminated = startCi([], { cwd: dir.path, env });
    const timedOut = startCi(['--timeout', '20s'], { cwd: dir.path, env });
    await terminated.waitFor((e) => e.type === 'step.start' && e.step === 'test');
    await new Promise((r) => setTimeout(r, 2000));
    terminated.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 1500));
    const hurried = Date.now();
    terminated.child.kill('SIGTERM');
    const t = await terminated.child;
    // The second signal cut the test runner's 20 s grace short: GitHub sends SIGKILL 2.5 s after its SIGTERM.
    expect(Date.now() - hurried).toBeLessThan(10_000);
    expect(t.exitCode, `${t.signal} ${String(t.stderr).slice(-2000)}`).toBe(130);
    const o = await timedOut.child;
    expect(o.exitCode, String(o.stderr).slice(-2000)).toBe(4);
    // At the deadline the running test is interrupted (a second SIGINT 1 s after the first), not
    // waited for through the runner's 20 s grace: the run ends within seconds of its deadline.
    expect(timedOut.events.some((e) => e.type === 'step.start' && e.step === 'test')).toBe(true);
    expect(o.durationMs).toBeLessThan(36_000);
    const timeoutResult = timedOut.events.findLast((e) => e.type === 'result');
    expect(timeoutResult).toMatchObject({ ok: false, error: { code: 'ci-timeout' } });
    expect(await ciResources(docker, name)).toEqual([]);
    expect(processesIn(backend)).toEqual([]);
  }, 200_000);

  it('--shard 1/3..3/3 are disjoint and complete, also balanced by a durations file; migration checks only in shard 1; an empty shard passes', async () => {
    // provider: external on one Postgres for all shards (as a runner's service container would be).
    dir.write('svc.yaml', ciConfig({ name: serviceName, backendDir: backend }));
    const up = await runCli(['--json', '--config', 'svc.yaml', 'up'], { cwd: dir.path });
    expect(up.exitCode, up.stderr).toBe(0);
    const port = (s: string) => (dataOf(up.result).services as Array<{ name: string; port: number }>).find((x) => x.name === s)!.port;
    dir.write(
      'external.yaml',
      ciConfig({
        name,
        backendDir: backend,
        apps: 'ci_fixture',
        pipeline: '[up, migrate-check, test]',
        services: [
          '  provider: external',
          `  postgres: { url: "postgres://tldr:ci-pw-4d1e@127.0.0.1:${port('postgres')}/tldr" }`,
          `  redis: { url: "redis://127.0.0.1:${port('redis')}/0" }`,
        ],
      }),
    );
    const shardRun = (i: number, extra: string[] = []) =>
      runCli(['--json', '--config', 'external.yaml', 'ci', '--shard', `${i}/3`, ...extra], { cwd: dir.path, env: { CI: 'true' } });

    const all = testIds((await runCli(['--json', '--config', 'external.yaml', 'test', '--no-keepdb'], { cwd: dir.path })).events);
    expect(all.length).toBe(18);
    const plain = await Promise.all([1, 2, 3].map((i) => shardRun(i, ['--write-durations', `d${i}.json`])));
    const checks = plain.map((r) => dataOf(r.result).steps[1].status);
    expect(checks).toEqual(['failed', 'skipped', 'skipped']);
    const ids = plain.map((r) => testIds(r.events));
    expect(ids.flat().sort()).toEqual(all);
    expect(new Set(ids.flat()).size).toBe(all.length);

    // Durations: one test recorded as very slow gets a shard to itself; a new test counts at the mean.
    const durations = Object.assign({}, ...[1, 2, 3].map((i) => JSON.parse(readFileSync(join(dir.path, `d${i}.json`), 'utf8'))));
    expect(Object.keys(durations).sort()).toEqual(all);
    durations['ci_fixture.tests.ItemTests.test_slow'] = 100;
    delete durations['documents.tests.ViewTests.test_health_returns_200'];
    dir.write('durations.json', JSON.stringify(durations));
    const balanced = await Promise.all([1, 2, 3].map((i) => shardRun(i, ['--durations', 'durations.json'])));
    const split = balanced.map((r) => testIds(r.events));
    expect(split.flat().sort()).toEqual(all);
    expect(split.find((s) => s.includes('ci_fixture.tests.ItemTests.test_slow'))).toEqual(['ci_fixture.tests.ItemTests.test_slow']);

    // More shards than tests: the empty ones pass and say so.
    const empty = await runCli(['--json', '--config', 'external.yaml', 'ci', '--shard', '30/30'], { cwd: dir.path, env: { CI: 'true' } });
    expect(empty.exitCode, empty.stderr.slice(-2000)).toBe(0);
    expect(dataOf(empty.result).tests.emptyShard).toBe(true);
    expect(empty.result?.summary).toMatch(/empty shard/);
  }, 240_000);
});
