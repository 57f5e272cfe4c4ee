// Services figures (issue 3): cold `tldr up` vs plain `docker run` + polling, and warm `tldr up` vs `tldr --version`.
import Docker from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { bin, removeBenchProject, run, tldrIn } from '../bench-lib.mjs';

const docker = new Docker();
const PG = 'tldr-test/postgres:15';
const REDIS = 'tldr-test/redis:7';
const unique = (prefix) => `${prefix}-${randomBytes(3).toString('hex')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function projectDir(name) {
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-'));
  writeFileSync(
    join(dir, 'tldr.config.yaml'),
    `version: 1\nname: ${name}\nservices:\n  postgres: { image: ${PG}, port: 0 }\n  redis: { image: ${REDIS}, port: 0 }\n`,
  );
  return dir;
}

async function until(fn) {
  for (;;) {
    try {
      return await fn();
    } catch {
      await sleep(50);
    }
  }
}

const selectOne = (port) =>
  until(async () => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'tldr', password: 'tldr', database: 'tldr', connectionTimeoutMillis: 2000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('SELECT 1');
    } finally {
      client.end().catch(() => {});
    }
  });

const ping = (port) =>
  until(
    () =>
      new Promise((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port });
        s.on('connect', () => s.write('PING\r\n'));
        s.on('data', (d) => (s.destroy(), String(d).startsWith('+PONG') ? resolve() : reject(new Error(String(d)))));
        s.on('error', reject);
        s.on('close', () => reject(new Error('closed')));
      }),
  );

// The bare way: `docker run` one container with a new volume, then poll until it answers.
async function runAlone(project, service) {
  const isPg = service === 'postgres';
  const args = ['run', '-d', '--name', `${project}-${service}`, '--label', `dev.tldr.project=${project}`, '-p', `127.0.0.1::${isPg ? 5432 : 6379}`];
  if (isPg) args.push('-e', 'POSTGRES_DB=tldr', '-e', 'POSTGRES_USER=tldr', '-e', 'POSTGRES_PASSWORD=tldr');
  args.push(
    '--mount',
    `type=volume,src=${project}-${service}-data,dst=${isPg ? '/var/lib/postgresql/data' : '/data'},volume-label=dev.tldr.project=${project}`,
    isPg ? PG : REDIS,
  );
  const { stdout: id } = await run('docker', args);
  const info = await docker.getContainer(id.trim()).inspect();
  const port = Number(Object.values(info.NetworkSettings.Ports)[0][0].HostPort);
  await (isPg ? selectOne(port) : ping(port));
}

export default async function (bench) {
  // Figure 1: cold start of both services (images present, new volumes).
  let cold = { dir: undefined, project: undefined };
  await bench.compare('cold `tldr up` (both, new volumes) vs slower of `docker run` + poll', {
    runs: 5,
    warmup: 1,
    before: (side) => {
      cold.project = unique(side === 'tldr' ? 'benchup' : 'benchbare');
      cold.dir = side === 'tldr' ? projectDir(cold.project) : undefined;
    },
    tldr: async () => {
      await tldrIn(cold.dir)('up');
    },
    // "started alone": each container is started and polled on its own; the figure is the slower one.
    bare: async () => {
      await Promise.all([runAlone(cold.project, 'postgres'), runAlone(cold.project, 'redis')]);
    },
    after: async () => {
      await removeBenchProject(cold.project);
      if (cold.dir) rmSync(cold.dir, { recursive: true, force: true });
    },
    goal: '≤ 1.15×',
  });

  // Figure 2: warm `tldr up` (everything running and unchanged).
  const project = unique('benchwarm');
  const dir = projectDir(project);
  try {
    await tldrIn(dir)('up');
    await bench.compare('warm `tldr up` (already running) vs `tldr --version`', {
      runs: 15,
      warmup: 2,
      tldr: () => tldrIn(dir)('up'),
      bare: () => run(bin, ['--version'], { cwd: dir }),
      goal: '≤ +150 ms',
    });
  } finally {
    await removeBenchProject(project);
    rmSync(dir, { recursive: true, force: true });
  }
}
