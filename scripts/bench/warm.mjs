// Issue 13's figures: the cold path (Django set up while tldr checks the services: the head start)
// and the warm path (a fork of the warm Django server) against the bare Django commands with the
// same environment, services up and the database migrated. A throwaway project (docker
// provider, free ports) drives example/backend; its warm server, containers and volumes are
// removed at the end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { backend, benchConfig, glueIn, parseExports, python, removeBenchProject, run, tldrIn } from '../bench-lib.mjs';

/** One session on `name` (what a bare run or a psql would be to a prepared run). */
async function touchDatabase(env, name) {
  const client = new pg.Client({ connectionString: env.DATABASE_URL.replace(/\/tldr(\?|$)/, `/${name}$1`) });
  await client.connect();
  await client.end();
}

async function createDatabase(env, name) {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
}

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
    // Until the run prepared after the last `tldr test --keepdb` waits at its pause (untimed).
    const preparedRunWaits = async () => {
      for (let i = 0; i < 100; i++) {
        const status = JSON.parse((await glue('--json', 'warm', 'status')).stdout.trim().split('\n').at(-1));
        if (status.data?.server?.prepared?.paused) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    // A `tldr test --keepdb` leaves the next identical run prepared (its test database set up);
    // a bare run on the same test database in between makes it set that up again. So the bare
    // side runs on a database of its own (the same server, migrations and set-up work), as an
    // agent's repeated calls run with nobody else on the test database; the row after puts a
    // session on tldr's test database before each tldr run, so each prepared run is set up again.
    await createDatabase(env, 'tldrbare');
    const ownEnv = { ...env, DATABASE_URL: env.DATABASE_URL.replace(/\/tldr(\?|$)/, '/tldrbare$1') };
    const bareOwn = (...args) => run(python, ['manage.py', ...args], { cwd: backend, env: ownEnv, nothrow: true });
    await bareOwn('migrate', '--noinput');
    await tldr('manage', 'check');
    await bench.compare('warm `tldr manage check` vs `python manage.py check`', {
      tldr: () => tldr('manage', 'check'),
      bare: () => bare('check'),
      runs: 9,
      goal: '≤ 0.5×',
    });
    await bench.compare('warm `tldr test` vs `python manage.py test --keepdb` (example backend; its own database)', {
      tldr: () => tldr('test', '--keepdb', 'documents'),
      bare: () => bareOwn('test', '--keepdb', '--noinput', 'documents'),
      runs: 7,
      goal: '≤ 0.5×',
    });
    await bench.compare(
      `warm \`tldr test\` of one label, run after run (the prepared run used) vs \`python manage.py test --keepdb\` (${label}; its own database)`,
      {
        tldr: () => tldrMayFail('test', '--keepdb', label),
        bare: () => bareOwn('test', '--keepdb', '--noinput', label),
        // The sides alternate which goes first, so every other tldr run would start right after
        // the one before, while its prepared run is still being set up (the row after next).
        before: (side) => side === 'tldr' && preparedRunWaits(),
        runs: 7,
        goal: '≤ 0.3×',
      },
    );
    await bench.compare(`the same started right after the one before (its prepared run still being set up)`, {
      tldr: () => tldrMayFail('test', '--keepdb', label),
      bare: () => bareOwn('test', '--keepdb', '--noinput', label),
      before: async (side) => side === 'tldr' && (await tldrMayFail('test', '--keepdb', label)),
      runs: 5,
      goal: 'information',
    });
    await bench.compare(`the same after another session on the test database each time (the prepared run sets it up again)`, {
      tldr: () => tldrMayFail('test', '--keepdb', label),
      bare: () => bareOwn('test', '--keepdb', '--noinput', label),
      before: (side) => side === 'tldr' && touchDatabase(env, 'test_tldr'),
      runs: 7,
      goal: 'information',
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
