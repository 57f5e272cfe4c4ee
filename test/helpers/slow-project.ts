import { join } from 'node:path';
import { repoRoot } from './cli.js';

/**
 * The config of a throwaway project on example/backend with the slow fixtures of
 * test/fixtures/slow on PYTHONPATH (plus `pythonPath`), docker services on free ports, and
 * `TLDR_SLOW_MARKERS` passed through from the caller's environment.
 */
export function slowProjectConfig(options: { name: string; python: string; password: string; apps: string; pythonPath?: string[] }): string {
  const path = [join(repoRoot, 'test/fixtures/slow'), ...(options.pythonPath ?? [])].join(':');
  return [
    'version: 1',
    `name: ${options.name}`,
    `backend: { dir: ${JSON.stringify(join(repoRoot, 'example/backend'))}, settings: tldr.settings, python: [${JSON.stringify(options.python)}] }`,
    'services:',
    '  provider: docker',
    `  postgres: { image: tldr-test/postgres:15, port: 0, password: ${options.password} }`,
    '  redis: { image: tldr-test/redis:7, port: 0 }',
    'env:',
    `  TLDR_EXAMPLE_EXTRA_APPS: ${options.apps}`,
    `  PYTHONPATH: ${JSON.stringify(path)}`,
    '  TLDR_SLOW_MARKERS: ${env:TLDR_SLOW_MARKERS}',
  ].join('\n');
}
