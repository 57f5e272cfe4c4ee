import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

// Someone else's container (or volume) already has the name tldr would give its own. The test
// makes them with a test-only label — never tldr's — so it can clean up by that label.
const testLabel = 'dev.tldr-test.foreign';
const run = uniqueName('foreign');

const describeRun = (r: CliResult) => `exit ${r.exitCode}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

function config(name: string): string {
  return [
    'version: 1',
    `name: ${name}`,
    'services:',
    '  provider: docker',
    '  postgres: { image: tldr-test/postgres:15, port: 0, password: foreign-pw }',
    '  redis: { image: tldr-test/redis:7, port: 0 }',
    '',
  ].join('\n');
}

describe("a container or volume that is not tldr's is never removed or reused", () => {
  let docker: Docker;
  const dirs: TempDir[] = [];
  const names: string[] = [];
  // Each project in its own folder: .tldr/state.json remembers one instance per folder.
  const project = (name: string) => {
    names.push(name);
    const dir = tempDir('tldr-foreign-');
    dirs.push(dir);
    dir.write('tldr.config.yaml', config(name));
    return (args: string[]) => runCli(args, { cwd: dir.path });
  };
  const tldrOwned = async (name: string) => ({
    containers: (await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } })).map((c) => c.Names[0]),
    volumes: ((await docker.listVolumes({ filters: { label: [`dev.tldr.project=${name}`] } })).Volumes ?? []).map((v) => v.Name),
  });

  beforeAll(async () => {
    docker = await requireDocker();
  });

  afterAll(async () => {
    const mine = { label: [`${testLabel}=${run}`] };
    for (const c of await docker.listContainers({ all: true, filters: mine }))
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    for (const v of (await docker.listVolumes({ filters: mine })).Volumes ?? [])
      await docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined);
    for (const name of names) await removeProjectResources(docker, name);
    for (const dir of dirs) dir[Symbol.dispose]();
  });

  it('tldr up: exit 3 naming the container, its image and creation time, and both fixes; the container is untouched, nothing else made', async () => {
    const name = uniqueName('tldrfc');
    const cli = project(name);
    const foreign = await docker.createContainer({
      name: `${name}-postgres`,
      Image: 'tldr-test/redis:7',
      Labels: { [testLabel]: run },
    });
    await foreign.start();
    const before = await foreign.inspect();

    const up = await cli(['up']);
    expect(up.exitCode, describeRun(up)).toBe(3);
    expect(up.stderr).toContain(`${name}-postgres`);
    expect(up.stderr).toContain('tldr-test/redis:7');
    expect(up.stderr).toContain(before.Created.slice(0, 10));
    expect(up.stderr).toMatch(/docker rm/);
    expect(up.stderr).toMatch(/name:/);

    const json = await cli(['--json', 'up']);
    expect(json.result).toMatchObject({ ok: false, exitCode: 3, error: { code: 'container-not-tldrs' } });

    // `down --volumes --yes` leaves it alone too.
    const down = await cli(['down', '--volumes', '--yes']);
    expect(down.exitCode, describeRun(down)).toBe(3);

    const after = await foreign.inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    expect(after.Config.Labels).toEqual(before.Config.Labels);
    // Checked before anything was made: no redis container, no volumes of tldr's.
    expect(await tldrOwned(name)).toEqual({ containers: [], volumes: [] });
  });

  it("tldr up: a volume of that name without tldr's labels is neither reused nor removed (exit 3)", async () => {
    const name = uniqueName('tldrfv');
    const cli = project(name);
    await docker.createVolume({ Name: `${name}-postgres-data`, Labels: { [testLabel]: run } });

    const up = await cli(['up']);
    expect(up.exitCode, describeRun(up)).toBe(3);
    expect(up.stderr).toContain(`${name}-postgres-data`);
    expect(up.stderr).toMatch(/docker volume rm/);
    expect(up.stderr).toMatch(/name:/);

    const volume = await docker.getVolume(`${name}-postgres-data`).inspect();
    expect(volume.Labels).toEqual({ [testLabel]: run });
    expect(await tldrOwned(name)).toEqual({ containers: [], volumes: [] });
    expect(await docker.listContainers({ all: true, filters: { name: [`^/${name}-`] } })).toEqual([]);
  });
});
