import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';

// Bad input must be reported before the first side effect: no container, no volume, no .tldr/.
// Each case is a throwaway project with a unique name; what it could have created is looked up by label.
const python = join(repoRoot, 'example/backend/.venv/bin/python');
const exampleBackend = join(repoRoot, 'example/backend');
const dirs: TempDir[] = [];
const names: string[] = [];

interface Case {
  backendDir?: string;
  processes?: string;
  extra?: string;
}

function project(c: Case = {}): { dir: TempDir; name: string } {
  const dir = tempDir('tldr-preflight-');
  const name = uniqueName('tldrpre');
  dirs.push(dir);
  names.push(name);
  dir.write(
    'tldr.config.yaml',
    [
      'version: 1',
      `name: ${name}`,
      `backend: { dir: ${JSON.stringify(c.backendDir ?? exampleBackend)}, settings: tldr.settings, python: [${JSON.stringify(python)}], celery_app: tldr }`,
      'services:',
      '  provider: docker',
      '  postgres: { image: tldr-test/postgres:15, port: 0 }',
      '  redis: { image: tldr-test/redis:7, port: 0 }',
      'processes:',
      c.processes ?? '  web: { run: "manage runserver 127.0.0.1:0 --noreload" }',
      c.extra ?? '',
    ].join('\n'),
  );
  return { dir, name };
}

async function createdAnything(name: string): Promise<string[]> {
  const docker = await requireDocker();
  const containers = await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } });
  const { Volumes } = await docker.listVolumes({ filters: { label: [`dev.tldr.project=${name}`] } });
  return [...containers.map((c) => `container ${c.Names[0]}`), ...(Volumes ?? []).map((v) => `volume ${v.Name}`)];
}

beforeAll(async () => {
  await requireDocker();
});

afterAll(async () => {
  const docker = await requireDocker();
  for (const name of names) await removeProjectResources(docker, name);
  for (const dir of dirs) dir[Symbol.dispose]();
});

describe('bad input is reported before anything starts (exit 2, nothing created)', () => {
  it('an unbalanced quote in a run string: tldr dev names the key; doctor reports it', async () => {
    const { dir, name } = project({ processes: '  web: { run: "manage runserver \\"127.0.0.1:8000 --noreload" }' });
    const run = await runCli(['--json', 'dev', '--detach'], { cwd: dir.path });
    expect(run.exitCode, run.stdout).toBe(2);
    expect(run.result?.error?.message).toMatch(/processes\.web\.run: unterminated " quote/);
    expect(run.result?.error?.hint).toMatch(/quote/);
    expect(run.events.some((e) => e.type === 'step.start')).toBe(false);
    const human = await runCli(['dev'], { cwd: dir.path });
    expect(human.exitCode).toBe(2);
    expect(human.stderr).toMatch(/processes\.web\.run/);
    expect(await createdAnything(name)).toEqual([]);

    const doctor = await runCli(['--json', 'doctor'], { cwd: dir.path });
    expect(doctor.exitCode).toBe(2);
    expect(doctor.result?.summary).not.toMatch(/everything tldr needs is here/);
    const checks = (doctor.result?.data as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks;
    expect(checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'processes.web.run', ok: false, detail: expect.stringMatching(/unterminated/) })]),
    );
    expect(await createdAnything(name)).toEqual([]);
  });

  it('a missing backend.dir: dev, migrate, manage, test and migrate --check exit 2 naming it', async () => {
    const { dir, name } = project({ backendDir: 'no-such-backend' });
    for (const args of [['dev'], ['migrate'], ['manage', 'check'], ['test'], ['migrate', '--check'], ['worker'], ['makemigrations']]) {
      const run = await runCli(['--json', ...args], { cwd: dir.path });
      expect(run.exitCode, `${args.join(' ')}: ${run.stdout}`).toBe(2);
      expect(run.result?.error).toMatchObject({
        code: 'backend-dir-missing',
        message: expect.stringMatching(/^backend\.dir: .*no-such-backend does not exist/),
      });
    }
    expect(await createdAnything(name)).toEqual([]);
    const doctor = await runCli(['--json', 'doctor'], { cwd: dir.path });
    expect(doctor.exitCode).toBe(2);
    expect((doctor.result?.data as { checks: Array<{ name: string; ok: boolean }> }).checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'backend.dir', ok: false })]),
    );
  });

  it('a relative backend.dir that leaves the project is an error; an absolute path elsewhere or a symlink inside is the user’s choice', async () => {
    const outside = project({ backendDir: '../elsewhere' });
    mkdirSync(join(outside.dir.path, '..', 'elsewhere'), { recursive: true });
    const run = await runCli(['--json', 'migrate'], { cwd: outside.dir.path });
    expect(run.exitCode).toBe(2);
    expect(run.result?.error).toMatchObject({
      code: 'backend-dir-outside',
      message: expect.stringMatching(/backend\.dir: "\.\.\/elsewhere" is outside the project/),
    });
    expect(await createdAnything(outside.name)).toEqual([]);

    // A symlink inside the project to the real backend passes the check (doctor says so without starting anything).
    const linked = project({ backendDir: 'backend' });
    symlinkSync(exampleBackend, join(linked.dir.path, 'backend'));
    const doctor = await runCli(['--json', 'doctor'], { cwd: linked.dir.path });
    const checks = (doctor.result?.data as { checks: Array<{ name: string; ok: boolean; detail: string }> }).checks;
    expect(checks.find((c) => c.name === 'backend.dir')).toMatchObject({ ok: true });
  });

  it('a folder without manage.py, a missing process dir, a bad ready check: each named', async () => {
    const empty = project({ backendDir: 'backend' });
    mkdirSync(join(empty.dir.path, 'backend'));
    const noManage = await runCli(['--json', 'manage', 'check'], { cwd: empty.dir.path });
    expect(noManage.exitCode).toBe(2);
    expect(noManage.result?.error).toMatchObject({ code: 'manage-py-missing', message: expect.stringMatching(/backend\.dir: .* has no manage\.py/) });

    const bad = project({
      processes: [
        '  web: { run: "manage runserver 127.0.0.1:0 --noreload", ready: { log: "(unclosed" } }',
        '  frontend: { dir: frontend, run: npm run dev }',
      ].join('\n'),
    });
    const dev = await runCli(['--json', 'dev'], { cwd: bad.dir.path });
    expect(dev.exitCode).toBe(2);
    const message = dev.result?.error?.message ?? '';
    expect(message).toMatch(/processes\.web\.ready\.log: not a regular expression/);
    expect(message).toMatch(/processes\.frontend\.dir: .*frontend does not exist/);
    // --only limits the checks to the processes that run
    const only = await runCli(['--json', 'dev', '--only', 'nope'], { cwd: bad.dir.path });
    expect(only.result?.error).toMatchObject({ code: 'unknown-process' });
    expect(await createdAnything(empty.name)).toEqual([]);
    expect(await createdAnything(bad.name)).toEqual([]);
  });

  it('tldr run validates every step before the first one runs', async () => {
    const { dir, name } = project({ backendDir: 'gone', extra: 'pipelines:\n  check: [up, { run: "manage check" }]' });
    const run = await runCli(['--json', 'run', 'check'], { cwd: dir.path });
    expect(run.exitCode).toBe(2);
    expect(run.result?.error).toMatchObject({ code: 'backend-dir-missing' });
    expect(run.events.some((e) => e.type === 'step.start')).toBe(false);
    // --dry-run prints the plan all the same, with what a run would stop at
    const dry = await runCli(['--json', 'run', 'check', '--dry-run'], { cwd: dir.path });
    expect(dry.exitCode).toBe(0);
    expect(dry.result?.data).toMatchObject({ pipeline: 'check', problems: [{ key: 'backend.dir', code: 'backend-dir-missing' }] });
    expect(await createdAnything(name)).toEqual([]);
  });
});
