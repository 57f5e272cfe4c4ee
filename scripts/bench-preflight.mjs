// What `npm run bench` needs before its first figure, checked in a second or two. Things inside
// the checkout (the build, the example venv) it provisions itself; things of the machine (npm
// packages, Docker, the offline test images) stop it at once with the one command that provides them.
//
//   node scripts/bench.mjs --check    report only; exit 0 when ready, 1 with the list (changes nothing)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const IMAGES = ['tldr-test/postgres:15', 'tldr-test/redis:7'];
const PYTHON_IMPORTS = 'import django, celery, psycopg2, redis';

/**
 * Each unmet precondition: `what` is missing, `fix` the command that provides it, `auto` when the
 * bench may run that command itself (it only touches the checkout).
 * @returns {{ what: string, fix: string, auto: boolean }[]}
 */
export function benchProblems(root, env = process.env) {
  const problems = [];
  if (!existsSync(join(root, 'node_modules/zx/package.json')) || !existsSync(join(root, 'node_modules/dockerode/package.json'))) {
    problems.push({ what: 'npm packages are not installed (node_modules/)', fix: 'npm ci', auto: false });
  }
  const docker = run('docker', ['info', '--format', '{{.ServerVersion}}']);
  if (!docker.ok) {
    problems.push({ what: `no Docker Engine answers (${docker.error})`, fix: 'bash scripts/provision.sh', auto: false });
  } else {
    const missing = IMAGES.filter((image) => !run('docker', ['image', 'inspect', '--format', '{{.Id}}', image]).ok);
    if (missing.length) problems.push({ what: `the offline test images are missing: ${missing.join(', ')}`, fix: 'bash scripts/provision.sh', auto: false });
  }
  const python = env.TLDR_BENCH_PYTHON ?? join(root, 'example/backend/.venv/bin/python');
  if (!existsSync(python) || !run(python, ['-c', PYTHON_IMPORTS]).ok) {
    problems.push(
      env.TLDR_BENCH_PYTHON
        ? {
            what: `TLDR_BENCH_PYTHON=${python} cannot import django, celery, psycopg2, redis`,
            fix: 'unset TLDR_BENCH_PYTHON, or point it at a python that can',
            auto: false,
          }
        : { what: `the example backend's venv is missing or broken (${python})`, fix: 'bash scripts/setup-venv.sh', auto: true },
    );
  }
  const built = staleBuild(root);
  if (built) problems.push({ what: built, fix: 'npm run build', auto: true });
  return problems;
}

/**
 * Runs the automatic fixes, or stops before any of them when something of the machine is missing.
 * Returns the exit code the bench should stop with (0: go on).
 */
export function ensureBenchPreconditions(root, { check = false, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const problems = benchProblems(root);
  if (!problems.length) return 0;
  const manual = problems.filter((p) => !p.auto);
  if (check || manual.length) {
    log(`bench: not ready to measure:`);
    for (const p of problems) log(`  - ${p.what}: ${p.auto ? `\`${p.fix}\` (the bench runs it itself)` : `\`${p.fix}\``}`);
    if (manual.length) log(`bench: run \`${[...new Set(manual.map((p) => p.fix))].join(' && ')}\`, then \`npm run bench\` again`);
    return 1;
  }
  for (const p of problems) {
    log(`bench: ${p.what}: running \`${p.fix}\``);
    const [file, ...args] = p.fix.split(' ');
    const done = spawnSync(file, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
    if (done.status !== 0) {
      log(`bench: \`${p.fix}\` failed; \`bash scripts/provision.sh\` provisions everything the bench needs`);
      return 1;
    }
  }
  return benchProblems(root).length ? 1 : 0;
}

function run(file, args) {
  try {
    execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
    return { ok: true };
  } catch (error) {
    const text =
      error.code === 'ENOENT'
        ? `${file}: command not found`
        : String(error.stderr ?? error.message)
            .trim()
            .split('\n')[0];
    return { ok: false, error: text };
  }
}

// dist/ missing, or older than a source file it is built from.
function staleBuild(root) {
  const outputs = ['dist/index.js', 'dist/bundle/tldr.cjs', 'dist/bundle/lib.cjs', 'dist/python/tldr_testrunner.py'].map((f) => join(root, f));
  const missing = outputs.find((f) => !existsSync(f));
  if (missing) return `the build is missing (${missing.slice(root.length + 1)})`;
  const builtAt = Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const newer = newestFile([join(root, 'src'), join(root, 'scripts/bundle.mjs'), join(root, 'scripts/copy-assets.mjs'), join(root, 'package.json')]);
  return newer && newer.mtimeMs > builtAt ? `the build is older than ${newer.path.slice(root.length + 1)}` : undefined;
}

function newestFile(paths) {
  let newest;
  const visit = (path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== '__pycache__') visit(join(path, name));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) newest = { path, mtimeMs: stat.mtimeMs };
  };
  for (const path of paths) visit(path);
  return newest;
}
