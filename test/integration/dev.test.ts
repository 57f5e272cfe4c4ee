import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import {
  http,
  freePort,
  isRunning,
  killRecorded,
  portIsFree,
  readSupervisorRecord,
  recordedPids,
  startCli,
  waitUntil,
  type RunningCli,
} from '../helpers/dev-loop.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';
import type { TldrEvent } from '../../src/output/events.js';

// One project (a copy of example/backend), one set of services (docker, free ports) for the whole file.
let dir: TempDir;
let name: string;
let webPort: number;
let frontendPort: number;
let stateDir: string;
const python = join(repoRoot, 'example/backend/.venv/bin/python');
const running: RunningCli[] = [];

function config(): string {
  return `version: 1
name: ${name}
backend: { dir: backend, settings: tldr.settings, python: [${JSON.stringify(python)}], celery_app: tldr }
services:
  provider: docker
  postgres: { image: tldr-test/postgres:15, port: 0, password: dev-loop-secret }
  redis: { image: tldr-test/redis:7, port: 0 }
env: { DJANGO_DEBUG: "1" }
processes:
  web:
    run: manage runserver 127.0.0.1:${webPort} --noreload
    ready: { http: "http://127.0.0.1:${webPort}/health/" }
    stop_grace: 5
  worker:
    run: celery worker -l info -c 1 --without-mingle --without-gossip
    ready: { log: "ready\\\\." }
    stop_grace: 10
  crasher:
    run: ${JSON.stringify(`python -c "import sys; print('crasher: boom'); sys.exit(3)"`)}
    ready: { log: "never printed" }
    enabled: false
  flaky:
    run: ${JSON.stringify(`python -c "import sys, time; print('flaky up'); time.sleep(0.5); sys.exit(1)"`)}
    ready: { log: "flaky up" }
    restart: on-failure
    restart_backoff: 0.3
    restart_limit: 2
    enabled: false
  frontend:
    dir: ${JSON.stringify(join(repoRoot, 'test/fixtures/frontend'))}
    run: npm run dev
    env: { PORT: "${frontendPort}" }
    ready: { http: "http://127.0.0.1:${frontendPort}/" }
    stop_grace: 5
    enabled: false
`;
}

const cli = (args: string[], timeoutMs = 120_000) => runCli(args, { cwd: dir.path, timeoutMs });
const start = (args: string[]) => {
  const child = startCli(args, { cwd: dir.path });
  running.push(child);
  return child;
};
const stepEnd = (step: string) => (e: { type: string; step?: string }) => e.type === 'step.end' && e.step === step;
const gone = (pids: number[]) => pids.filter(isRunning);
/** Pids the supervisor reported starting (`[tldr] started, pid N`), from --json log events. */
const startedPids = (events: TldrEvent[]) =>
  events.flatMap((e) => (e.type === 'log' ? (/^\[tldr\] started, pid (\d+)$/.exec(e.line)?.[1] ?? []) : [])).map(Number);

beforeAll(async () => {
  await requireDocker();
  dir = tempDir('tldr-dev-');
  name = uniqueName('tldrdev');
  [webPort, frontendPort] = [await freePort(), await freePort()];
  cpSync(join(repoRoot, 'example/backend'), join(dir.path, 'backend'), { recursive: true, filter: (src) => !/(\.venv|__pycache__)$/.test(src) });
  dir.write('tldr.config.yaml', config());
  stateDir = join(dir.path, '.tldr');
});

afterEach(async () => {
  for (const child of running.splice(0)) await child[Symbol.asyncDispose]();
  if (readSupervisorRecord(stateDir)) await cli(['stop'], 60_000);
  killRecorded(stateDir);
});

afterAll(async () => {
  if (stateDir) killRecorded(stateDir);
  if (name) await removeProjectResources(await requireDocker(), name);
  dir?.[Symbol.dispose]();
});

describe('tldr dev (example backend, real Postgres, Redis, Django, Celery)', () => {
  it('foreground: migrates, serves HTTP, runs a Celery task; Ctrl-C stops every process within the grace period (exit 130)', async () => {
    const dev = start(['--json', 'dev']);
    const migrate = await dev.waitForEvent(stepEnd('migrate'), 120_000);
    expect(migrate).toMatchObject({ status: 'ok' });
    await dev.waitForEvent(stepEnd('start:worker'));
    const health = await http('GET', `http://127.0.0.1:${webPort}/health/`);
    expect(health).toMatchObject({ status: 200, json: { ok: true, db: true } });

    const created = await http('POST', `http://127.0.0.1:${webPort}/documents/`, { title: 'from the dev loop test' });
    expect(created.status).toBe(201);
    await waitUntil(
      async () => (await http('GET', `http://127.0.0.1:${webPort}/documents/${created.json.id}/`)).json?.status === 'done',
      15_000,
      'the worker to process the document',
    );

    const pids = recordedPids(stateDir);
    expect(Object.keys(pids.groups)).toEqual(['web', 'worker']);
    expect(pids.all.length).toBeGreaterThanOrEqual(4); // tldr, runserver, celery main + pool child
    // A terminal's Ctrl-C goes to the foreground job's process group: here, tldr alone.
    const t0 = Date.now();
    process.kill(-dev.pid, 'SIGINT');
    const { exitCode } = await dev.exited;
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(exitCode).toBe(130);
    expect(gone(pids.all)).toEqual([]);
    expect(await portIsFree(webPort)).toBe(true);
    expect(dev.events.at(-1)).toMatchObject({ type: 'result', exitCode: 130 });
    const workerLog = readFileSync(join(stateDir, 'logs/worker.log'), 'utf8');
    expect(workerLog.match(/Warm shutdown/g)).toHaveLength(1);
    expect(workerLog).not.toMatch(/Cold shutdown/);
    expect(readSupervisorRecord(stateDir)).toBeUndefined();
  });

  it('skips migrate without starting Django when nothing is pending; SIGTERM stops it like Ctrl-C', async () => {
    const dev = start(['--json', 'dev', '--only', 'web']);
    expect(await dev.waitForEvent(stepEnd('migrate'))).toMatchObject({ status: 'skipped', message: expect.stringMatching(/nothing pending/) });
    expect(dev.events.some((e) => e.type === 'log' && e.source === 'migrate')).toBe(false);
    await dev.waitForEvent(stepEnd('start:web'));
    const pids = recordedPids(stateDir);
    process.kill(dev.pid, 'SIGTERM');
    expect((await dev.exited).exitCode).toBe(130);
    expect(gone(pids.all)).toEqual([]);
    expect(await portIsFree(webPort)).toBe(true);
  });

  it('runs migrate again when a migration file is added or the database forgot one', async () => {
    const migrations = join(dir.path, 'backend/documents/migrations');
    writeFileSync(
      join(migrations, '0002_noop.py'),
      'from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    dependencies = [("documents", "0001_initial")]\n    operations = []\n',
    );
    const migrateStep = async () => {
      const run = await cli(['--json', 'dev', '--detach', '--only', 'web']);
      expect(run.exitCode, run.stderr).toBe(0);
      await cli(['stop']);
      return run.events.find(stepEnd('migrate'));
    };
    expect(await migrateStep()).toMatchObject({ status: 'ok', message: expect.stringMatching(/1 pending/) });
    expect(await migrateStep()).toMatchObject({ status: 'skipped' });
    const env = await cli(['--json', 'env']);
    const url = (env.result?.data as { env: Record<string, string> }).env.DATABASE_URL!.replace('***', 'dev-loop-secret');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query("DELETE FROM django_migrations WHERE app = 'documents' AND name = '0002_noop'");
    } finally {
      await client.end();
    }
    expect(await migrateStep()).toMatchObject({ status: 'ok' });
  });

  it('--detach returns once ready; ps, logs and stop work on it; a second dev reports it or exits 3', async () => {
    const up = await cli(['--json', 'dev', '--detach']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect((up.result?.data as { processes: Array<{ name: string; state: string }> }).processes.map((p) => [p.name, p.state])).toEqual([
      ['web', 'ready'],
      ['worker', 'ready'],
    ]);
    expect((await http('GET', `http://127.0.0.1:${webPort}/health/`)).status).toBe(200);
    const pids = recordedPids(stateDir);

    const ps = await cli(['--json', 'ps']);
    expect(ps.exitCode).toBe(0);
    const listed = ps.result?.data as {
      running: boolean;
      processes: Array<{ name: string; state: string; pid: number; ready: boolean; restarts: number; uptimeMs: number }>;
    };
    expect(listed.running).toBe(true);
    expect(listed.processes).toMatchObject([
      { name: 'web', state: 'ready', pid: pids.groups.web, ready: true, restarts: 0 },
      { name: 'worker', state: 'ready', pid: pids.groups.worker },
    ]);
    const table = await cli(['ps']);
    expect(table.stdout).toMatch(/^web\s+ready\s+\d+\s+\d+s\s+0\s+http /m);

    const logs = await cli(['logs', 'worker', '--tail', '5']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/ready\./);
    expect(logs.stdout.trim().split('\n').length).toBeLessThanOrEqual(5);
    const jsonLogs = await cli(['--json', 'logs', 'web', '--tail', '50']);
    expect(jsonLogs.events.some((e) => e.type === 'log' && e.source === 'web' && /Starting development server/.test(e.line))).toBe(true);
    expect((await cli(['logs', 'nope'])).exitCode).toBe(2);
    const pgLogs = await cli(['--json', 'logs', 'postgres', '--tail', '3']);
    expect(pgLogs.exitCode, pgLogs.stderr).toBe(0);
    expect(pgLogs.events.filter((e) => e.type === 'log' && e.source === 'postgres').length).toBeGreaterThan(0);

    const again = await cli(['--json', 'dev', '--detach']);
    expect(again.exitCode).toBe(0);
    expect(again.result?.data).toMatchObject({ alreadyRunning: true });
    const other = await cli(['--json', 'dev', '--only', 'web']);
    expect(other.exitCode).toBe(3);
    expect(other.result?.error).toMatchObject({ code: 'dev-already-running' });

    const stop = await cli(['--json', 'stop']);
    expect(stop.exitCode).toBe(0);
    expect(gone(pids.all)).toEqual([]);
    expect(await portIsFree(webPort)).toBe(true);
    expect((await cli(['--json', 'ps'])).result?.data).toMatchObject({ running: false });
  });

  it('after kill -9 of the supervisor, the next tldr ps stops the leftovers and says so', async () => {
    expect((await cli(['dev', '--detach', '--only', 'web'])).exitCode).toBe(0);
    const pids = recordedPids(stateDir);
    process.kill(pids.owner!, 'SIGKILL');
    await waitUntil(() => !isRunning(pids.owner!), 5000, 'the supervisor to die');
    expect(gone(pids.all).length).toBeGreaterThan(0); // runserver is still there, orphaned
    const ps = await cli(['--json', 'ps']);
    expect(ps.result?.data).toMatchObject({ running: false, reaped: [{ name: 'web', pid: pids.groups.web }] });
    expect(gone(pids.all)).toEqual([]);
    expect(await portIsFree(webPort)).toBe(true);
    expect((await cli(['ps'])).stderr).not.toMatch(/cleaned up/); // reported once, then nothing is left
  });

  it('a process that exits during start-up fails tldr dev with exit 4 and its last lines', async () => {
    const run = await cli(['dev', '--only', 'crasher']);
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toContain('crasher exited with exit code 3 before it was ready');
    expect(run.stderr).toContain('crasher: boom');
    const json = await cli(['--json', 'dev', '--only', 'crasher']);
    expect(json.result).toMatchObject({ exitCode: 4, error: { code: 'process-exited-early' } });
    const pids = startedPids(json.events);
    expect(pids).toHaveLength(1);
    expect(gone(pids)).toEqual([]);
    expect(readSupervisorRecord(stateDir)).toBeUndefined();
  });

  it('restart: on-failure restarts with a doubling backoff up to restart_limit, then fails (exit 4)', async () => {
    const run = await cli(['--json', 'dev', '--only', 'flaky']);
    expect(run.exitCode).toBe(4);
    expect(run.result?.error?.message).toBe('flaky crashed: exit code 1 after 2 restart(s)');
    const ups = run.events.filter((e) => e.type === 'log' && e.line === 'flaky up').map((e) => Date.parse(e.ts));
    expect(ups).toHaveLength(3);
    // each run lives 0.5 s; the backoff adds 0.3 s, then 0.6 s
    expect(ups[1]! - ups[0]!).toBeGreaterThanOrEqual(750);
    expect(ups[2]! - ups[1]!).toBeGreaterThanOrEqual(1050);
    const marks = run.events.filter((e) => e.type === 'log' && e.line.startsWith('[tldr] ')).map((e) => (e as { line: string }).line);
    expect(marks).toEqual(
      expect.arrayContaining(['[tldr] exited with exit code 1; restart 1/2 in 0.3 s', '[tldr] exited with exit code 1; restart 2/2 in 0.6 s']),
    );
    const pids = startedPids(run.events);
    expect(new Set(pids).size).toBe(3);
    expect(gone(pids)).toEqual([]);
    expect(readSupervisorRecord(stateDir)).toBeUndefined();
  });

  it('a frontend process (npm run dev → sh → node) runs and stops as a whole process group', async () => {
    const up = await cli(['dev', '--detach', '--only', 'frontend']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(await http('GET', `http://127.0.0.1:${frontendPort}/x`)).toMatchObject({ status: 200, text: 'fixture frontend /x\n' });
    const pids = recordedPids(stateDir);
    expect(pids.all.length).toBeGreaterThanOrEqual(3); // supervisor, npm, node (and sh, where it does not exec)
    const t0 = Date.now();
    const stop = await cli(['stop']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(gone(pids.all)).toEqual([]);
    expect(await portIsFree(frontendPort)).toBe(true);
    expect(readFileSync(join(stateDir, 'logs/frontend.log'), 'utf8')).toContain('frontend: SIGTERM, closing');
  });

  it('--down stops the services with the loop (last: the other tests share them)', async () => {
    expect((await cli(['dev', '--detach', '--only', 'web', '--down'])).exitCode).toBe(0);
    expect((await cli(['stop'])).exitCode).toBe(0);
    const docker = await requireDocker();
    const containers = await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } });
    expect(containers.map((c) => c.State).sort()).toEqual(['exited', 'exited']);
  });
});
