// Dev-loop figures (issue 5): warm `tldr dev --detach` until the web process answers 200, against
// the bare `python manage.py runserver --noreload` with the same environment until it answers 200;
// and the background supervisor's RSS while web and worker run. A throwaway project (docker
// provider, free ports) drives example/backend; containers and volumes are removed by label.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { backend, benchConfig, glueIn, parseExports, python, removeBenchProject, root, tldrIn } from '../bench-lib.mjs';

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const answers200 = (url) =>
  new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });

// Both sides are polled the same way: every 10 ms until 200.
async function until200(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (!(await answers200(url))) {
    if (Date.now() > until) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function rssMb(pid, field = 'VmRSS') {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]) / 102.4) / 10;
}

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-dev-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/health/`;
  writeFileSync(
    join(dir, 'tldr.config.yaml'),
    [
      ...benchConfig(name),
      'processes:',
      `  web: { run: manage runserver 127.0.0.1:${port} --noreload, ready: { http: "${url}" } }`,
      '  worker: { run: celery worker -l info -c 1, ready: { log: "ready\\\\." } }',
      `  flood: { run: "python ${join(root, 'test/fixtures/dev/flood.py')} line 50", ready: { log: "flood ready" }, enabled: false }`,
      '',
    ].join('\n'),
  );
  const tldr = tldrIn(dir);
  const glue = glueIn(dir);
  let bareChild;
  try {
    // Warm: services up, migrations applied and remembered (the next dev skips migrate).
    await glue('dev', '--detach', '--only', 'web');
    await glue('stop');
    const env = { ...parseExports((await glue('env', '--all', '--export')).stdout), PYTHONUNBUFFERED: '1' };

    await bench.compare('warm `tldr dev --detach` until web answers 200 vs bare `manage.py runserver --noreload`', {
      tldr: async () => {
        await tldr('dev', '--detach', '--only', 'web');
        await until200(url);
      },
      bare: async () => {
        bareChild = spawn(python, ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'], { cwd: backend, env, stdio: 'ignore', detached: true });
        await until200(url);
      },
      after: async (side) => {
        if (side === 'tldr') return void (await glue('stop'));
        const exited = new Promise((r) => bareChild.once('exit', r));
        process.kill(-bareChild.pid, 'SIGTERM');
        await exited;
        bareChild = undefined;
      },
      runs: 7,
      warmup: 1,
      goal: '≤ 1.2×',
    });

    // The head start (issue 13): the same start with `.tldr/dev-head-start.json` and without it
    // (removed before each such run; every loop writes it anew), so no early supervisor and no early Django.
    const headStarts = join(dir, '.tldr/dev-head-start.json');
    let kept;
    await bench.compare('warm `tldr dev --detach` until 200 with the Django head start vs without (no `.tldr/dev-head-start.json`)', {
      tldr: async () => {
        await tldr('dev', '--detach', '--only', 'web');
        await until200(url);
      },
      bare: async () => {
        await tldr('dev', '--detach', '--only', 'web');
        await until200(url);
      },
      before: (side) => {
        kept ??= readFileSync(headStarts, 'utf8');
        if (side === 'bare') rmSync(headStarts, { force: true });
        else writeFileSync(headStarts, kept);
      },
      after: async () => void (await glue('stop')),
      runs: 7,
      warmup: 1,
      goal: '< 1×',
    });

    await glue('dev', '--detach');
    const record = JSON.parse(readFileSync(join(dir, '.tldr/supervisor.json'), 'utf8'));
    await new Promise((r) => setTimeout(r, 1000));
    bench.report('background supervisor RSS (web + worker running)', rssMb(record.owner.pid), 'MB');
    await glue('stop');

    // A process that prints one 50 MB line: the supervisor's peak, lines split at 64 KiB.
    await glue('dev', '--detach', '--only', 'flood');
    const flooded = JSON.parse(readFileSync(join(dir, '.tldr/supervisor.json'), 'utf8'));
    bench.report('background supervisor peak RSS while a process prints one 50 MB line', rssMb(flooded.owner.pid, 'VmHWM'), 'MB', 'bounded');
    await glue('stop');
  } finally {
    if (bareChild) process.kill(-bareChild.pid, 'SIGKILL');
    await tldr('stop');
    await removeBenchProject(name);
    rmSync(dir, { recursive: true, force: true });
  }
}
