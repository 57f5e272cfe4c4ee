import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

// One native instance for the whole file (initdb is the expensive part); tests run in order.
const name = uniqueName('tldrnat');
const password = 'pw-N4tive9q';
const venvPython = join(repoRoot, 'example/backend/.venv/bin/python');

function config(provider: 'native' | 'auto'): string {
  return [
    'version: 1',
    `name: ${name}`,
    `backend: { dir: ${JSON.stringify(join(repoRoot, 'example/backend'))}, settings: tldr.settings, python: [${JSON.stringify(venvPython)}], celery_app: tldr }`,
    'services:',
    `  provider: ${provider}`,
    `  postgres: { port: 0, db: app, user: app, password: ${password} }`,
    '  redis: { port: 0 }',
    '',
  ].join('\n');
}

type Services = Array<{ name: string; port: number; action: string; id?: string; volume?: string; state?: string }>;
const services = (r: CliResult) => (r.result!.data as { services: Services }).services;
const byName = (r: CliResult, service: string) => services(r).find((s) => s.name === service)!;
const describeRun = (r: CliResult) => `exit ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

// A server that exited may linger as a zombie until init reaps it: that is not running.
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('services.provider: native (local initdb / pg_ctl / redis-server)', () => {
  let dir: TempDir;
  const pids = new Set<number>();
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir.path, env });
  const up = async (args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
    const r = await cli(['--json', ...args, 'up'], env);
    expect(r.exitCode, describeRun(r)).toBe(0);
    for (const s of services(r)) if (s.id) pids.add(Number(s.id));
    return r;
  };
  const sql = async (port: number, text: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'app', password, database: 'app' });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(() => {
    dir = tempDir('tldr-native-');
    dir.write('tldr.config.yaml', config('native'));
    dir.write('tldr.auto.yaml', config('auto'));
  });

  afterAll(async () => {
    if (!dir) return;
    try {
      await cli(['down', '--volumes', '--yes']);
    } finally {
      // Whatever outlived `down` (a failed test in between), by the pids we recorded.
      for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
      dir[Symbol.dispose]();
    }
  });

  it('up creates both servers bound to 127.0.0.1; data outlives down → up', async () => {
    const first = await up();
    expect(first.result!.data).toMatchObject({ provider: 'native', instance: name });
    expect(services(first).map((s) => s.action)).toEqual(['created', 'created']);
    const pgPort = byName(first, 'postgres').port;
    await sql(pgPort, 'create table notes (body text); insert into notes values ($$kept$$)');

    const down = await cli(['--json', 'down']);
    expect(down.exitCode, describeRun(down)).toBe(0);
    expect(
      services(down)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['postgres', 'redis']);
    for (const s of services(first)) expect(alive(Number(s.id)), `${s.name} pid ${s.id} still running after down`).toBe(false);

    const again = await up();
    expect(services(again).map((s) => s.action)).toEqual(['started', 'started']);
    // port 0 is remembered in .tldr/state.json: the same ports come back.
    expect(byName(again, 'postgres').port).toBe(pgPort);
    expect(await sql(pgPort, 'select body from notes')).toEqual([{ body: 'kept' }]);
  });

  it('up on running servers changes nothing', async () => {
    const before = await up();
    const after = await up();
    expect(services(after).map((s) => s.action)).toEqual(['none', 'none']);
    expect(services(after).map((s) => s.id)).toEqual(services(before).map((s) => s.id));
  });

  it('status, logs and the client shells use the local servers', async () => {
    const status = await cli(['--json', 'status']);
    expect(status.exitCode, describeRun(status)).toBe(0);
    expect(status.result!.data).toMatchObject({ provider: 'native' });
    expect(services(status).map((s) => [s.name, s.state])).toEqual([
      ['postgres', 'running'],
      ['redis', 'running'],
    ]);
    const psql = await cli(['--json', 'psql', '-tAc', 'select count(*) from notes']);
    expect(psql.exitCode, describeRun(psql)).toBe(0);
    expect((psql.result!.data as { stdout: string }).stdout.trim()).toBe('1');
    const redis = await cli(['--json', 'redis-cli', 'ping']);
    expect((redis.result!.data as { stdout: string }).stdout.trim()).toBe('PONG');
    const logs = await cli(['logs', 'postgres', '--tail', '50']);
    expect(logs.exitCode, describeRun(logs)).toBe(0);
    expect(logs.stdout + logs.stderr).toMatch(/ready to accept connections/);
    expect(logs.stdout + logs.stderr).not.toContain(password);
  });

  it('provider auto falls back to native when no Docker daemon answers', async () => {
    const r = await cli(['--json', '--config', 'tldr.auto.yaml', 'up'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(r.result!.data).toMatchObject({ provider: 'native', instance: name });
    expect(services(r).map((s) => s.action)).toEqual(['none', 'none']);
  });

  it('Django runs against it: tldr manage check', async () => {
    const r = await cli(['manage', 'check']);
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/System check identified no issues/);
  });

  it('down --volumes --yes stops the servers and deletes their data', async () => {
    const status = await cli(['--json', 'status']);
    const folders = services(status).map((s) => s.volume!);
    const running = services(status).map((s) => Number(s.id));
    expect(folders.every((f) => existsSync(f))).toBe(true);
    const r = await cli(['--json', 'down', '--volumes', '--yes']);
    expect(r.exitCode, describeRun(r)).toBe(0);
    expect(services(r).map((s) => (s as unknown as { volume: string }).volume)).toEqual(['removed', 'removed']);
    for (const f of folders) expect(existsSync(f), `${f} still exists`).toBe(false);
    for (const pid of running) expect(alive(pid)).toBe(false);
    const after = await cli(['--json', 'status']);
    expect(services(after).map((s) => s.state)).toEqual(['missing', 'missing']);
  });
});
