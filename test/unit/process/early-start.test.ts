import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { earlyKey, interpreterEnv, interpreterLevel, readEarlyRecord, withEarlyEntry, type EarlyEntry } from '../../../src/process/early-start.js';
import { tempDir } from '../../helpers/fixtures.js';
import { repoRoot } from '../../helpers/cli.js';

const entry = (usedAt: number): EarlyEntry => ({
  file: 'python',
  args: ['b.py', '--', 'manage.py', 'check'],
  cwd: '/b',
  piped: false,
  lifeline: false,
  interpreterEnv: {},
  usedAt,
});

describe('the early head start record', () => {
  it('keys a command line by folder, words and which streams are terminals', () => {
    expect(earlyKey('/p', ['manage', 'check'], [false, true, true])).toBe(earlyKey('/p', ['manage', 'check'], [false, true, true]));
    expect(earlyKey('/p', ['manage', 'check'], [false, false, false])).not.toBe(earlyKey('/p', ['manage', 'check'], [false, true, true]));
    expect(earlyKey('/p', ['manage', 'check'], [])).not.toBe(earlyKey('/q', ['manage', 'check'], []));
    expect(earlyKey('/p', ['manage', 'check x'], [])).not.toBe(earlyKey('/p', ['manage', 'check', 'x'], []));
  });

  it('keeps the newest twenty entries', () => {
    let record = readEarlyRecord('/nonexistent');
    for (let i = 0; i < 25; i++) record = withEarlyEntry(record, `k${i}`, entry(i));
    expect(Object.keys(record.entries)).toHaveLength(20);
    expect(record.entries.k24).toBeDefined();
    expect(record.entries.k4).toBeUndefined();
  });

  it('reads a missing, broken or foreign file as empty', () => {
    using dir = tempDir();
    expect(readEarlyRecord(dir.path).entries).toEqual({});
    dir.write('head-start.json', '{ nope');
    expect(readEarlyRecord(dir.path).entries).toEqual({});
    dir.write('head-start.json', '{"v": 2, "entries": {"a": {}}}');
    expect(readEarlyRecord(dir.path).entries).toEqual({});
  });

  it('keeps only the variables the interpreter reads at start', () => {
    expect(interpreterEnv({ PYTHONPATH: '/h', LANG: 'C.UTF-8', LC_ALL: 'C', DATABASE_URL: 'postgres://u:p@h/db', HOME: '/root', TZ: undefined })).toEqual({
      PYTHONPATH: '/h',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
    });
  });

  it("names the same interpreter-level variables as the bootstrap's Python (tldr_start/environ.py)", () => {
    const source = readFileSync(join(repoRoot, 'src/python/tldr_start/environ.py'), 'utf8');
    const tuple = (name: string) => [...(new RegExp(`^${name} = \\(([^)]*)\\)`, 'm').exec(source)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    const prefixes = tuple('_INTERPRETER_PREFIXES');
    const names = tuple('_INTERPRETER_NAMES');
    expect(prefixes.length).toBeGreaterThan(3);
    expect(names.length).toBeGreaterThan(3);
    for (const p of prefixes) expect(interpreterLevel(`${p}X`), p).toBe(true);
    for (const n of names) expect(interpreterLevel(n), n).toBe(true);
    for (const other of ['HOME', 'PATH', 'DATABASE_URL', 'TLDR_TEST_EVENTS', 'XLANG']) expect(interpreterLevel(other), other).toBe(false);
  });
});
