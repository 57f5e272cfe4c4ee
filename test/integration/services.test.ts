import type Docker from 'dockerode';
import { execa } from 'execa';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Output } from '../../src/output/output.js';
import { openProject } from '../../src/config/project.js';
import { serviceLogs } from '../../src/commands/services/logs.js';
import { binPath, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

// One instance for the whole file (the cold start is the expensive part); tests run in order.
const name = uniqueName('tldrsvc');
const password = 'pw-Zq81xKe';

function config(extra: { postgresPort?: number; redisPort?: number; password?: string } = {}): string {
  return [
    'version: 1',
    `name: ${name}`,
    'services:',
    '  provider: docker',
    `  postgres: { image: tldr-test/postgres:15, port: ${extra.postgresPort ?? 0}, db: app, user: app, password: ${extra.password ?? password} }`,
    `  redis: { image: tldr-test/redis:7, port: ${extra.redisPort ?? 0} }`,
    '',
  ].join('\n');
}

const describeRun = (r: CliResult) => `exit ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe('services on a real Docker Engine', () => {
  let docker: Docker;
  let dir: TempDir;
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir.path, env });
  const containers = async () => {
    const list = await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } });
    return Object.fromEntries(list.map((c) => [c.Labels['dev.tldr.service']!, c]));
  };
  const volumes = async () => ((await docker.listVolumes({ filters: { label: [`dev.tldr.project=${name}`] } })).Volumes ?? []).map((v) => v.Name).sort();
  const sql = async (port: number, text: string) => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'app', password, database: 'app' });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };
  const portOf = (r: CliResult, service: string) =>
    (r.result!.data as { services: Array<{ name: string; port: number }> }).services.find((s) => s.name === service)!.port;

  beforeAll(async () => {
    docker = await requireDocker();
    dir = tempDir('tldr-services-');
    dir.write('tldr.config.yaml', config());
  });

  afterAll(async () => {
    if (docker) await removeProjectResources(docker, name);
    dir?.[Symbol.dispose]();
  });

  it('up: both services ready, published on 127.0.0.1 only, named volumes, labels', async () => {
    const run = await cli(['--json', 'up']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const ready = run.events.filter((e) => e.type === 'service' && e.state === 'ready');
    expect(ready.map((e) => (e as { name: string }).name).sort()).toEqual(['postgres', 'redis']);
    expect(run.stdout).not.toContain(password);
    expect(run.stdout).toContain('postgres://app:***@127.0.0.1:');
    const found = await containers();
    for (const service of ['postgres', 'redis']) {
      const info = await docker.getContainer(found[service]!.Id).inspect();
      expect(info.Name).toBe(`/${name}-${service}`);
      expect(info.State.Running).toBe(true);
      const bindings = Object.values(info.HostConfig.PortBindings as Record<string, Array<{ HostIp: string }>>).flat();
      expect(bindings.length).toBeGreaterThan(0);
      for (const b of bindings) expect(b.HostIp).toBe('127.0.0.1');
      const ports = Object.values(info.NetworkSettings.Ports).flat().filter(Boolean) as Array<{ HostIp: string }>;
      for (const p of ports) expect(p.HostIp).toBe('127.0.0.1');
      expect(info.Config.Labels).toMatchObject({ 'dev.tldr.project': name, 'dev.tldr.service': service, 'dev.tldr.checkout': dir.path });
      expect(info.Config.Labels['dev.tldr.config-hash']).toMatch(/^[0-9a-f]{16}$/);
      expect(info.Mounts.map((m) => `${m.Name}:${m.Destination}`)).toEqual([
        `${name}-${service}-data:${service === 'postgres' ? '/var/lib/postgresql/data' : '/data'}`,
      ]);
    }
    expect(await volumes()).toEqual([`${name}-postgres-data`, `${name}-redis-data`]);
    const state = JSON.parse(readFileSync(join(dir.path, '.tldr/state.json'), 'utf8'));
    expect(state).toMatchObject({ instance: name, checkout: dir.path, ports: { postgres: portOf(run, 'postgres'), redis: portOf(run, 'redis') } });
  });

  it('a row written through `tldr psql` is readable over the published port', async () => {
    const run = await cli(['psql', '-v', 'ON_ERROR_STOP=1', '-c', "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives down/up')"]);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout).toContain('INSERT 0 1');
    const status = await cli(['--json', 'status']);
    expect(await sql(portOf(status, 'postgres'), 'SELECT v FROM kept')).toEqual([{ v: 'survives down/up' }]);
  });

  it('up again changes nothing (same containers) and loads no dockerode', async () => {
    const before = await containers();
    const log = join(dir.path, 'loads.log');
    const started = performance.now();
    const run = await execa(process.execPath, ['--import', join(repoRoot, 'test/helpers/record-loads.mjs'), binPath, '--json', 'up'], {
      cwd: dir.path,
      env: { TLDR_LOAD_LOG: log },
      reject: false,
    });
    const ms = performance.now() - started;
    expect(run.exitCode, String(run.stderr)).toBe(0);
    const result = JSON.parse(String(run.stdout).trim().split('\n').pop()!);
    expect(result.data.services.map((s: { action: string }) => s.action)).toEqual(['none', 'none']);
    const after = await containers();
    expect(after.postgres!.Id).toBe(before.postgres!.Id);
    expect(after.redis!.Id).toBe(before.redis!.Id);
    expect(readFileSync(log, 'utf8')).not.toMatch(/node_modules\/(dockerode|docker-modem|ssh2)\//);
    expect(ms).toBeLessThan(5_000);
  });

  it('status: state, redacted URL, health, uptime (--json)', async () => {
    const run = await cli(['--json', 'status']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const services = (run.result!.data as { services: Array<Record<string, unknown>> }).services;
    for (const s of services) {
      expect(s).toMatchObject({ state: 'running', health: 'ready', container: `${name}-${s.name}` });
      expect(s.uptimeSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(services.find((s) => s.name === 'postgres')!.url).toMatch(/^postgres:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/app$/);
    expect(run.stdout).not.toContain(password);
  });

  it('provider external: the configured URLs are only probed', async () => {
    const status = await cli(['--json', 'status']);
    const other = tempDir('tldr-services-external-');
    try {
      other.write(
        'tldr.config.yaml',
        [
          'version: 1',
          `name: ${uniqueName('tldrext')}`,
          'services:',
          '  provider: external',
          `  postgres: { url: "postgres://app:${password}@127.0.0.1:${portOf(status, 'postgres')}/app?application_name=tldr" }`,
          `  redis: { url: "redis://127.0.0.1:${portOf(status, 'redis')}/0" }`,
          '',
        ].join('\n'),
      );
      const up = await runCli(['--json', 'up'], { cwd: other.path });
      expect(up.exitCode, describeRun(up)).toBe(0);
      expect(up.result!.data).toMatchObject({
        provider: 'external',
        services: [
          { name: 'postgres', action: 'none' },
          { name: 'redis', action: 'none' },
        ],
      });
      expect(up.stdout).not.toContain(password);
      const env = await runCli(['--json', 'env'], { cwd: other.path });
      expect((env.result!.data as { env: Record<string, string> }).env).toMatchObject({
        POSTGRES_DB: 'app',
        POSTGRES_USER: 'app',
        POSTGRES_PORT: String(portOf(status, 'postgres')),
      });
      const ext = await runCli(['--json', 'status'], { cwd: other.path });
      expect((ext.result!.data as { services: Array<{ state: string; health: string }> }).services.map((s) => `${s.state}/${s.health}`)).toEqual([
        'external/ready',
        'external/ready',
      ]);
      const psql = await runCli(['psql', '-c', 'select 1'], { cwd: other.path });
      expect(psql.exitCode).toBe(3);
      expect(psql.stderr).toContain('psql "$DATABASE_URL"');
      expect((await containers()).postgres!.State).toBe('running');
    } finally {
      other[Symbol.dispose]();
    }
  });

  it('redis-cli and psql forward their arguments; --json captures the output', async () => {
    expect((await cli(['redis-cli', 'SET', 'greeting', 'hello'])).stdout).toContain('OK');
    const get = await cli(['--json', 'redis-cli', 'GET', 'greeting']);
    expect(get.exitCode, describeRun(get)).toBe(0);
    expect(get.result!.data).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
    const failing = await cli(['psql', '-v', 'ON_ERROR_STOP=1', '-c', 'SELECT * FROM missing_table']);
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr).toContain('missing_table');
  });

  it('service logs: the last N lines of the container', async () => {
    const lines: string[] = [];
    const output = new Output({ mode: 'json', stdout: { write: (l: string) => (lines.push(l), true) } as never });
    const result = await serviceLogs({ project: openProject({ cwd: dir.path }), output, name: 'postgres', tail: 5 });
    expect(result.data.lines).toBe(5);
    expect(lines.join('')).toContain('"source":"postgres"');
  });

  it('down --volumes without --yes exits 2 and removes nothing', async () => {
    const before = await containers();
    const run = await cli(['down', '--volumes']);
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('--yes');
    const after = await containers();
    expect(after.postgres!.State).toBe('running');
    expect(after.redis!.State).toBe('running');
    expect(await volumes()).toHaveLength(2);
    expect(after.postgres!.Id).toBe(before.postgres!.Id);
  });

  it('down stops cleanly and keeps data; up brings the row back', async () => {
    const down = await cli(['--json', 'down']);
    expect(down.exitCode, describeRun(down)).toBe(0);
    const stopped = await containers();
    expect(stopped.postgres!.State).toBe('exited');
    const logs = await docker.getContainer(stopped.postgres!.Id).logs({ stdout: true, stderr: true, tail: 10 });
    expect(String(logs)).toContain('database system is shut down');
    expect((await docker.getContainer(stopped.postgres!.Id).inspect()).State.ExitCode).toBe(0);
    const up = await cli(['--json', 'up']);
    expect(up.exitCode, describeRun(up)).toBe(0);
    expect((up.result!.data as { services: Array<{ action: string }> }).services.map((s) => s.action)).toEqual(['started', 'started']);
    expect(await sql(portOf(up, 'postgres'), 'SELECT v FROM kept')).toEqual([{ v: 'survives down/up' }]);
  });

  it('a changed config recreates the container and keeps the data volume', async () => {
    const before = await containers();
    const free = await freePort();
    dir.write('tldr.config.yaml', config({ postgresPort: free }));
    const run = await cli(['--json', 'up']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const services = (run.result!.data as { services: Array<{ name: string; action: string; reason?: string; port: number }> }).services;
    expect(services.find((s) => s.name === 'postgres')).toMatchObject({ action: 'recreated', reason: 'config changed (port)', port: free });
    expect(services.find((s) => s.name === 'redis')!.action).toBe('none');
    const after = await containers();
    expect(after.postgres!.Id).not.toBe(before.postgres!.Id);
    expect(after.redis!.Id).toBe(before.redis!.Id);
    expect(await sql(free, 'SELECT v FROM kept')).toEqual([{ v: 'survives down/up' }]);
  });

  it('credentials the data volume was not made with: exit 4 with the log tail and a hint', async () => {
    dir.write('tldr.config.yaml', config({ password: 'another-password' }));
    try {
      const run = await cli(['up', 'postgres']);
      expect(run.exitCode, describeRun(run)).toBe(4);
      expect(run.stderr).toContain('password authentication failed');
      expect(run.stderr).toMatch(/last \d+ log lines of postgres/);
      expect(run.stderr).toContain('tldr down --volumes --yes');
      expect(run.stderr).not.toContain('another-password');
    } finally {
      dir.write('tldr.config.yaml', config());
    }
  });

  it('a configured port another process holds: exit 3 naming it, before anything is created', async () => {
    await using holder = await listen();
    const other = tempDir('tldr-services-port-');
    const otherName = uniqueName('tldrport');
    try {
      other.write('tldr.config.yaml', config({ redisPort: holder.port }).replace(`name: ${name}`, `name: ${otherName}`));
      const run = await runCli(['up'], { cwd: other.path });
      expect(run.exitCode, describeRun(run)).toBe(3);
      expect(run.stderr).toContain(`port ${holder.port} on 127.0.0.1 (services.redis.port) is taken by node (pid ${process.pid})`);
      expect(await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${otherName}`] } })).toEqual([]);
      expect((await docker.listVolumes({ filters: { label: [`dev.tldr.project=${otherName}`] } })).Volumes ?? []).toEqual([]);
    } finally {
      await removeProjectResources(docker, otherName);
      other[Symbol.dispose]();
    }
  });

  it('a container that exits during start-up fails fast: exit 4 with its last log lines', async () => {
    const other = tempDir('tldr-services-exit-');
    const otherName = uniqueName('tldrexit');
    try {
      // The image refuses to initialise a database without a password and exits 1.
      other.write('tldr.config.yaml', `version: 1\nname: ${otherName}\nservices:\n  postgres: { image: tldr-test/postgres:15, port: 0, password: "" }\n`);
      const started = performance.now();
      const run = await runCli(['up', 'postgres'], { cwd: other.path });
      expect(run.exitCode, describeRun(run)).toBe(4);
      expect(performance.now() - started).toBeLessThan(20_000);
      expect(run.stderr).toContain('postgres stopped during start-up: the container exited (code 1)');
      expect(run.stderr).toContain('superuser password is not specified');
    } finally {
      await removeProjectResources(docker, otherName);
      other[Symbol.dispose]();
    }
  });

  it('DOCKER_HOST pointing nowhere: exit 3 listing what was tried', async () => {
    const run = await cli(['up'], { DOCKER_HOST: 'tcp://127.0.0.1:1' });
    expect(run.exitCode, describeRun(run)).toBe(3);
    expect(run.stderr).toContain('no Docker daemon answered');
    expect(run.stderr).toContain('tcp://127.0.0.1:1 (DOCKER_HOST): connection refused');
    expect(run.stderr).toContain('unset DOCKER_HOST');
    const socket = await cli(['--json', 'status'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(socket.exitCode).toBe(3);
    expect(socket.result!.error).toMatchObject({ code: 'docker-unavailable' });
  });

  it('the built-in up and down steps run in a pipeline (`tldr run`)', async () => {
    dir.write('tldr.config.yaml', `${config()}pipelines:\n  cycle: [up, down]\n`);
    try {
      const run = await cli(['--json', 'run', 'cycle']);
      expect(run.exitCode, describeRun(run)).toBe(0);
      const ends = run.events.filter((e) => e.type === 'step.end').map((e) => `${(e as { step: string }).step}:${(e as { status: string }).status}`);
      expect(ends).toEqual(['up:ok', 'down:ok']);
      expect(run.events.some((e) => e.type === 'service' && e.name === 'postgres' && e.state === 'ready')).toBe(true);
      const after = await containers();
      expect(after.postgres!.State).toBe('exited');
      expect(after.redis!.State).toBe('exited');
    } finally {
      dir.write('tldr.config.yaml', config());
    }
  });

  it('down --volumes --yes removes containers and volumes', async () => {
    const run = await cli(['--json', 'down', '--volumes', '--yes']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(await containers()).toEqual({});
    expect(await volumes()).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function listen(): Promise<{ port: number } & AsyncDisposable> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, [Symbol.asyncDispose]: () => new Promise<void>((r) => server.close(() => r())) };
}
