import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName } from '../helpers/fixtures.js';

const inspections = [
  ['env'],
  ['env', '--all'],
  ['--json', 'env'],
  ['config', 'validate'],
  ['config', 'print'],
  ['config', 'schema'],
  ['doctor'],
  ['status'],
  ['--json', 'status'],
];
// doctor's verdict: this project has no backend folder (2, a config problem it reports) and the machine (0 or 3) — never a side effect.
const ok = (args: string[]) => (args[0] === 'doctor' ? [0, 2, 3] : [0]);

describe('inspection commands change nothing', () => {
  it('env, config, doctor and status create no container, volume or state file; env says what is not running', async () => {
    const docker = await requireDocker();
    await using dir = tempDir();
    const name = uniqueName('tldrinsp');
    dir.write(
      'tldr.config.yaml',
      `version: 1\nname: ${name}\nservices:\n  provider: docker\n  postgres: { image: tldr-test/postgres:15, port: 0 }\n  redis: { image: tldr-test/redis:7, port: 0 }\nenv: { DB: "\${postgres.url}" }\n`,
    );
    try {
      const runs = [];
      for (const args of inspections) runs.push({ args, run: await runCli(args, { cwd: dir.path }) });
      for (const { args, run } of runs) expect(ok(args), `${args.join(' ')}: ${run.stderr}`).toContain(run.exitCode);
      const label = { label: [`dev.tldr.project=${name}`] };
      expect(await docker.listContainers({ all: true, filters: label })).toEqual([]);
      expect((await docker.listVolumes({ filters: label })).Volumes ?? []).toEqual([]);
      expect(existsSync(join(dir.path, '.tldr'))).toBe(false);

      const env = runs.find((r) => r.args.join(' ') === '--json env')!.run;
      expect(env.result!.data).toMatchObject({
        services: [
          { name: 'postgres', state: 'missing' },
          { name: 'redis', state: 'missing' },
        ],
        notRunning: [expect.stringMatching(/^postgres is not created: it has no port yet/), expect.stringMatching(/^redis is not created: it has no port yet/)],
        env: { DB: '${postgres.url}', POSTGRES_DB: 'tldr', POSTGRES_USER: 'tldr' },
      });
      expect(runs[0]!.run.stderr).toContain('postgres is not created');
    } finally {
      await removeProjectResources(docker, name);
    }
  });

  it('a stopped service stays stopped: env points at its remembered port and says it is stopped', async () => {
    const docker = await requireDocker();
    await using dir = tempDir();
    const name = uniqueName('tldrinsp');
    dir.write(
      'tldr.config.yaml',
      `version: 1\nname: ${name}\nservices:\n  provider: docker\n  postgres: { image: tldr-test/postgres:15, port: 0 }\n  redis: { image: tldr-test/redis:7, port: 0 }\n`,
    );
    try {
      const up = await runCli(['--json', 'up', 'redis'], { cwd: dir.path });
      expect(up.exitCode, up.stderr).toBe(0);
      const port = (up.result!.data as { services: Array<{ port: number }> }).services[0]!.port;
      expect((await runCli(['down'], { cwd: dir.path })).exitCode).toBe(0);
      for (const args of inspections) expect(ok(args), args.join(' ')).toContain((await runCli(args, { cwd: dir.path })).exitCode);
      const env = await runCli(['--json', 'env'], { cwd: dir.path });
      expect(env.result!.data).toMatchObject({
        services: [
          { name: 'postgres', state: 'missing' },
          { name: 'redis', state: 'stopped', port },
        ],
        env: { REDIS_URL: `redis://127.0.0.1:${port}/0` },
      });
      expect((env.result!.data as { notRunning: string[] }).notRunning).toContain(
        `redis is stopped: the values point at port ${port}, where it will answer; \`tldr up\` starts it`,
      );
      const containers = await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } });
      expect(containers.map((c) => [c.Labels['dev.tldr.service'], c.State])).toEqual([['redis', 'exited']]);
    } finally {
      await removeProjectResources(docker, name);
    }
  });
});
