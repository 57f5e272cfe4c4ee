import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const earlyNode = ['--require', join(repoRoot, 'test/helpers/early-node20.cjs')];

// A backend command's first lines use `using` (Symbol.dispose) and AbortSignal.any; with Docker
// pointed nowhere it then stops with exit 3 — quickly, and without touching anything.
const config = 'version: 1\nservices: { provider: docker }\n';
const env = { NO_COLOR: '1', DOCKER_HOST: 'unix:///nonexistent/docker.sock', CI: undefined };

describe('Node 20.x without Symbol.dispose / Symbol.asyncDispose / AbortSignal.any', () => {
  it('the CLI still works: its entry defines them when missing', async () => {
    using dir = tempDir();
    dir.write('tldr.config.yaml', config);
    dir.write('backend/manage.py', ''); // so the preflight checks pass and the Docker step is reached
    const check = await execa(process.execPath, [...earlyNode, '-e', 'process.stdout.write(String([typeof Symbol.asyncDispose, typeof AbortSignal.any]))'], {
      reject: false,
    });
    expect(check.stdout).toBe('undefined,undefined'); // the preload really takes them away

    const validate = await execa(process.execPath, [...earlyNode, binPath, 'config', 'validate'], { cwd: dir.path, reject: false, env });
    expect(validate.exitCode, validate.stderr).toBe(0);
    const manage = await execa(process.execPath, [...earlyNode, binPath, 'manage', 'check'], { cwd: dir.path, reject: false, env });
    expect(manage.stderr).not.toContain('bug in tldr');
    expect(manage.exitCode, manage.stderr).toBe(3);

    // The stand-in AbortSignal.any aborts with the first reason, also for an input aborted already.
    const any = `require(${JSON.stringify(join(repoRoot, 'dist/bundle/polyfills.cjs'))}); const a = new AbortController(), b = new AbortController(); const s = AbortSignal.any([a.signal, b.signal]); b.abort('why'); a.abort('late'); const t = AbortSignal.any([AbortSignal.abort('early')]); process.stdout.write(String([s.aborted, s.reason, t.reason]))`;
    expect((await execa(process.execPath, [...earlyNode, '-e', any])).stdout).toBe('true,why,early');

    // Without the entry's definitions (the bundle alone) the same command is the internal error it used to be.
    const bare = `require(${JSON.stringify(join(repoRoot, 'dist/bundle/tldr.cjs'))}).main(['manage', 'check']).then((code) => { process.exitCode = code; })`;
    const unprotected = await execa(process.execPath, [...earlyNode, '-e', bare], { cwd: dir.path, reject: false, env });
    expect(unprotected.exitCode, unprotected.stderr).toBe(5);
  });
});
