import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDurations, writeDurations } from '../../../src/commands/test/durations.js';

// --write-durations FILE names a file in the user's folder (the repository root, /tmp): tldr
// writes it without making that folder private — /tmp at 0700 locked the postgres user out.
describe('writeDurations', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('leaves the folder’s mode as it was and writes the file whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tldr-durations-'));
    dirs.push(dir);
    chmodSync(dir, 0o1777);
    const file = join(dir, 'durations.json');
    writeDurations(file, { 'app.tests.A.test_x': 1.5 });
    expect(statSync(dir).mode & 0o7777).toBe(0o1777);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'app.tests.A.test_x': 1.5 });
    expect(readDurations(file)).toEqual({ 'app.tests.A.test_x': 1.5 });
  });

  it('creates a missing folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tldr-durations-'));
    dirs.push(dir);
    writeDurations(join(dir, 'cache', 'd.json'), {});
    expect(readFileSync(join(dir, 'cache', 'd.json'), 'utf8')).toBe('{}\n');
  });
});
