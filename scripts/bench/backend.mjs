// Backend figures (issue 4): tldr's wrappers against the bare Django commands with the same
// environment, services already up. A throwaway project (docker provider, free ports) drives
// example/backend; its containers and volumes are removed by label at the end.
import Docker from 'dockerode';
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { backend, benchConfig, bin, parseExports, python } from '../bench-lib.mjs';

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-backend-'));
  writeFileSync(join(dir, 'tldr.config.yaml'), [...benchConfig(name), ''].join('\n'));
  const tldr = (...args) => execa(process.execPath, [bin, ...args], { cwd: dir, env: { NO_COLOR: '1' }, stdin: 'ignore' });
  try {
    // Services up and migrated before anything is timed.
    await tldr('migrate');
    const env = parseExports((await tldr('env', '--all', '--export')).stdout);
    const bare = (...args) => execa(python, ['manage.py', ...args], { cwd: backend, env, extendEnv: false, stdin: 'ignore' });

    await bench.compare('`tldr manage check` vs `python manage.py check` (services up)', {
      tldr: () => tldr('manage', 'check'),
      bare: () => bare('check'),
      runs: 9,
      warmup: 1,
      goal: '≤ 1.25×',
    });
    await bench.compare('`tldr test` vs `python manage.py test --keepdb` (example backend)', {
      tldr: () => tldr('test', '--keepdb', 'documents'),
      bare: () => bare('test', '--keepdb', '--noinput', 'documents'),
      runs: 5,
      warmup: 1,
      goal: '≤ 1.1×',
    });
  } finally {
    const docker = new Docker();
    const containers = await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } }).catch(() => []);
    await Promise.all(
      containers.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
    );
    const { Volumes } = await docker.listVolumes({ filters: { label: [`dev.tldr.project=${name}`] } }).catch(() => ({ Volumes: [] }));
    await Promise.all(
      (Volumes ?? []).map((v) =>
        docker
          .getVolume(v.Name)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  }
}
