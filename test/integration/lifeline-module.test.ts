import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { isRunning, waitUntil } from '../helpers/dev-loop.js';
import { tempDir } from '../helpers/fixtures.js';

// src/python/tldr_lifeline.py on its own, with Debian's python3: through an intermediate process
// (as `uv run python …` starts Python), and without a lifeline (a helper run by hand).
const helpers = join(repoRoot, 'src/python');
const sleeper = join(repoRoot, 'test/fixtures/lifeline/sleeper.py');
const holder = join(repoRoot, 'test/fixtures/lifeline/holder.ts');
const env = { PYTHONPATH: helpers };

describe('tldr_lifeline', () => {
  it('the holder of the other end dies by SIGKILL → Python behind an intermediate process stops at once, like Ctrl-C', async () => {
    using dir = tempDir('tldr-lifeline-');
    const note = join(dir.path, 'note');
    // sh -c '…; echo' forks Python and waits, holding its own copy of the child end, as uv run does.
    const script = `/usr/bin/python3 ${sleeper} 60; echo "python exited $?"`;
    const run = execa(process.execPath, ['--import', 'tsx', holder, '/bin/sh', '-c', script], {
      cwd: repoRoot,
      env: { ...env, TLDR_LIFELINE_NOTE: note },
      reject: false,
      buffer: true,
    });
    let out = '';
    run.stdout!.on('data', (chunk: Buffer) => (out += chunk));
    await waitUntil(() => /pid \d+ watched True/.test(out), 30_000, `the sleeper to start (${out})`);
    const pid = Number(/pid (\d+)/.exec(out)![1]);
    expect(out).toContain('inherited-env False');
    process.kill(run.pid!, 'SIGKILL');
    const killedAt = Date.now();
    await run;
    await waitUntil(() => !isRunning(pid), 3_000, 'python to stop');
    console.log(`python stopped ${Date.now() - killedAt} ms after its lifeline's holder died`);
    expect(readFileSync(note, 'utf8')).toBe('interrupted, lost=True');
  });

  it('without the variable it watches nothing and the program runs to its end', async () => {
    const run = await execa('/usr/bin/python3', [sleeper, '0.1'], { env });
    expect(run.stdout).toMatch(/watched False/);
    expect(run.stdout).toContain('slept to the end');
  });

  it('a variable naming something that is not a pipe is ignored', async () => {
    using dir = tempDir('tldr-lifeline-');
    const file = join(dir.path, 'plain');
    writeFileSync(file, '');
    const run = spawnSync('/usr/bin/python3', [sleeper, '0.1'], {
      env: { ...process.env, ...env, TLDR_LIFELINE_FD: '3' },
      stdio: ['ignore', 'pipe', 'pipe', openSync(file, 'r')],
      encoding: 'utf8',
    });
    expect(run.stdout).toMatch(/watched False/);
    expect(run.stdout).toContain('slept to the end');
  });
});
