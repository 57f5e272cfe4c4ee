import type Docker from 'dockerode';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceName } from '../../src/services/instance.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

const describeRun = (r: CliResult) => `exit ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
const redisOf = (r: CliResult) => r.result!.data as { instance: string; services: Array<{ port: number }> };

describe('two checkouts of one project get disjoint services without editing the config', () => {
  const name = uniqueName('tldrwt');
  const worktreeName = uniqueName('tldrwtgit');
  let docker: Docker;
  let main: TempDir;
  let second: TempDir;
  let worktree: TempDir;
  let port: number;
  const config = (project: string) => `version: 1\nname: ${project}\nservices:\n  redis: { image: tldr-test/redis:7, port: ${port} }\n`;

  beforeAll(async () => {
    docker = await requireDocker();
    port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    main = tempDir('tldr-main-');
    second = tempDir('tldr-copy-');
    worktree = tempDir('tldr-worktree-');
    main.write('tldr.config.yaml', config(name));
    second.write('tldr.config.yaml', config(name));
    worktree.write('tldr.config.yaml', config(worktreeName));
    // A linked git worktree has a .git *file* pointing at the main repository.
    worktree.write('.git', 'gitdir: /somewhere/.git/worktrees/feature\n');
  });

  afterAll(async () => {
    if (docker) {
      for (const n of [name, instanceName(name, second.path, false), instanceName(worktreeName, worktree.path, false)]) await removeProjectResources(docker, n);
    }
    for (const d of [main, second, worktree]) d?.[Symbol.dispose]();
  });

  it('the first checkout is the main one: project name and configured port', async () => {
    const run = await runCli(['--json', 'up', 'redis'], { cwd: main.path });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(redisOf(run).instance).toBe(name);
    expect(redisOf(run).services[0]!.port).toBe(port);
  });

  it('a second checkout of the same project gets its own containers, volumes and a free port', async () => {
    const run = await runCli(['--json', 'up', 'redis'], { cwd: second.path });
    expect(run.exitCode, describeRun(run)).toBe(0);
    const other = instanceName(name, second.path, false);
    expect(redisOf(run).instance).toBe(other);
    const otherPort = redisOf(run).services[0]!.port;
    expect(otherPort).not.toBe(port);
    const mine = await docker.listContainers({ filters: { label: [`dev.tldr.project=${name}`] } });
    const theirs = await docker.listContainers({ filters: { label: [`dev.tldr.project=${other}`] } });
    expect(mine.map((c) => c.Names[0])).toEqual([`/${name}-redis`]);
    expect(theirs.map((c) => c.Names[0])).toEqual([`/${other}-redis`]);
    expect(theirs[0]!.Labels['dev.tldr.checkout']).toBe(second.path);
    const volumes = (await docker.listVolumes({ filters: { label: [`dev.tldr.project=${other}`] } })).Volumes!.map((v) => v.Name);
    expect(volumes).toEqual([`${other}-redis-data`]);
    // The choice is remembered: the next run asks nobody and keeps the port.
    expect(JSON.parse(readFileSync(join(second.path, '.tldr/state.json'), 'utf8'))).toMatchObject({
      instance: other,
      checkout: second.path,
      ports: { redis: otherPort },
    });
    const again = await runCli(['--json', 'up', 'redis'], { cwd: second.path });
    expect(redisOf(again).services[0]).toMatchObject({ port: otherPort, action: 'none' });
    // …and the main checkout is untouched.
    const mainAgain = await runCli(['--json', 'up', 'redis'], { cwd: main.path });
    expect(redisOf(mainAgain)).toMatchObject({ instance: name, services: [{ port, action: 'none' }] });
  });

  it('a linked git worktree (.git is a file) is never the main checkout', async () => {
    const run = await runCli(['--json', 'up', 'redis'], { cwd: worktree.path });
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(redisOf(run).instance).toBe(instanceName(worktreeName, worktree.path, false));
    expect(redisOf(run).services[0]!.port).not.toBe(port);
  });

  it('down in one checkout leaves the other running', async () => {
    const down = await runCli(['--json', 'down', '--volumes', '--yes'], { cwd: second.path });
    expect(down.exitCode, describeRun(down)).toBe(0);
    const status = await runCli(['--json', 'status'], { cwd: main.path });
    const services = (status.result!.data as { services: Array<{ name: string; health: string }> }).services;
    expect(services.find((s) => s.name === 'redis')!.health).toBe('ready');
  });
});
