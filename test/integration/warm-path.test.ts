import { execa } from 'execa';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestEvent } from '../../src/output/events.js';
import { backendProject, type BackendProject } from '../helpers/backend.js';
import { binPath, repoRoot } from '../helpers/cli.js';

// The Node side of issue 13 on one project (a copy of example/backend with the fixture apps, docker
// services on free ports): the cold path's head start, `tldr warm start|status|stop`, results
// through the warm fork server identical to cold ones, restarts on a model / settings / env file
// change, a killed child, Ctrl-C of a warm test run, and the cold path when the service check
// fails. The fork server's own guarantees are tested in Python (test/python/warm/).
let project: BackendProject;
let markers: string;
const slowApps = join(repoRoot, 'test/fixtures/slow');

beforeAll(async () => {
  project = await backendProject({ copyBackend: true, extraYaml: 'env_files: [extra.env]\n' });
  const config = join(project.dir.path, 'tldr.config.yaml');
  const text = readFileSync(config, 'utf8')
    .replace('TLDR_EXAMPLE_EXTRA_APPS: sample_tests', 'TLDR_EXAMPLE_EXTRA_APPS: sample_tests,sample_commands')
    .replace(/PYTHONPATH: "([^"]+)"/, (_, path: string) => `PYTHONPATH: ${JSON.stringify(`${path}:${slowApps}`)}`);
  writeFileSync(config, text);
  writeFileSync(join(project.dir.path, 'extra.env'), 'WARM_TEST_VALUE=one\n');
  markers = mkdtempSync(join(tmpdir(), 'tldr-warm-markers-'));
  const up = await project.cli(['--json', 'migrate']);
  expect(up.exitCode, up.stderr).toBe(0);
}, 240_000);

afterAll(async () => {
  await project?.cli(['warm', 'stop']).catch(() => undefined);
  if (markers) rmSync(markers, { recursive: true, force: true });
  await project?.[Symbol.asyncDispose]();
}, 120_000);

const tests = (events: { type: string }[]) =>
  Object.fromEntries(events.filter((e): e is TestEvent => e.type === 'test').map((e) => [e.id, { outcome: e.outcome, message: e.message }]));
const data = (run: { result?: { data?: unknown } | undefined }) => (run.result?.data ?? {}) as Record<string, unknown>;
const warmRecord = () => JSON.parse(readFileSync(join(project.dir.path, '.tldr/warm.json'), 'utf8')) as { pid: number; owner: string };
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
const threads = (pid: number) => Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The warm server's prepared run once its test databases are set up. */
async function preparedRun(): Promise<{ pid: number; argv: string[] }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await project.cli(['--json', 'warm', 'status']);
    const prepared = (data(status).server as { prepared?: { pid: number; argv: string[]; paused: boolean } | null } | undefined)?.prepared;
    if (prepared?.paused) return prepared;
    if (Date.now() > deadline) throw new Error(`no prepared run: ${status.stdout}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Connections to Postgres besides this one: `database application_name state` each. */
async function backends(): Promise<string[]> {
  const db = await project.db();
  try {
    const { rows } = await db.query(
      "SELECT datname, application_name, state FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() ORDER BY 1, 2",
    );
    return rows.map((r) => `${r.datname} ${r.application_name} ${r.state}`);
  } finally {
    await db.end();
  }
}

/** Connections besides this one and a paused prepared run's idle session to `postgres`. */
async function clientBackends(): Promise<number> {
  return (await backends()).filter((b) => b !== 'postgres tldr prepared run idle').length;
}

describe('the cold and warm paths of backend commands', () => {
  it('cold: Django starts while the services are checked; --verbose says so; no warm server means cold', async () => {
    const run = await project.cli(['--json', 'manage', 'exit_with', '3']);
    expect(run.exitCode, run.stderr).toBe(3);
    expect(data(run)).toMatchObject({ exitCode: 3, path: 'cold' });
    const human = await project.cli(['--verbose', 'manage', 'exit_with', '0']);
    expect(human.exitCode, human.stderr).toBe(0);
    const said = `${human.stdout}\n${human.stderr}`;
    expect(said).toContain('path: cold (no warm server runs for this project');
    expect(said).toMatch(/head start: Django set up \d+ ms after the spawn/);
    expect(said).toMatch(/head start: spawned \d+ ms after tldr started/);

    // The same command line again: bin/tldr.js spawns the bootstrap before tldr loads, from
    // .tldr/head-start.json (no secret in it), and tldr adopts it; the result is the same.
    const again = await project.cli(['--verbose', 'manage', 'exit_with', '0']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(`${again.stdout}\n${again.stderr}`).toMatch(/head start: bin\/tldr\.js spawned it \d+ ms after tldr started, before tldr loaded/);
    expect(again.stdout).toBe(human.stdout);
    const record = readFileSync(join(project.dir.path, '.tldr/head-start.json'), 'utf8');
    expect(record).not.toContain('s3cret-pass');

    // A remembered start that is not what tldr would spawn now is killed, and the command runs as usual.
    const line = ['--json', 'manage', 'exit_with', '5'];
    expect((await project.cli(line)).exitCode).toBe(5);
    const marker = `tldr-early-mismatch-${process.pid}`;
    const path = join(project.dir.path, '.tldr/head-start.json');
    const edited = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, { args: string[] }> };
    const key = Object.keys(edited.entries).find((k) => k.includes('"exit_with","5"'))!;
    edited.entries[key]!.args.push(marker);
    writeFileSync(path, JSON.stringify(edited));
    const mismatched = await project.cli(line);
    expect(mismatched.exitCode, mismatched.stderr).toBe(5);
    expect(data(mismatched)).toMatchObject({ exitCode: 5, path: 'cold' });
    const { stdout: ps } = await execa('ps', ['-eo', 'args']);
    expect(ps.split('\n').filter((l) => l.includes(marker))).toEqual([]);

    // A config error once bin/tldr.js has spawned the head start: tldr still ends at once (it hung
    // until the head start exited, which it never did), and the head start goes with it.
    const configFile = join(project.dir.path, 'tldr.config.yaml');
    const config = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, `${config}\nbogus_key: 1\n`);
    const broken = await project.cli(line, { timeoutMs: 20_000 });
    writeFileSync(configFile, config);
    expect(broken.exitCode, broken.stderr).toBe(2);
    expect(broken.result?.error?.message).toContain('bogus_key: unknown key');
    const { stdout: after } = await execa('ps', ['-eo', 'args']);
    expect(after.split('\n').filter((l) => l.includes('tldr_bootstrap.py') && l.includes('exit_with 5'))).toEqual([]);
  });

  it('tldr warm start / status: a server with no database connection and one thread', async () => {
    const start = await project.cli(['--json', 'warm', 'start', '--idle-timeout', '10m']);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(data(start)).toMatchObject({ already: false, owner: 'warm', idleTimeoutS: 600, settings: 'tldr.settings' });
    const again = await project.cli(['--json', 'warm', 'start']);
    expect(data(again)).toMatchObject({ already: true, pid: data(start).pid });
    const status = await project.cli(['--json', 'warm', 'status']);
    expect(data(status)).toMatchObject({ running: true, server: { pid: data(start).pid, reason: 'started by tldr warm start', served: 0 } });
    const watched = (data(status).server as { watched: Record<string, number> }).watched;
    expect(watched.modules).toBeGreaterThan(100);
    expect(watched.migrationFolders).toBeGreaterThan(0);
    expect(threads(data(start).pid as number)).toBe(1);
    expect(await clientBackends()).toBe(0);
  });

  it('the same test events, exit codes and findings warm as cold (a fixture with a failing test)', async () => {
    const warm = await project.cli(['--json', 'test', 'sample_tests']);
    const cold = await project.cli(['--json', 'test', 'sample_tests', '--cold']);
    expect(warm.exitCode, warm.stderr).toBe(1);
    expect(cold.exitCode, cold.stderr).toBe(1);
    expect(data(warm).path).toBe('warm');
    expect(data(cold).path).toBe('cold');
    expect(tests(warm.events)).toEqual(tests(cold.events));
    expect(Object.keys(tests(warm.events))).toHaveLength(6);
    expect(data(warm).counts).toEqual(data(cold).counts);
    const human = await project.cli(['--verbose', 'test', 'sample_tests.tests.NoteModelTests']);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stderr).toMatch(/path: warm \(forked from pid \d+ in [\d.]+ ms, while the services were checked\)/);

    const checkWarm = await project.cli(['--json', 'migrate', '--check', '--no-reversibility']);
    const checkCold = await project.cli(['--json', 'migrate', '--check', '--no-reversibility', '--cold']);
    expect([checkWarm.exitCode, data(checkWarm).path]).toEqual([checkCold.exitCode, 'warm']);
    expect(data(checkWarm).findings).toEqual(data(checkCold).findings);

    for (const args of [['exit_with', '7'], ['explode']]) {
      const w = await project.cli(['--json', 'manage', ...args]);
      const c = await project.cli(['--json', 'manage', '--cold', ...args]);
      expect([w.exitCode, data(w).path]).toEqual([c.exitCode, 'warm']);
      expect(data(w).tail).toEqual(data(c).tail);
    }
    expect(threads(warmRecord().pid)).toBe(1);
    expect(await clientBackends()).toBe(0);
  }, 180_000);

  it('tldr test --keepdb leaves the next identical run prepared (test database set up, no connection to it): the same result; another run replaces it', async () => {
    const label = 'sample_tests.tests.NoteModelTests';
    const first = await project.cli(['--json', 'test', '--keepdb', label]);
    expect([first.exitCode, data(first).path], first.stderr).toEqual([0, 'warm']);
    const prepared = await preparedRun();
    expect(prepared.argv.slice(-2)).toEqual(['--', label]);
    // No connection to a database of the run: one idle session to `postgres`, for the check at wake.
    expect(await backends()).toEqual(['postgres tldr prepared run idle']);
    const human = await project.cli(['--verbose', 'test', '--keepdb', label]);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stderr).toMatch(
      /path: warm \(a run prepared by pid \d+ \d+ ms before: its test databases set up then, unchanged since, while the services were checked\)/,
    );
    // What the set-up printed ahead is the run's output, where a fresh run prints it in its
    // stream (stdout and stderr are two pipes: how their lines interleave is timing, cold too).
    const log = readFileSync(/output in (\S+)/.exec(human.stderr)![1]!, 'utf8');
    const at = (text: string) => log.indexOf(text);
    expect(log.split("Using existing test database for alias 'default'...\n")).toHaveLength(2);
    expect(at('Found 2 test(s).')).toBeGreaterThanOrEqual(0);
    expect(at('Found 2 test(s).')).toBeLessThan(at('System check identified no issues'));
    expect(at("Using existing test database for alias 'default'...")).toBeLessThan(at('Ran 2 tests'));
    await preparedRun();
    const warm = await project.cli(['--json', 'test', '--keepdb', label]);
    const cold = await project.cli(['--json', 'test', '--keepdb', '--cold', label]);
    expect([warm.exitCode, data(warm).path]).toEqual([cold.exitCode, 'warm']);
    expect(tests(warm.events)).toEqual(tests(cold.events));
    expect(data(warm).counts).toEqual(data(cold).counts);
    const status = data(await project.cli(['--json', 'warm', 'status'])).server as { adopted: number; prepared: { pid: number } | null };
    expect(status.adopted).toBeGreaterThanOrEqual(2);
    // A prepared run that died while it waited (killed from outside) ran nothing: the request is sent again.
    const doomed = await preparedRun();
    process.kill(childrenOf(doomed.pid)[0]!, 'SIGKILL');
    const retried = await project.cli(['--verbose', 'test', '--keepdb', label]);
    expect(retried.exitCode, retried.stderr).toBe(0);
    expect(retried.stderr).toContain('warm: the prepared run was not used (the prepared run ended before it could go on)');
    // Sent again: a plain fork, or the run the server has just prepared in its place.
    expect(retried.stderr).toMatch(/path: warm \((forked from pid \d+|a run prepared by pid \d+)/);
    // Another test run discards it (the two would share the kept test database).
    const last = await preparedRun();
    const other = await project.cli(['--json', 'test', '--keepdb', 'sample_tests.tests.OutcomeTests']);
    expect(other.exitCode, other.stderr).toBe(1);
    await until(() => !alive(last.pid));
    expect(childrenOf(last.pid)).toEqual([]);
  }, 180_000);

  it('a model, settings or env file edited between two warm calls: the server restarts first, the call sees the change', async () => {
    const models = join(project.backendDir, 'documents/models.py');
    const before = readFileSync(models, 'utf8');
    const first = warmRecord().pid;
    appendFileSync(models, '\n\nclass WarmProbe(models.Model):\n    name = models.CharField(max_length=10)\n');
    try {
      const check = await project.cli(['--json', 'migrate', '--check', '--no-reversibility']);
      expect(check.exitCode, check.stderr).toBe(1);
      expect(data(check)).toMatchObject({ path: 'warm', missing: ['documents'] });
      expect(warmRecord().pid).not.toBe(first);
      const status = await project.cli(['--json', 'warm', 'status']);
      expect((data(status).server as { reason: string }).reason).toMatch(/^restarted: .*documents\/models\.py/);
    } finally {
      writeFileSync(models, before);
    }
    const clean = await project.cli(['--json', 'migrate', '--check', '--no-reversibility']);
    expect([clean.exitCode, data(clean).path]).toEqual([0, 'warm']);

    const settings = join(project.backendDir, 'tldr/settings.py');
    appendFileSync(settings, '\nWARM_PROBE_SETTING = 1\n');
    const afterSettings = await project.cli(['--json', 'manage', 'exit_with', '0']);
    expect([afterSettings.exitCode, data(afterSettings).path]).toEqual([0, 'warm']);
    expect((data(await project.cli(['--json', 'warm', 'status'])).server as { reason: string }).reason).toMatch(/settings\.py/);

    const pid = warmRecord().pid;
    writeFileSync(join(project.dir.path, 'extra.env'), 'WARM_TEST_VALUE=two\n');
    const afterEnv = await project.cli(['--json', 'manage', 'exit_with', '0']);
    expect([afterEnv.exitCode, data(afterEnv).path]).toEqual([0, 'warm']);
    expect(warmRecord().pid).not.toBe(pid);
    expect((data(await project.cli(['--json', 'warm', 'status'])).server as { reason: string }).reason).toMatch(/extra\.env|WARM_TEST_VALUE/);
  }, 180_000);

  it('a child killed mid-run leaves the server serving', async () => {
    const server = warmRecord().pid;
    const running = execa(process.execPath, [binPath, '--json', 'manage', 'sleep_then_print', '60'], {
      cwd: project.dir.path,
      reject: false,
      env: { NO_COLOR: '1' },
    });
    // The server forks a session per connection, which forks the command: kill the command.
    const child = await until(() => childrenOf(server).flatMap(childrenOf)[0]);
    process.kill(child, 'SIGKILL');
    const done = await running;
    expect(done.exitCode).toBe(137);
    expect(alive(server)).toBe(true);
    const next = await project.cli(['--json', 'manage', 'exit_with', '0']);
    expect([next.exitCode, data(next).path]).toEqual([0, 'warm']);
  }, 120_000);

  it('Ctrl-C of a warm tldr test stops its child and tears the test database down', async () => {
    const server = warmRecord().pid;
    const running = execa(process.execPath, [binPath, '--json', 'test', 'slow_tests.tests_barrier', '--no-keepdb'], {
      cwd: project.dir.path,
      reject: false,
      env: { NO_COLOR: '1', TLDR_SLOW_MARKERS: markers },
    });
    await until(() => readdirSync(markers).some((n) => n.startsWith('test-')), 60_000);
    const child = childrenOf(server).flatMap(childrenOf)[0]!;
    const db = await project.db();
    const testDatabases = async () =>
      (await db.query("SELECT datname FROM pg_database WHERE datname LIKE 'test_%' ORDER BY 1")).rows.map((r) => r.datname as string);
    try {
      const during = await testDatabases();
      expect(during.filter((name) => /^test_tldr_[0-9a-f]{6}$/.test(name))).toHaveLength(1);
      running.kill('SIGINT');
      // unittest's Ctrl-C handler lets the running test finish: release it.
      await new Promise((r) => setTimeout(r, 300));
      writeFileSync(join(markers, 'release'), '');
      const done = await running;
      expect(done.exitCode, done.stderr).toBe(130);
      expect(alive(child)).toBe(false);
      expect((await testDatabases()).filter((name) => /^test_tldr_[0-9a-f]{6}$/.test(name))).toEqual([]);
    } finally {
      await db.end();
    }
    expect(alive(server)).toBe(true);
    expect(await clientBackends()).toBe(0);
  }, 120_000);

  it('warm: the request is held while the services are checked; a failing check ends the held child before anything ran', async () => {
    const marker = join(markers, 'held-ran.txt');
    const run = await project.cli(['--verbose', 'manage', 'unclosed_write', marker], {
      env: { DOCKER_HOST: `unix://${join(markers, 'no-docker.sock')}` },
    });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('warm: the request held while the services were checked was cancelled');
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(marker)).toBe(false);
    // The server still serves; the same command with the services up runs warm, held.
    const served = await project.cli(['--verbose', 'manage', 'unclosed_write', marker]);
    expect(served.exitCode, served.stderr).toBe(0);
    expect(served.stderr).toMatch(/path: warm \(forked from pid \d+ in [\d.]+ ms, while the services were checked\)/);
    expect(existsSync(marker)).toBe(true);
    expect(threads(warmRecord().pid)).toBe(1);
  }, 120_000);

  it('tldr warm stop leaves nothing; a failing service check kills the head start before anything ran', async () => {
    const { pid } = warmRecord();
    const run = await project.cli(['--json', 'test', '--keepdb', 'sample_tests.tests.NoteModelTests']);
    expect(run.exitCode, run.stderr).toBe(0);
    const prepared = await preparedRun();
    const preparedChild = childrenOf(prepared.pid);
    expect(preparedChild).toHaveLength(1);
    const stop = await project.cli(['--json', 'warm', 'stop']);
    expect(data(stop)).toMatchObject({ stopped: true, pid });
    expect(alive(pid)).toBe(false);
    await until(() => ![prepared.pid, ...preparedChild].some(alive), 10_000);
    expect(existsSync(join(project.dir.path, '.tldr/warm.json'))).toBe(false);

    // The service check fails (no Docker daemon answers); the state file still names the ports, so
    // the head start had spawned Django meanwhile: it gets end-of-file and the command never ran.
    // Twice: the second time bin/tldr.js has spawned it before tldr loaded (.tldr/head-start.json).
    const marker = join(markers, 'ran.txt');
    for (let i = 0; i < 2; i++) {
      const run = await project.cli(['--json', 'manage', 'unclosed_write', marker], { env: { DOCKER_HOST: `unix://${join(markers, 'no-docker.sock')}` } });
      expect(run.exitCode, run.stderr).toBe(3);
      await new Promise((r) => setTimeout(r, 500));
      expect(existsSync(marker)).toBe(false);
      const { stdout } = await execa('ps', ['-eo', 'args']);
      expect(stdout.split('\n').filter((l) => l.includes('tldr_bootstrap.py') && l.includes(marker))).toEqual([]);
    }
    expect(readFileSync(join(project.dir.path, '.tldr/head-start.json'), 'utf8')).toContain(marker);
  }, 120_000);

  it('the dev loop runs a warm server beside its processes: stopped by tldr stop, reaped after a SIGKILL of the loop', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    appendFileSync(
      join(project.dir.path, 'tldr.config.yaml'),
      `processes:\n  web: { run: manage runserver 127.0.0.1:${port} --noreload, ready: { http: "http://127.0.0.1:${port}/health/" } }\n`,
    );
    const warmOfDev = () => (existsSync(join(project.dir.path, '.tldr/warm.json')) && warmRecord().owner === 'dev' ? warmRecord().pid : undefined);
    const supervisor = () => (JSON.parse(readFileSync(join(project.dir.path, '.tldr/supervisor.json'), 'utf8')) as { owner: { pid: number } }).owner.pid;

    const first = await project.cli(['--json', 'dev', '--detach']);
    expect(first.exitCode, first.stderr).toBe(0);
    const server = await until(warmOfDev, 60_000);
    const run = await project.cli(['--json', 'manage', 'exit_with', '0']);
    expect([run.exitCode, data(run).path]).toEqual([0, 'warm']);
    const stop = await project.cli(['--json', 'stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(alive(server)).toBe(false);
    expect(existsSync(join(project.dir.path, '.tldr/warm.json'))).toBe(false);

    const second = await project.cli(['--json', 'dev', '--detach']);
    expect(second.exitCode, second.stderr).toBe(0);
    const again = await until(warmOfDev, 60_000);
    const loop = supervisor();
    process.kill(loop, 'SIGKILL');
    await until(() => !alive(loop), 10_000);
    expect(alive(again)).toBe(true); // left behind until the next dev-loop command
    const ps = await project.cli(['ps']);
    expect(ps.stderr).toMatch(new RegExp(`stopped the warm Django server \\(pid ${again}\\)`));
    expect(alive(again)).toBe(false);
    expect(childrenOf(again)).toEqual([]);
  }, 180_000);
});
