import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grepFilter, LogText } from '../../src/commands/dev/log-filter.js';
import { readFromOffset } from '../../src/output/log-file.js';
import { tempDir } from '../helpers/fixtures.js';

describe('logs --since and --grep', () => {
  it('reads from an offset to the end and says where to go on; an offset past the end (rotated) starts over', () => {
    using dir = tempDir();
    const file = join(dir.path, 'web.log');
    writeFileSync(file, 'one\ntwo\n');
    const first = readFromOffset(file, 0, 1024);
    expect(first).toEqual({ lines: ['one', 'two'], end: 8, skipped: 0 });
    appendFileSync(file, 'three\n');
    expect(readFromOffset(file, first.end, 1024)).toEqual({ lines: ['three'], end: 14, skipped: 0 });
    expect(readFromOffset(file, 999, 1024).lines).toEqual(['one', 'two', 'three']);
    expect(readFromOffset(join(dir.path, 'missing.log'), 0, 1024)).toEqual({ lines: [], end: 0, skipped: 0 });
  });

  it('reads at most maxBytes from the end, dropping the partial first line', () => {
    using dir = tempDir();
    const file = join(dir.path, 'big.log');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const slice = readFromOffset(file, 0, 30);
    expect(slice.lines.at(-1)).toBe('line 99');
    expect(slice.lines.every((l) => /^line \d+$/.test(l))).toBe(true);
    expect(slice.skipped).toBeGreaterThan(0);
  });

  it('grep is a case-insensitive regular expression; a bad one is a usage error', () => {
    const match = grepFilter('error|traceback');
    expect(['ERROR x', 'Traceback (most recent call last)', 'fine'].filter(match)).toEqual(['ERROR x', 'Traceback (most recent call last)']);
    expect(grepFilter(undefined)('anything')).toBe(true);
    expect(() => grepFilter('(')).toThrow(/not a regular expression/);
    for (const evil of ['(a+)+$', '(x*y)*', '(a|a?){20}']) expect(() => grepFilter(evil), evil).toThrow(/exponential/);
    expect(grepFilter('(error|warn)ing')('Warning: x')).toBe(true);
  });

  it('a result carries the newest lines, bounded, and says how many it left out', () => {
    const text = new LogText();
    for (let i = 0; i < 500; i++) text.push(`line ${i} ${'x'.repeat(50)}`);
    text.push('y'.repeat(5000));
    const { text: lines, omitted } = text.data;
    expect(lines.at(-1)).toMatch(/^y{2000} \[\.\.\.\]$/);
    expect(lines.join('').length).toBeLessThanOrEqual(8 * 1024 + 2100);
    expect(omitted + lines.length).toBe(501);
  });
});
