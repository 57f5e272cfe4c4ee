// Shared by the figure files in scripts/bench/: paths, and reading `tldr env --export` back.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const bin = join(root, 'bin/tldr.js');
export const backend = join(root, 'example/backend');
export const python = process.env.TLDR_BENCH_PYTHON ?? join(backend, '.venv/bin/python');

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
