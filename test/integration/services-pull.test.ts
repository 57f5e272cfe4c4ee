import type Docker from 'dockerode';
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

// A missing image is pulled, with progress, from a registry on 127.0.0.1 (Debian's docker-registry)
// serving the offline test image under a new name.
describe('image pull from a local registry', () => {
  const name = uniqueName('tldrpull');
  let docker: Docker;
  let dir: TempDir;
  let registry: ResultPromise | undefined;
  let image: string;

  beforeAll(async () => {
    docker = await requireDocker();
    dir = tempDir('tldr-pull-');
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    registry = execa('bash', [join(repoRoot, 'scripts/start-test-registry.sh'), String(port), join(dir.path, 'registry')], { reject: false, stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${port}/v2/`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 100) throw new Error('the test registry did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    image = `127.0.0.1:${port}/${name}/redis:7`;
    await docker.getImage('tldr-test/redis:7').tag({ repo: `127.0.0.1:${port}/${name}/redis`, tag: '7' });
    await execa('docker', ['push', '--quiet', image]);
    await docker.getImage(image).remove();
    dir.write('tldr.config.yaml', `version: 1\nname: ${name}\nservices:\n  redis: { image: "${image}", port: 0 }\n`);
  });

  afterAll(async () => {
    if (docker) await removeProjectResources(docker, name);
    if (docker && image)
      await docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    if (registry?.pid) process.kill(registry.pid, 'SIGTERM');
    await registry;
    dir?.[Symbol.dispose]();
  });

  it('tldr up pulls the missing image with layer progress, then starts it', async () => {
    await expect(docker.getImage(image).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const run = await runCli(['--json', 'up', 'redis'], { cwd: dir.path });
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    const pulls = run.events.filter((e) => e.type === 'service' && /^pull(ing|ed) /.test(e.message ?? '')).map((e) => (e as { message: string }).message);
    expect(pulls[0]).toContain(`pulling ${image}`);
    expect(pulls.at(-1)).toMatch(new RegExp(`^pulled ${image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}  (\\d+)/\\1 layers`));
    expect((await docker.getImage(image).inspect()).RepoTags).toContain(image);
    expect(run.events.some((e) => e.type === 'service' && e.state === 'ready' && e.name === 'redis')).toBe(true);
  });

  it('an image the registry does not have: exit 3 naming it', async () => {
    dir.write('tldr.config.yaml', `version: 1\nname: ${name}\nservices:\n  redis: { image: "${image.replace(':7', ':missing')}", port: 0 }\n`);
    const run = await runCli(['up', 'redis'], { cwd: dir.path });
    expect(run.exitCode, run.stderr).toBe(3);
    expect(run.stderr).toContain('could not pull image');
    expect(run.stderr).toContain('services.redis.image');
  });
});
