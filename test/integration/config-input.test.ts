import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { venvPython, exampleBackend } from '../helpers/backend.js';
import { binPath, runCli } from '../helpers/cli.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName } from '../helpers/fixtures.js';

describe('bad config input through the CLI: exit 2 and a short report, never "a bug in tldr"', () => {
  it('an alias bomb, a folder as --config, 10 MB of random bytes', async () => {
    using dir = tempDir();
    const bomb = ['version: 1', 'a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ])
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    dir.write('bomb.yaml', `${bomb.join('\n')}\n`);
    dir.write('folder/tldr.config.yaml', 'version: 1\n');
    writeFileSync(join(dir.path, 'random.yaml'), randomBytes(10 * 1024 * 1024));
    for (const [config, message] of [
      ['bomb.yaml', /alias/i],
      ['folder', /--config folder is a folder, not a config file/],
      ['random.yaml', /is 10\.0 MB; a config file over 1 MB is refused/],
    ] as const) {
      for (const json of [false, true]) {
        const run = await runCli([...(json ? ['--json'] : []), 'config', 'validate', '--config', config], { cwd: dir.path });
        expect(run.exitCode, `${config}: ${run.stderr}`).toBe(2);
        const text = json ? run.result!.error!.message : run.stderr;
        expect(text).toMatch(message);
        expect(text).not.toContain('bug in tldr');
        expect(run.stdout.length + run.stderr.length).toBeLessThan(4_000);
      }
    }
  });

  it('a SIGTERM that arrives while the config is being read ends the command with 130 right after', async () => {
    using dir = tempDir();
    const fifo = join(dir.path, 'config.fifo');
    await execa('mkfifo', [fifo]);
    const child = execa(process.execPath, [binPath, 'config', 'validate', '--config', fifo], { cwd: dir.path, reject: false, env: { NO_COLOR: '1' } });
    // Opening the writing end completes once tldr has opened the FIFO: it is now blocked reading it, synchronously.
    const writer = await open(fifo, 'w');
    child.kill('SIGTERM');
    await writer.writeFile(`version: 1\nenv:\n${Array.from({ length: 5_000 }, (_, i) => `  K${i}: "v"`).join('\n')}\n`);
    await writer.close();
    const run = await child;
    expect(run.exitCode, String(run.stderr)).toBe(130);
    expect(String(run.stderr)).toContain('interrupted by SIGTERM');
  });
});

describe('env_files as python-dotenv reads them', () => {
  it('${HOME}, a password with ${, MY-KEY and a bare WORD work; a broken statement is a one-line warning; backend commands run', async () => {
    const docker = await requireDocker();
    await using dir = tempDir();
    const name = uniqueName('tldrenvf');
    dir.write(
      'tldr.config.yaml',
      [
        'version: 1',
        `name: ${name}`,
        `backend: { dir: ${JSON.stringify(exampleBackend)}, python: [${JSON.stringify(venvPython)}] }`,
        'services: { provider: docker, postgres: { image: tldr-test/postgres:15, port: 0 }, redis: { image: tldr-test/redis:7, port: 0 } }',
        'env_files: [.env]',
        'env: { FROM_CONFIG: "${env:HOME}" }',
      ].join('\n'),
    );
    dir.write('.env', "HOME2=${HOME}/x\nLITERAL=pa${ss\nMY-KEY=1\nWORD\nexport QUOTED='${HOME}'\nBROKEN=\"never closed\nAFTER=${DATABASE_URL:-none}\n");
    try {
      const env = await runCli(['--json', 'env'], { cwd: dir.path, env: { HOME: '/home/someone' } });
      expect(env.exitCode, env.stderr).toBe(0);
      expect(env.result!.data).toMatchObject({
        env: { HOME2: '/home/someone/x', 'MY-KEY': '1', QUOTED: '/home/someone', FROM_CONFIG: '/home/someone', LITERAL: 'pa${ss' },
        warnings: ['env_files: .env:6: unterminated " quote — python-dotenv skips line 6, and so does tldr'],
      });
      const plain = await runCli(['env'], { cwd: dir.path, env: { HOME: '/home/someone' } });
      expect(plain.stderr).toContain('warning: env_files: .env:6: unterminated " quote');

      const script = 'import json, os; print(json.dumps({k: os.environ.get(k) for k in ("HOME2", "LITERAL", "MY-KEY", "WORD", "AFTER")}))';
      const python = await runCli(['--json', 'python', '-c', script], { cwd: dir.path, env: { HOME: '/home/someone', WORD: 'kept' } });
      expect(python.exitCode, python.stderr).toBe(0);
      const line = python.events.flatMap((e) => (e.type === 'log' && e.line.startsWith('{') ? [e.line] : []))[0]!;
      const printed = JSON.parse(line);
      expect(printed).toEqual({
        HOME2: '/home/someone/x',
        LITERAL: 'pa${ss',
        'MY-KEY': '1',
        WORD: 'kept',
        AFTER: expect.stringMatching(/^postgres:\/\/tldr:\*\*\*@127\.0\.0\.1:\d+\/tldr$/),
      });
    } finally {
      await removeProjectResources(docker, name);
    }
  });
});
