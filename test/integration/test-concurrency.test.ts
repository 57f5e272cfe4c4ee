import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEvent } from '../../src/output/events.js';
import { venvPython } from '../helpers/backend.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { startCli, waitUntil, type RunningCli } from '../helpers/dev-loop.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';
import { slowProjectConfig } from '../helpers/slow-project.js';

// Two `tldr test` at once on one project. The first run is held open inside a test on its test
// database (test/fixtures/slow: slow_tests.tests_barrier) until the second has finished.

const password = 'concurrent-pw-41d0';
let dir: TempDir;
let admin: pg.Client;
const name = uniqueName('tldrcc');

const markers = () => join(dir.path, 'markers');
const env = (ci: boolean) => ({ TLDR_SLOW_MARKERS: markers(), CI: ci ? 'true' : '' });
const testEvents = (events: { type: string }[]) => events.filter((e): e is TestEvent => e.type === 'test');

/** Starts the run that holds its test database, and waits until it is inside its test. */
async function holdingRun(args: string[], ci: boolean): Promise<RunningCli> {
  rmSync(markers(), { recursive: true, force: true });
  mkdirSync(markers(), { recursive: true });
  const run = startCli(args, { cwd: dir.path, env: env(ci) });
  await waitUntil(() => existsSync(markers()) && readdirSync(markers()).some((f) => f.startsWith('test-')), 90_000, "the first run's test to start");
  return run;
}

const release = () => writeFileSync(join(markers(), 'release'), '');

beforeAll(async () => {
  await requireDocker();
  dir = tempDir('tldr-concurrent-');
  dir.write(
    'tldr.config.yaml',
    slowProjectConfig({ name, python: venvPython, password, apps: 'sample_tests', pythonPath: [join(repoRoot, 'test/fixtures/testapps')] }),
  );
  mkdirSync(markers(), { recursive: true });
  const up = await runCli(['--json', 'up'], { cwd: dir.path, env: env(true) });
  expect(up.exitCode, up.stderr).toBe(0);
  const shown = await runCli(['--json', 'env'], { cwd: dir.path, env: env(true) });
  const port = Number((shown.result!.data as { env: Record<string, string> }).env.POSTGRES_PORT);
  admin = new pg.Client({ host: '127.0.0.1', port, user: 'tldr', password, database: 'postgres' });
  await admin.connect();
});

afterAll(async () => {
  await admin?.end();
  await removeProjectResources(await requireDocker(), name);
  dir?.[Symbol.dispose]();
});

describe('two `tldr test` at once on one project', () => {
  it('without --keepdb (CI=true): each run gets its own test database and its own log; both finish with their own outcome', async () => {
    await using first = await holdingRun(['--json', 'test', 'slow_tests.tests_barrier'], true);
    const testDbs = (await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'")).rows.map((r) => r.datname);
    expect(testDbs).toEqual([expect.stringMatching(/^test_tldr_[0-9a-f]{6}$/)]);

    const second = await runCli(['--json', 'test', 'sample_tests.tests.NoteModelTests'], { cwd: dir.path, env: env(true) });
    expect(second.exitCode, second.stderr).toBe(0);
    expect(testEvents(second.events).map((t) => t.outcome)).toEqual(['passed', 'passed']);

    release();
    expect((await first.exited).exitCode).toBe(1);
    const firstResult = first.events.findLast((e) => e.type === 'result');
    expect(firstResult).toMatchObject({ exitCode: 1, data: { counts: { total: 1, failed: 1 } } });
    expect(testEvents(first.events)[0]?.message).toMatch(/^AssertionError: released by the test/);

    const [firstLog, secondLog] = [(firstResult as { data: { log: string } }).data.log, (second.result!.data as { log: string }).log];
    expect(firstLog).not.toBe(secondLog);
    expect(firstLog).toMatch(/\.tldr\/logs\/test-\d+-[0-9a-f]+-[0-9a-f]{6}\.log$/);
    expect(readFileSync(firstLog, 'utf8')).toMatch(/AssertionError: released by the test[\s\S]*Ran 1 test/);
    expect(readFileSync(firstLog, 'utf8')).not.toContain('Ran 2 tests');
    expect(readFileSync(secondLog, 'utf8')).toMatch(/Ran 2 tests[\s\S]*OK/);
    // .tldr/logs/test.log is the latest run's log (a hard link): the second one started last.
    expect(statSync(join(dir.path, '.tldr/logs/test.log')).ino).toBe(statSync(secondLog).ino);
    expect(statSync(firstLog).mode & 0o777).toBe(0o600);
    // Both torn down: no test database left.
    expect((await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'")).rows).toEqual([]);
  });

  it('with --keepdb (the default here): the second run waits for the first, says for whom, then reuses the kept database', async () => {
    await using first = await holdingRun(['--json', 'test', 'slow_tests.tests_barrier'], false);
    await using second = startCli(['test', 'sample_tests.tests.NoteModelTests'], { cwd: dir.path, env: env(false) });
    await waitUntil(() => second.stderr().includes(`waiting for tldr test pid ${first.pid}`), 60_000, `the waiting note (stderr: ${second.stderr()})`);
    release();
    expect((await first.exited).exitCode).toBe(1);
    expect((await second.exited).exitCode, second.stderr()).toBe(0);
    expect(second.stderr()).toMatch(/2 test\(s\): 2 passed/);
    const kept = (await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'test\\_%'")).rows.map((r) => r.datname);
    expect(kept).toEqual(['test_tldr']);
  });
});
