import { join } from 'node:path';
import { repoRoot, runCli, type CliResult } from './cli.js';
import { killRecorded, readSupervisorRecord, startCli, type RunningCli } from './dev-loop.js';
import { removeProjectResources, requireDocker } from './docker.js';
import { tempDir, uniqueName, type TempDir } from './fixtures.js';

export const venvPython = join(repoRoot, 'example/backend/.venv/bin/python');
export const devFixtures = join(repoRoot, 'test/fixtures/dev');

/** A throwaway project for dev-loop tests: example/backend (not copied: nothing here writes to it), docker services on free ports. */
export interface DevProject extends AsyncDisposable {
  name: string;
  dir: TempDir;
  stateDir: string;
  /** Rewrites tldr.config.yaml with these `processes:` entries (YAML, indented two spaces) and extra top-level keys. */
  configure(processes: string, extra?: string): void;
  cli(args: string[], timeoutMs?: number): Promise<CliResult>;
  /** A tldr that keeps running (stopped with SIGKILL to its group when the test ends). */
  start(args: string[]): RunningCli;
  /** After each test: stop the dev loop it left, by recorded pid. */
  cleanup(): Promise<void>;
}

export async function devProject(prefix: string): Promise<DevProject> {
  const docker = await requireDocker();
  const name = uniqueName(prefix);
  const dir = tempDir(`${prefix}-`);
  const stateDir = join(dir.path, '.tldr');
  const running: RunningCli[] = [];
  const cli = (args: string[], timeoutMs = 120_000) => runCli(args, { cwd: dir.path, timeoutMs });
  const project: DevProject = {
    name,
    dir,
    stateDir,
    configure(processes, extra = '') {
      dir.write(
        'tldr.config.yaml',
        [
          'version: 1',
          `name: ${name}`,
          `backend: { dir: ${JSON.stringify(join(repoRoot, 'example/backend'))}, settings: tldr.settings, python: [${JSON.stringify(venvPython)}], celery_app: tldr }`,
          'services:',
          '  provider: docker',
          '  postgres: { image: tldr-test/postgres:15, port: 0, password: dev-hardening-secret }',
          '  redis: { image: tldr-test/redis:7, port: 0 }',
          'processes:',
          processes,
          extra,
        ].join('\n'),
      );
    },
    cli,
    start(args) {
      const child = startCli(args, { cwd: dir.path });
      running.push(child);
      return child;
    },
    async cleanup() {
      for (const child of running.splice(0)) await child[Symbol.asyncDispose]();
      if (readSupervisorRecord(stateDir)) await cli(['stop'], 60_000);
      killRecorded(stateDir);
    },
    async [Symbol.asyncDispose]() {
      await project.cleanup();
      await removeProjectResources(docker, name);
      dir[Symbol.dispose]();
    },
  };
  return project;
}
