import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const ESC = '\u001b[';

// `script` gives the command a pseudo-terminal; the shell inside redirects one stream to a file.
async function atTerminal(dir: string, command: string): Promise<string> {
  const { stdout } = await execa('script', ['-q', '-e', '-c', command, '/dev/null'], {
    cwd: dir,
    reject: false,
    env: { TERM: 'xterm', NO_COLOR: undefined, FORCE_COLOR: undefined },
    extendEnv: true,
  });
  return stdout;
}

describe('colour follows each stream (a real pseudo-terminal)', () => {
  it('`tldr config validate 2>err.log` at a terminal writes no escape codes into the file; stdout to a file likewise', async () => {
    using dir = tempDir();
    dir.write('tldr.config.yaml', 'version: 1\n');
    dir.write('bad/tldr.config.yaml', 'version: 1\nservices: { postgres: { port: abc } }\n');
    const tldr = `${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)}`;

    const both = await atTerminal(dir.path, `${tldr} config validate`);
    expect(both).toContain(`${ESC}32m✔`); // colour at the terminal: the check below could fail

    await atTerminal(dir.path, `${tldr} config validate 2>err.log`);
    await atTerminal(dir.path, `${tldr} --cwd bad config validate 2>bad.log`);
    expect(readFileSync(join(dir.path, 'err.log'), 'utf8')).toMatch(/^✔ .*tldr\.config\.yaml is valid\n$/);
    expect(readFileSync(join(dir.path, 'bad.log'), 'utf8')).toContain('tldr: services.postgres.port: expected a number');
    expect(readFileSync(join(dir.path, 'bad.log'), 'utf8')).not.toContain(ESC);

    const terminal = await atTerminal(dir.path, `${tldr} config schema --events >out.json`);
    expect(terminal).toContain(`${ESC}32m✔`);
    expect(readFileSync(join(dir.path, 'out.json'), 'utf8')).not.toContain('\u001b');
    expect(() => JSON.parse(readFileSync(join(dir.path, 'out.json'), 'utf8'))).not.toThrow();
  });
});
