import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPython, venvPython } from '../helpers/backend.js';
import { runCli } from '../helpers/cli.js';
import { groupMembers, isRunning, startCli, waitUntil } from '../helpers/dev-loop.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';
import { slowProjectConfig } from '../helpers/slow-project.js';

// kill -9 of tldr while its Python child works: the child reads end-of-file on its lifeline
// (src/python/tldr_lifeline.py), stops like Ctrl-C and cleans up; the next run sweeps tldr's
// temp folder. One project (example/backend, docker services) for the file.

const password = 'lifeline-pw-5c1e';
// Measured: 0.1–0.6 s after tldr's SIGKILL (the teardown included), up to ~3 s with a load of 6
// on the 2-core machine. The bound only has to tell that apart from the fixtures' 60–120 s of work
// (and from the old behaviour: running to the end); each run logs its own figure.
const GONE_WITHIN_MS = 10_000;

let dir: TempDir;
let admin: pg.Client;
const name = uniqueName('tldrll');

const config = (python: string) => slowProjectConfig({ name, python, password, apps: '${env:TLDR_APPS}' });

const envFor = (apps = '') => ({ TLDR_APPS: apps, TLDR_SLOW_MARKERS: markers() });
const markers = () => join(dir.path, 'markers');
const cli = (args: string[], apps = '') => runCli(args, { cwd: dir.path, env: { ...envFor(apps), CI: 'true' } });

/** The pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
    } catch {
      // gone
    }
  }
  return out;
}

const ownedTemp = (kind: string, pid: number) => readdirSync(tmpdir()).filter((n) => n.startsWith(`tldr-${kind}-${pid}-`));
const databases = async (like: string) =>
  (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [like])).rows.map((r) => r.datname);

/** Starts tldr, waits until its Python child is in the slow part, notes the databases, kills tldr by SIGKILL. */
async function killMidRun(
  args: string[],
  { apps, marker, databasesLike }: { apps: string; marker: string; databasesLike: string },
): Promise<{ tldr: number; child: number; group: number[]; killedAt: number; databasesBefore: string[] }> {
  freshMarkers();
  const run = startCli(args, { cwd: dir.path, env: { ...envFor(apps), CI: 'true' } });
  try {
    await waitUntil(() => readdirSync(markers()).some((f) => f.startsWith(marker)), 90_000, `a ${marker} marker`);
  } catch (error) {
    for (const child of childrenOf(run.pid)) killGroup(child);
    await run[Symbol.asyncDispose]();
    throw new Error(`${(error as Error).message}\nstderr: ${run.stderr()}\nstdout: ${run.stdout().slice(-2000)}`);
  }
  const [child] = childrenOf(run.pid);
  expect(child, 'the python child of tldr').toBeDefined();
  const group = groupMembers([child!]);
  const databasesBefore = await databases(databasesLike);
  process.kill(run.pid, 'SIGKILL');
  const killedAt = Date.now();
  await run.exited;
  return { tldr: run.pid, child: child!, group, killedAt, databasesBefore };
}

function freshMarkers(): void {
  rmSync(markers(), { recursive: true, force: true });
  mkdirSync(markers(), { recursive: true });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

beforeAll(async () => {
  const docker = await requireDocker();
  void docker;
  dir = tempDir('tldr-lifeline-');
  dir.write('tldr.config.yaml', config(venvPython));
  dir.write('django32.yaml', config(systemPython));
  mkdirSync(markers(), { recursive: true });
  const up = await cli(['--json', 'up']);
  expect(up.exitCode, up.stderr).toBe(0);
  const env = await cli(['--json', 'env']);
  const port = Number((env.result!.data as { env: Record<string, string> }).env.POSTGRES_PORT);
  admin = new pg.Client({ host: '127.0.0.1', port, user: 'tldr', password, database: 'postgres' });
  await admin.connect();
  const migrate = await cli(['migrate']);
  expect(migrate.exitCode, migrate.stderr).toBe(0);
});

afterAll(async () => {
  await admin?.end();
  await removeProjectResources(await requireDocker(), name);
  dir?.[Symbol.dispose]();
});

describe('a child whose tldr died stops promptly', () => {
  it.each([
    ['serially', [], []],
    ['with --parallel 2', [], ['--parallel', '2']],
    ['on Django 3.2', ['--config', 'django32.yaml'], []],
    ['with --parallel 2 on Django 3.2', ['--config', 'django32.yaml'], ['--parallel', '2']],
  ])(
    'tldr test %s: kill -9 of tldr → the runner (and its workers) gone within seconds, the test databases dropped, the temp folder swept next run',
    async (_how, global: string[], flags: string[]) => {
      const killed = await killMidRun(['--json', ...global, 'test', 'slow_tests.tests', ...flags], {
        apps: '',
        marker: 'test-',
        databasesLike: 'test\\_tldr%',
      });
      try {
        expect(killed.databasesBefore).not.toEqual([]);
        await waitUntil(() => groupMembers([killed.child]).length === 0, GONE_WITHIN_MS, `the test runner group ${killed.group.join(',')} to end`);
        const tookMs = Date.now() - killed.killedAt;
        console.log(`tldr test ${_how}: runner group gone ${tookMs} ms after kill -9 of tldr`);
        expect(isRunning(killed.child)).toBe(false);
        // Django's teardown ran (the KeyboardInterrupt path): no test database is left behind.
        expect(await databases('test\\_tldr%')).toEqual([]);

        expect(ownedTemp('test-events', killed.tldr)).toHaveLength(1);
        const next = await cli(['--json', 'test', 'slow_tests.tests_quick']);
        expect(next.exitCode, next.stderr).toBe(0);
        expect(ownedTemp('test-events', killed.tldr)).toEqual([]);
      } finally {
        killGroup(killed.child);
      }
    },
  );

  it("a run never sweeps another live run's temp folder", async () => {
    freshMarkers();
    await using run = startCli(['--json', 'test', 'slow_tests.tests'], { cwd: dir.path, env: { ...envFor(), CI: 'true' } });
    await waitUntil(() => readdirSync(markers()).some((f) => f.startsWith('test-')), 90_000, 'a test marker');
    const [child] = childrenOf(run.pid);
    try {
      expect(ownedTemp('test-events', run.pid)).toHaveLength(1);
      const other = await cli(['--json', 'test', 'slow_tests.tests_quick']);
      expect(other.exitCode, other.stderr).toBe(0);
      expect(ownedTemp('test-events', run.pid)).toHaveLength(1);
    } finally {
      process.kill(run.pid, 'SIGKILL');
      await run.exited;
      if (child) killGroup(child);
    }
  });

  it('tldr migrate --check: kill -9 of tldr → the helper gone within seconds, its scratch database dropped, the temp folder swept next run', async () => {
    const killed = await killMidRun(['--json', 'migrate', '--check'], { apps: 'slow_apply', marker: 'migrate-', databasesLike: 'tldr\\_scratch\\_%' });
    try {
      expect(killed.databasesBefore).toHaveLength(1);
      await waitUntil(() => !isRunning(killed.child), GONE_WITHIN_MS, `the migrate-check helper ${killed.child} to end`);
      console.log(`tldr migrate --check: helper gone ${Date.now() - killed.killedAt} ms after kill -9 of tldr`);
      expect(await databases('tldr\\_scratch\\_%')).toEqual([]);
      expect(ownedTemp('migrate-check', killed.tldr)).toHaveLength(1);

      const next = await cli(['--json', 'migrate', '--check', '--no-reversibility']);
      expect(next.result, next.stderr).toBeDefined();
      expect(ownedTemp('migrate-check', killed.tldr)).toEqual([]);
      expect(existsSync(join(tmpdir(), `tldr-migrate-check-${killed.tldr}`))).toBe(false);
    } finally {
      killGroup(killed.child);
    }
  });
});
