// `tldr migrate --check --no-reversibility` (every check, one Django start) against one bare
// `manage.py makemigrations --check --dry-run`, and against the naive sequence of Django's own
// checks one after another; and what watching the scratch run costs (locks and rewrites per
// statement) against today's reversibility run, on the example and on 20 migrations. Services
// are up and the database migrated before timing starts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
// The python every figure uses (TLDR_BENCH_PYTHON or the example venv), which the bench's precondition check vouches for.
import { backend, parseExports, python, removeBenchProject, root, run, tldrIn } from '../bench-lib.mjs';

const repo = root;
const library = pathToFileURL(join(repo, 'dist/index.js')).href;

// One `migrateCheck` through the library, watching or not (`observe` has no CLI flag): the same
// process start and service check on both sides of the comparison.
const checkScript = `
const [configPath, observe] = process.argv.slice(1);
const { openProject, Output, migrateCheck } = await import(${JSON.stringify(library)});
const result = await migrateCheck({ project: openProject({ configPath }), output: new Output({ mode: 'json' }), observe: observe === 'watch' });
if (result.exitCode > 1 || !result.data.reversibility.ran) throw new Error('migrate --check: ' + result.summary + ' ' + JSON.stringify(result.data.reversibility));
if (observe === 'watch' && result.data.watched === 0) throw new Error('nothing was watched');
process.stderr.write(JSON.stringify({ watchMs: result.data.reversibility.watchMs ?? 0, helperMs: result.data.durationMs }) + '\\n');
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// The wall-clock ratio swings with the machine's load; the helper also reports the time it spent
// watching, which measures the cost without the noise of two separate runs.
async function compareWatching(bench, figure, run) {
  const shares = [];
  const watched = async () => {
    const { stderr } = await run('watch');
    const { watchMs, helperMs } = JSON.parse(stderr.trim().split('\n').at(-1));
    shares.push((100 * watchMs) / helperMs);
  };
  await bench.compare(`\`tldr migrate --check\` watching locks and rewrites vs not (${figure})`, {
    tldr: watched,
    bare: () => run('no-watch'),
    runs: 11,
    goal: '≤ 1.10×',
  });
  bench.report(`the same: time the helper spent watching, share of its run (${figure})`, median(shares).toFixed(1), '%', '≤ 10 %');
}

function writeConfig(dir, file, name, apps) {
  const configFile = join(dir, file);
  writeFileSync(
    configFile,
    [
      'version: 1',
      `name: ${name}`,
      `backend: { dir: ${JSON.stringify(backend)}, settings: tldr.settings, python: [${JSON.stringify(python)}] }`,
      'services:',
      '  provider: docker',
      '  postgres: { image: tldr-test/postgres:15, port: 0 }',
      '  redis: { image: tldr-test/redis:7, port: 0 }',
      'env:',
      `  PYTHONPATH: ${JSON.stringify(join(repo, 'test/fixtures/migrations'))}`,
      `  TLDR_EXAMPLE_EXTRA_APPS: ${apps}`,
    ].join('\n'),
  );
  return configFile;
}

export default async function (bench) {
  const name = `tldrbench-mc-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-mc-'));
  const configFile = writeConfig(dir, 'tldr.config.yaml', name, 'lint_safe,lint_unsafe');
  const tldr = tldrIn(dir, { prefix: ['--config', configFile], nothrow: true });
  const library = (config, observe) => run(process.execPath, ['--input-type=module', '-e', checkScript, config, observe], { cwd: dir });
  try {
    const migrated = await tldr('--json', 'migrate');
    if (migrated.exitCode !== 0) throw new Error(`tldr migrate failed: ${migrated.stderr || migrated.stdout.slice(-2000)}`);
    // The exact environment tldr gives Django, for the bare commands.
    const exported = await tldr('env', '--export', '--all');
    const env = parseExports(exported.stdout);
    if (!env.DATABASE_URL) throw new Error(`tldr env --export gave no DATABASE_URL: ${exported.stderr}`);
    const manage = (...args) => run(python, ['manage.py', ...args], { cwd: backend, env, nothrow: true });

    const check = await tldr('--json', 'migrate', '--check', '--no-reversibility');
    if (check.exitCode !== 0) throw new Error(`tldr migrate --check exited ${check.exitCode}: ${check.stdout.split('\n').slice(-3).join('\n')}`);

    await bench.compare('`tldr migrate --check --no-reversibility` vs `manage.py makemigrations --check --dry-run`', {
      tldr: () => tldr('--json', 'migrate', '--check', '--no-reversibility'),
      bare: () => manage('makemigrations', '--check', '--dry-run'),
      runs: 7,
      goal: '≤ 1.25×',
    });
    await bench.compare(
      '`tldr migrate --check --no-reversibility` vs naive sequence (makemigrations --check --dry-run; migrate --check; showmigrations --plan)',
      {
        tldr: () => tldr('--json', 'migrate', '--check', '--no-reversibility'),
        bare: async () => {
          await manage('makemigrations', '--check', '--dry-run');
          await manage('migrate', '--check');
          await manage('showmigrations', '--plan');
        },
        runs: 5,
        goal: 'for comparison',
      },
    );
    // The reversibility run's cost: five unapplied migrations, applied, reverted and re-applied on a scratch copy.
    const back = await tldr('--json', 'migrate', 'lint_safe', '0004_article_subtitle_index_concurrently');
    if (back.exitCode !== 0) throw new Error(`tldr migrate lint_safe 0004 failed: ${back.stderr || back.stdout.slice(-2000)}`);
    await bench.compare('`tldr migrate --check` with vs without reversibility (5 unapplied migrations)', {
      tldr: () => tldr('--json', 'migrate', '--check'),
      bare: () => tldr('--json', 'migrate', '--check', '--no-reversibility'),
      runs: 3,
      goal: 'for information',
    });
    await compareWatching(bench, 'the example, 5 unapplied migrations', (observe) => library(configFile, observe));

    // 20 unapplied migrations of one app (test/fixtures/migrations/bench20) on a migrated database.
    const twenty = writeConfig(dir, 'bench20.yaml', name, 'bench20');
    const tldr20 = tldrIn(dir, { prefix: ['--config', twenty], nothrow: true });
    for (const args of [['migrate'], ['migrate', 'bench20', 'zero']]) {
      const done = await tldr20('--json', ...args);
      if (done.exitCode !== 0) throw new Error(`tldr ${args.join(' ')} failed: ${done.stderr || done.stdout.slice(-2000)}`);
    }
    await compareWatching(bench, '20 unapplied migrations', (observe) => library(twenty, observe));
  } finally {
    await removeBenchProject(name);
    rmSync(dir, { recursive: true, force: true });
  }
}
