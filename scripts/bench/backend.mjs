// Backend figures (issue 4): tldr's wrappers against the bare Django commands with the same
// environment, services already up. A throwaway project (docker provider, free ports) drives
// example/backend; its containers and volumes are removed by label at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { backend, benchConfig, glueIn, parseExports, python, removeBenchProject, run, tldrIn } from '../bench-lib.mjs';

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-backend-'));
  writeFileSync(join(dir, 'tldr.config.yaml'), [...benchConfig(name), ''].join('\n'));
  const tldr = tldrIn(dir);
  const glue = glueIn(dir);
  try {
    // Services up and migrated before anything is timed.
    await glue('migrate');
    const env = parseExports((await glue('env', '--all', '--export')).stdout);
    const bare = (...args) => run(python, ['manage.py', ...args], { cwd: backend, env, nothrow: true });

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
    await removeBenchProject(name);
    rmSync(dir, { recursive: true, force: true });
  }
}
