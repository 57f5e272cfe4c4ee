import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/fixtures.js';

// `npm run bench` on a fresh clone: a temp copy of the checkout's files (what git tracks, plus new
// files not yet committed), without dist/ and without example/backend/.venv. Only the bench
// entry's precondition check runs here, never a figure.

async function freshCopy(dir: TempDir, { nodeModules }: { nodeModules: boolean }): Promise<string> {
  const { stdout } = await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot });
  const root = join(dir.path, 'clone');
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(join(repoRoot, file))) continue; // deleted in the working tree
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(repoRoot, file), join(root, file));
  }
  if (nodeModules) symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  return root;
}

const bench = (root: string, args: string[]) =>
  execa(process.execPath, ['scripts/bench.mjs', ...args], {
    cwd: root,
    reject: false,
    timeout: 60_000,
    env: { TLDR_BENCH_PYTHON: undefined },
    extendEnv: true,
  });

describe('npm run bench on a fresh clone', () => {
  it('--check names what is missing and the command that provides it, and changes nothing', async () => {
    using dir = tempDir('tldr-bench-clone-');
    const root = await freshCopy(dir, { nodeModules: true });
    expect(existsSync(join(root, 'dist'))).toBe(false);
    expect(existsSync(join(root, 'example/backend/.venv'))).toBe(false);

    const started = Date.now();
    const check = await bench(root, ['--check']);
    expect(check.exitCode, check.stderr).toBe(1);
    expect(check.stderr).toContain("the example backend's venv is missing or broken");
    expect(check.stderr).toContain('`bash scripts/setup-venv.sh` (the bench runs it itself)');
    expect(check.stderr).toContain('the build is missing');
    expect(check.stderr).toContain('`npm run build` (the bench runs it itself)');
    expect(check.stderr).not.toContain('command not found');
    expect(Date.now() - started).toBeLessThan(30_000);
    // A check provisions nothing.
    expect(existsSync(join(root, 'dist'))).toBe(false);
    expect(existsSync(join(root, 'example/backend/.venv'))).toBe(false);
  });

  it('without npm packages the bench stops at once with the one command, before building or measuring anything', async () => {
    using dir = tempDir('tldr-bench-clone-');
    const root = await freshCopy(dir, { nodeModules: false });
    const run = await bench(root, []);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toContain('npm packages are not installed');
    expect(run.stderr).toMatch(/bench: run `npm ci`, then `npm run bench` again/);
    expect(run.stdout).not.toContain('| figure |');
    expect(existsSync(join(root, 'dist'))).toBe(false);
    expect(existsSync(join(root, 'example/backend/.venv'))).toBe(false);
  });

  it('in this provisioned checkout the check passes', async () => {
    const check = await bench(repoRoot, ['--check']);
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stderr).toContain('bench: ready to measure');
  });
});
