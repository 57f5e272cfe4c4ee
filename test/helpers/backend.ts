import { cpSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot, runCli, type CliResult } from './cli.js';
import { requireDocker, removeProjectResources } from './docker.js';
import { tempDir, uniqueName, type TempDir } from './fixtures.js';

export const exampleBackend = join(repoRoot, 'example/backend');
export const venvPython = join(exampleBackend, '.venv/bin/python');
/** Debian's python3: Django 3.2. */
export const systemPython = '/usr/bin/python3';

export interface BackendProjectOptions {
  /** @default the example backend's venv python (Django 5.2) */
  python?: string;
  /** Work on a temp copy of example/backend (for tests that change models). */
  copyBackend?: boolean;
  /** Extra YAML appended to the config (e.g. `pipelines:`). */
  extraYaml?: string;
  /** @default 's3cret-pass' */
  password?: string;
  /** Extra `env:` entries (YAML values as written). */
  env?: Record<string, string>;
  /** The fixture apps installed (TLDR_EXAMPLE_EXTRA_APPS). @default ['sample_tests'] */
  extraApps?: string[];
}

export interface BackendProject extends AsyncDisposable {
  name: string;
  dir: TempDir;
  backendDir: string;
  cli(args: string[], options?: Parameters<typeof runCli>[1]): Promise<CliResult>;
  /** A second config file for the same instance (same name, same services) with another python. */
  configWithPython(python: string): string;
  /** A Postgres client on the project's database (the service must be up). */
  db(): Promise<pg.Client>;
}

/**
 * A throwaway tldr project driving example/backend (with the test fixture apps installed) on
 * docker services with free ports and a unique name. Disposing removes its containers and
 * volumes by label and its temp folder.
 */
export async function backendProject(options: BackendProjectOptions = {}): Promise<BackendProject> {
  const docker = await requireDocker();
  const name = uniqueName('tldrbe');
  const dir = tempDir('tldr-backend-');
  let backendDir = exampleBackend;
  if (options.copyBackend) {
    backendDir = join(dir.path, 'backend');
    cpSync(exampleBackend, backendDir, { recursive: true, filter: (src) => !/\/(\.venv|__pycache__)(\/|$)/.test(src) });
  }
  const password = options.password ?? 's3cret-pass';
  const config = (python: string) =>
    [
      'version: 1',
      `name: ${name}`,
      `backend: { dir: ${JSON.stringify(backendDir)}, settings: tldr.settings, python: [${JSON.stringify(python)}], celery_app: tldr }`,
      'services:',
      '  provider: docker',
      `  postgres: { image: tldr-test/postgres:15, port: 0, password: ${JSON.stringify(password)} }`,
      '  redis: { image: tldr-test/redis:7, port: 0 }',
      'env:',
      `  TLDR_EXAMPLE_EXTRA_APPS: ${(options.extraApps ?? ['sample_tests']).join(',')}`,
      `  PYTHONPATH: ${JSON.stringify(join(repoRoot, 'test/fixtures/testapps'))}`,
      ...Object.entries(options.env ?? {}).map(([key, value]) => `  ${key}: ${value}`),
      options.extraYaml ?? '',
    ].join('\n');
  dir.write('tldr.config.yaml', config(options.python ?? venvPython));
  const cli = (args: string[], opts: Parameters<typeof runCli>[1] = {}) => runCli(args, { cwd: dir.path, ...opts });
  return {
    name,
    dir,
    backendDir,
    cli,
    configWithPython: (python) => dir.write(`tldr.${python.replace(/\W+/g, '_')}.yaml`, config(python)),
    async db() {
      // `up` is idempotent and says where Postgres answers (`tldr env` only inspects).
      const up = await cli(['--json', 'up', 'postgres']);
      const postgres = (up.result?.data as { services: Array<{ name: string; host: string; port: number }> }).services.find((s) => s.name === 'postgres')!;
      const client = new pg.Client({ host: postgres.host, port: postgres.port, user: 'tldr', password, database: 'tldr' });
      await client.connect();
      return client;
    },
    async [Symbol.asyncDispose]() {
      await removeProjectResources(docker, name);
      dir[Symbol.dispose]();
    },
  };
}
