import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makePrivateDir, openPrivateFile, privateWriteStream, writePrivateFile } from '../../src/config/private-files.js';
import { updateState } from '../../src/config/state.js';
import { tempDir } from '../helpers/fixtures.js';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('private files under .tldr/', () => {
  it('folders from the state dir down become 0700, also ones that existed with a wider mode', () => {
    using dir = tempDir();
    const state = join(dir.path, '.tldr');
    mkdirSync(state, { mode: 0o755 });
    const logs = makePrivateDir(join(state, 'logs', 'deep'));
    expect([mode(state), mode(join(state, 'logs')), mode(logs)]).toEqual([0o700, 0o700, 0o700]);
    // Outside a state dir only the folder itself is touched, never its parents.
    const parentMode = mode(dir.path);
    makePrivateDir(join(dir.path, 'elsewhere'));
    expect(mode(join(dir.path, 'elsewhere'))).toBe(0o700);
    expect(mode(dir.path)).toBe(parentMode);
  });

  it('files are 0600, also an existing 0644 one that is opened again', async () => {
    using dir = tempDir();
    const log = join(dir.path, '.tldr/logs/test.log');
    mkdirSync(join(dir.path, '.tldr/logs'), { recursive: true, mode: 0o755 });
    writeFileSync(log, 'old\n', { mode: 0o644 });
    expect(mode(log)).toBe(0o644);
    const stream = privateWriteStream(log);
    await new Promise<void>((done) => stream.end('new\n', () => done()));
    expect(mode(log)).toBe(0o600);
    expect(readFileSync(log, 'utf8')).toBe('new\n');
    expect(mode(join(dir.path, '.tldr'))).toBe(0o700);

    writePrivateFile(join(dir.path, '.tldr/atomic.json'), '{}\n', { atomic: true });
    expect(mode(join(dir.path, '.tldr/atomic.json'))).toBe(0o600);
    expect(() => openPrivateFile(join(dir.path, '.tldr/atomic.json'), 'wx')).toThrow(/EEXIST/);
  });

  it('state.json is written privately', () => {
    using dir = tempDir();
    const state = join(dir.path, '.tldr');
    updateState(state, (s) => {
      s.instance = 'x';
    });
    expect(mode(state)).toBe(0o700);
    expect(mode(join(state, 'state.json'))).toBe(0o600);
  });
});
