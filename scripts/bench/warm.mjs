// Issue 13's figures: the cold path (Django set up while tldr checks the services: the head start)
// and the warm path (a fork of the warm Django server) against the bare Django commands with the
// same environment, services up and the database migrated. A throwaway project (docker
// provider, free ports) drives example/backend; its warm server, containers and volumes are
// removed at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { backend, benchConfig, glueIn, parseExports, python, removeBenchProject, run, tldrIn } from '../bench-lib.mjs';

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-warm-'));
  writeFileSync(join(dir, 'tldr.config.yaml'), [...benchConfig(name), ''].join('\n'));
  const tldr = tldrIn(dir);
  const tldrMayFail = tldrIn(dir, { nothrow: true });
  const glue = glueIn(dir);
  // Without `.tldr/state.json` nothing says where the services answer before they are checked:
  // the run is cold without a head start (the next one writes the file again).
  const forgetState = (side) => side === 'bare' && rmSync(join(dir, '.tldr/state.json'), { force: true });
  try {
    await glue('migrate');
    const env = parseExports((await glue('env', '--all', '--export')).stdout);
    const bare = (...args) => run(python, ['manage.py', ...args], { cwd: backend, env, nothrow: true });
    const label = 'documents.tests.DocumentModelTests';

    // Cold path (no warm server).
    await bench.compare('cold `tldr manage check` vs `python manage.py check`', {
      tldr: () => tldr('manage', 'check'),
      bare: () => bare('check'),
      runs: 7,
      goal: '≤ 1.1×',
    });
    await bench.compare('cold `tldr test` vs `python manage.py test --keepdb` (example backend)', {
      tldr: () => tldr('test', '--keepdb', 'documents'),
      bare: () => bare('test', '--keepdb', '--noinput', 'documents'),
      runs: 5,
      goal: '≤ 1.1×',
    });
    await bench.compare('cold `tldr migrate --check --no-reversibility` vs `makemigrations --check --dry-run`', {
      tldr: () => tldr('migrate', '--check', '--no-reversibility'),
      bare: () => bare('makemigrations', '--check', '--dry-run'),
      runs: 7,
      goal: '≤ 1.1×',
    });
    await bench.compare('cold `tldr manage check` with the head start vs without (no `.tldr/state.json`)', {
      tldr: () => tldr('manage', 'check'),
      bare: () => tldr('manage', 'check'),
      before: forgetState,
      runs: 7,
      goal: '< 1×',
    });

    // Warm path.
    await glue('warm', 'start', '--idle-timeout', '10m');
    await tldr('manage', 'check');
    await bench.compare('warm `tldr manage check` vs `python manage.py check`', {
      tldr: () => tldr('manage', 'check'),
      bare: () => bare('check'),
      runs: 9,
      goal: '≤ 0.5×',
    });
    await bench.compare('warm `tldr test` vs `python manage.py test --keepdb` (example backend)', {
      tldr: () => tldr('test', '--keepdb', 'documents'),
      bare: () => bare('test', '--keepdb', '--noinput', 'documents'),
      runs: 7,
      goal: '≤ 0.5×',
    });
    await bench.compare(`warm \`tldr test\` of one label vs \`python manage.py test --keepdb\` (${label})`, {
      tldr: () => tldrMayFail('test', '--keepdb', label),
      bare: () => bare('test', '--keepdb', '--noinput', label),
      runs: 7,
      goal: '≤ 0.3×',
    });
    await bench.compare('warm `tldr migrate --check --no-reversibility` vs `makemigrations --check --dry-run`', {
      tldr: () => tldr('migrate', '--check', '--no-reversibility'),
      bare: () => bare('makemigrations', '--check', '--dry-run'),
      runs: 9,
      goal: '≤ 0.5×',
    });
    await bench.compare('warm `tldr manage check` vs `tldr manage --cold check`', {
      tldr: () => tldr('manage', 'check'),
      bare: () => tldr('manage', '--cold', 'check'),
      runs: 7,
      goal: 'information',
    });
  } finally {
    await glue('warm', 'stop').catch(() => undefined);
    await removeBenchProject(name);
    rmSync(dir, { recursive: true, force: true });
  }
}
