// Shared by the figure files in scripts/bench/: paths, the two ways of starting programs, reading
// `tldr env --export` back, the throwaway project's config and its clean-up.
//
// Untimed glue (bringing services up, reading the env, stopping) goes through zx's `$`. A timed
// run starts its program directly with `run()`: zx starts every command through a shell, ~6 ms
// here, which both sides would pay and which would bend the ratios of the fast figures.
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bin = join(root, 'bin/tldr.js');
export const backend = join(root, 'example/backend');
export const python = process.env.TLDR_BENCH_PYTHON ?? join(backend, '.venv/bin/python');

/**
 * One run of a program, no shell: resolves to its exit code and output; rejects on a non-zero
 * exit unless `nothrow`. `env` is the whole environment (default: this process's).
 */
export function run(file, args, { cwd, env = process.env, nothrow = false, output = 'pipe' } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', output, output] });
    const out = { stdout: '', stderr: '' };
    child.stdout?.on('data', (chunk) => (out.stdout += chunk));
    child.stderr?.on('data', (chunk) => (out.stderr += chunk));
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const result = { exitCode, ...out };
      if (exitCode === 0 || nothrow) resolve(result);
      else reject(Object.assign(new Error(`${file} ${args.join(' ')} exited with ${exitCode}: ${out.stderr.slice(-2000)}`), result));
    });
  });
}

/**
 * `tldr ARGS…` in `dir` (timed), started as a user's `tldr` starts: the bin itself (its launcher
 * line, then Node), colour off, the caller's environment otherwise; `prefix` before each call's arguments.
 */
export const tldrIn =
  (dir, { prefix = [], nothrow = false } = {}) =>
  (...args) =>
    run(bin, [...prefix, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, nothrow });

/** `tldr ARGS…` in `dir` through zx (untimed glue): resolves to its output; throws on a non-zero exit. */
export const glueIn =
  (dir, prefix = []) =>
  (...args) =>
    $({ cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })`${process.execPath} ${bin} ${[...prefix, ...args]}`;

/** The environment from `tldr env --export` output, so the bare side runs with the same env. */
export function parseExports(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)='((?:[^']|'\\'')*)'$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/'\\''/g, "'");
  }
  return env;
}

/** The config lines every figure's throwaway project starts with: example/backend, docker, free ports. */
export function benchConfig(name) {
  return [
    'version: 1',
    `name: ${name}`,
    `backend: { dir: ${JSON.stringify(backend)}, settings: tldr.settings, python: [${JSON.stringify(python)}], celery_app: tldr }`,
    'services:',
    '  provider: docker',
    '  postgres: { image: tldr-test/postgres:15, port: 0 }',
    '  redis: { image: tldr-test/redis:7, port: 0 }',
  ];
}

/** Removes a throwaway project's containers and volumes, by label (never by name). */
export async function removeBenchProject(name) {
  const docker = new Docker();
  const filters = { label: [`dev.tldr.project=${name}`] };
  const containers = await docker.listContainers({ all: true, filters }).catch(() => []);
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  );
  const { Volumes } = await docker.listVolumes({ filters }).catch(() => ({ Volumes: [] }));
  await Promise.all(
    (Volumes ?? []).map((v) =>
      docker
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  );
}
