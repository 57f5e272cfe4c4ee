import { execa } from 'execa';
import { cpSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';
import { tempDir, uniqueName } from '../helpers/fixtures.js';
import { requireDocker } from '../helpers/docker.js';
import { cliModel } from '../../src/cli/model.js';
import { inputJsonSchema } from '../../src/commands/json-schema.js';
import { commandDefinitions, commandGroups } from '../../src/commands/registry.js';

describe('tldr CLI (built binary)', () => {
  it('--help lists every command of DESIGN.md', async () => {
    const { exitCode, stdout } = await runCli(['--help']);
    expect(exitCode).toBe(0);
    for (const command of [
      'dev',
      'ps',
      'logs',
      'stop',
      'up',
      'down',
      'status',
      'psql',
      'redis-cli',
      'migrate',
      'makemigrations',
      'test',
      'worker',
      'manage',
      'python',
      'run',
      'ci',
      'env',
      'doctor',
      'config',
      'mcp',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(stdout).toContain('130 interrupted');
  });

  it('every command has --help', async () => {
    for (const command of ['dev', 'logs', 'down', 'migrate', 'test', 'manage', 'run', 'env', 'config']) {
      const { exitCode, stdout } = await runCli([command, '--help']);
      expect(exitCode, command).toBe(0);
      expect(stdout, command).toContain(`Usage: tldr ${command}`);
    }
  });

  it("the built CLI model (dist/cli-model.json, what --help and the flags are made of) is the definitions' (`npm run build` after changing them)", () => {
    const built = JSON.parse(readFileSync(join(repoRoot, 'dist/cli-model.json'), 'utf8'));
    expect(built).toEqual(JSON.parse(JSON.stringify(cliModel(commandDefinitions, commandGroups, inputJsonSchema))));
  });

  it('--version prints the package version', async () => {
    const { exitCode, stdout } = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    expect(exitCode).toBe(0);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('--help and --version load no dockerode, listr2, zod or yaml', async () => {
    using dir = tempDir();
    // The CLI runs from an esbuild bundle, so look inside every file it loaded for each library's marks.
    const marks = { zod: /\$ZodType/, yaml: /LineCounter/, listr2: /ListrTaskState/, dockerode: /docker-modem|dockerode/ };
    for (const args of [['--help'], ['--version'], ['up', '--help']]) {
      const log = join(dir.path, `${args.join('')}.log`);
      const hooks = ['--import', join(repoRoot, 'test/helpers/record-loads.mjs'), '--require', join(repoRoot, 'test/helpers/record-loads.cjs')];
      await execa(process.execPath, [...hooks, binPath, ...args], { env: { TLDR_LOAD_LOG: log } });
      const files = readFileSync(log, 'utf8')
        .split('\n')
        .filter((url) => url.startsWith('file://'));
      expect(files.some((url) => url.endsWith('bin/tldr.js'))).toBe(true);
      for (const url of files) {
        const text = readFileSync(new URL(url), 'utf8');
        for (const [library, mark] of Object.entries(marks)) expect(mark.test(text), `${args.join(' ')} loaded ${library} via ${url}`).toBe(false);
      }
    }
  });

  it('config validate: ok for the repo config, exit 2 with file:line:column for a bad one', async () => {
    expect((await runCli(['config', 'validate'])).exitCode).toBe(0);
    using dir = tempDir();
    dir.write('tldr.config.yaml', 'version: 1\nservices:\n  postgres:\n    port: "abc"\n');
    const bad = await runCli(['config', 'validate'], { cwd: dir.path });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('services.postgres.port: expected a number from 0 to 65535, got "abc" (tldr.config.yaml:4:11)');
    expect(bad.stdout).toBe('');
    const json = await runCli(['--json', 'config', 'validate'], { cwd: dir.path });
    expect(json.exitCode).toBe(2);
    expect(json.result).toMatchObject({ ok: false, exitCode: 2, error: { code: 'config-invalid' } });
  });

  it('global flags work after the subcommand too', async () => {
    const after = await runCli(['config', 'validate', '--json']);
    expect(after.exitCode).toBe(0);
    expect(after.result).toMatchObject({ ok: true, exitCode: 0 });
    expect(after.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('a bad config starts nothing: `tldr up` exits 2 before any container exists', async () => {
    using dir = tempDir();
    const name = uniqueName();
    dir.write('tldr.config.yaml', `version: 1\nname: ${name}\nservices:\n  provider: docker\n  redis: { prot: 0 }\n`);
    const run = await runCli(['up'], { cwd: dir.path });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('services.redis.prot: unknown key (tldr.config.yaml:5:12)');
    const docker = await requireDocker();
    expect(await docker.listContainers({ all: true, filters: { label: [`dev.tldr.project=${name}`] } })).toEqual([]);
  });

  it('a missing config exits 2 and says how to fix it', async () => {
    using dir = tempDir();
    const { exitCode, stderr } = await runCli(['config', 'validate'], { cwd: dir.path });
    expect(exitCode).toBe(2);
    expect(stderr).toContain('no tldr.config.yaml in');
    expect(stderr).toContain('hint:');
  });

  it('run --json: every stdout line is a schema-valid event, ending in the result', async () => {
    using dir = tempDir();
    dir.write('tldr.config.yaml', 'version: 1\npipelines:\n  p: [{ run: "echo hi" }, { parallel: [{ run: "a; b" }] }]\n  bad: [nosuchstep]\n');
    const plan = await runCli(['--json', 'run', 'p', '--dry-run'], { cwd: dir.path });
    expect(plan.exitCode).toBe(0);
    expect(plan.events.at(-1)).toBe(plan.result);
    expect(plan.result!.data).toMatchObject({ pipeline: 'p', plan: { root: { children: [{ kind: 'run', words: ['echo', 'hi'] }, { kind: 'parallel' }] } } });
    const bad = await runCli(['--json', 'run', 'bad'], { cwd: dir.path });
    expect(bad.exitCode).toBe(2);
    expect(bad.result!.error!.message).toBe('pipelines.bad: unknown step "nosuchstep"');
    const missing = await runCli(['--json', 'run', 'nope'], { cwd: dir.path });
    expect(missing.exitCode).toBe(2);
    expect(missing.result!.error!.hint).toContain('known pipelines: bad, ci, p');
  });

  it('keeps a V8 code cache next to the bundles, reuses it, and adds each other kind of command line once', async () => {
    // A copy of its own: other test files run tldr from the repository meanwhile.
    using install = tempDir('tldr-cache-');
    for (const part of ['bin', 'dist/bundle', 'dist/cli-model.json', 'package.json'])
      cpSync(join(repoRoot, part), join(install.path, part), { recursive: true });
    for (const file of readdirSync(join(install.path, 'dist/bundle'))) if (file.includes('.v8-cache')) rmSync(join(install.path, 'dist/bundle', file));
    using project = tempDir();
    project.write('tldr.config.yaml', 'version: 1\n');
    const tldr = (...args: string[]) => execa(process.execPath, [join(install.path, 'bin/tldr.js'), ...args], { cwd: project.path, reject: false });
    const cache = join(install.path, 'dist/bundle/lib.cjs.v8-cache');
    const keys = () => JSON.parse(readFileSync(`${cache}.keys`, 'utf8')) as string[];
    expect((await tldr('config', 'validate')).exitCode).toBe(0);
    const first = statSync(cache).mtimeMs;
    expect(keys()).toEqual(['config validate human cold']);
    expect((await tldr('config', 'validate')).exitCode).toBe(0);
    // Rewritten only when missing, rejected by V8, or not yet holding this kind of command line:
    // an unchanged file means the cache was accepted.
    expect(statSync(cache).mtimeMs).toBe(first);
    expect((await tldr('--json', 'config', 'print')).exitCode).toBe(0);
    const second = statSync(cache).mtimeMs;
    expect(second).toBeGreaterThan(first);
    expect(keys()).toEqual(['config validate human cold', 'config print json cold']);
    expect((await tldr('config', 'print', '--json')).exitCode).toBe(0); // the same kind: --json anywhere
    expect(statSync(cache).mtimeMs).toBe(second);
  });

  it('config schema prints the JSON Schema', async () => {
    const { stdout, exitCode } = await runCli(['config', 'schema']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout).properties.services).toBeDefined();
  });

  it('unknown commands and flags exit 2', async () => {
    expect((await runCli(['frobnicate'])).exitCode).toBe(2);
    expect((await runCli(['up', '--frob'])).exitCode).toBe(2);
  });
});
