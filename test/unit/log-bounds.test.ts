import { appendFileSync, closeSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { logLimits, parseSize } from '../../src/config/size.js';
import { CONTINUATION, incompleteTail, LineSplitter } from '../../src/output/line-splitter.js';
import { readLastLines } from '../../src/output/log-file.js';
import { followLog } from '../../src/process/file-follower.js';
import { copyTruncate, RotatingLog, rotateFiles, watchInheritedLog } from '../../src/output/rotating-log.js';
import { ndjsonReader } from '../../src/supervisor/control-protocol.js';
import { tempDir, type TempDir } from '../helpers/fixtures.js';

const KiB = 1024;
let dir: TempDir | undefined;
afterEach(() => dir?.[Symbol.dispose]());
const temp = () => (dir = tempDir('tldr-logs-'));

function split(chunks: Array<string | Buffer>, max?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), max);
  for (const chunk of chunks) splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('splits on \\n, \\r\\n and a lone \\r, also across chunks, and keeps a last unterminated line', () => {
    expect(split(['a\nb\r\nc\rd', '\n\ne'])).toEqual(['a', 'b', 'c', 'd', '', 'e']);
    expect(split(['x\r', '\ny\r', 'z'])).toEqual(['x', 'y', 'z']);
  });
  it('cuts a long line into pieces of at most max bytes, each continuation marked', () => {
    const lines = split(['a'.repeat(10), 'b'.repeat(15), '\nnext\n'], 8);
    expect(lines).toEqual(['aaaaaaaa', `${CONTINUATION}aabbbbbb`, `${CONTINUATION}bbbbbbbb`, `${CONTINUATION}b`, 'next']);
    expect(split(['12345678\n'], 8)).toEqual(['12345678']);
  });
  it('never cuts a UTF-8 character, neither at a chunk boundary nor at a cut', () => {
    const euro = Buffer.from('€'); // 3 bytes
    expect(split([euro.subarray(0, 1), euro.subarray(1, 2), Buffer.concat([euro.subarray(2), Buffer.from('\n')])])).toEqual(['€']);
    const lines = split(['ab€€€\n'], 4);
    expect(lines).toEqual(['ab', `${CONTINUATION}€`, `${CONTINUATION}€`, `${CONTINUATION}€`]);
    expect(lines.join('')).not.toContain('\uFFFD');
    expect(
      split(['é'.repeat(70 * KiB), '\n'])
        .map((l) => l.replace(CONTINUATION, ''))
        .join(''),
    ).toBe('é'.repeat(70 * KiB));
  });
  it('knows where a character is still incomplete', () => {
    const b = Buffer.from('a€');
    expect(incompleteTail(b, 4)).toBe(0);
    expect(incompleteTail(b, 3)).toBe(2);
    expect(incompleteTail(b, 2)).toBe(1);
    expect(incompleteTail(b, 1)).toBe(0);
  });
});

describe('readLastLines', () => {
  it('returns the last n lines like tail, blank lines kept, none for a missing file', () => {
    const d = temp();
    const file = d.write('a.log', 'one\n\nthree\nfour\n');
    expect(readLastLines(file, 2)).toEqual(['three', 'four']);
    expect(readLastLines(file)).toEqual(['one', '', 'three', 'four']);
    expect(readLastLines(d.write('b.log', 'no newline at the end'), 5)).toEqual(['no newline at the end']);
    expect(readLastLines(d.write('c.log', '\nafter a blank first line'), 5)).toEqual(['', 'after a blank first line']);
    expect(readLastLines(d.write('e.log', ''), 5)).toEqual([]);
    expect(readLastLines(join(d.path, 'missing.log'), 5)).toEqual([]);
    expect(readLastLines(file, 0)).toEqual([]);
  });
  it('decodes a multi-byte character that straddles the 64 KiB chunk boundary', () => {
    const d = temp();
    // the last chunk read is the file's final 64 KiB; 64 KiB − 1 bytes follow "€", so the chunk starts inside it
    const filler = 'z'.repeat(64 * KiB - 13);
    const file = d.write('u.log', `first €€€ line\n${'x'.repeat(100)}€${'y'.repeat(10)}\n${filler}\n`);
    expect(readLastLines(file, 3)).toEqual(['first €€€ line', `${'x'.repeat(100)}€${'y'.repeat(10)}`, filler]);
    for (let shift = 0; shift < 4; shift++) {
      const f = d.write(`s${shift}.log`, `${'a'.repeat(shift)}€€\n${'b'.repeat(64 * KiB - 4)}\n`);
      expect(readLastLines(f, 2)).toEqual([`${'a'.repeat(shift)}€€`, 'b'.repeat(64 * KiB - 4)]);
    }
  });
  it('returns an over-long line as its last maxLineBytes, marked, without a cut character', () => {
    const d = temp();
    const file = d.write('long.log', `before\n${'é'.repeat(300 * KiB)}\nafter\n`);
    const [long, after] = readLastLines(file, 2);
    expect(after).toBe('after');
    expect(long!.startsWith(CONTINUATION)).toBe(true);
    expect(long!.slice(CONTINUATION.length)).toBe('é'.repeat(32 * KiB));
  });
});

describe('followLog', () => {
  it('delivers appended lines whole even when a write splits a character, and follows a rotation', async () => {
    const d = temp();
    const file = d.write('f.log', 'old\n');
    const seen: string[] = [];
    const controller = new AbortController();
    const following = followLog(file, (line) => seen.push(line), controller.signal, 20);
    const euro = Buffer.from('€');
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(60);
    appendFileSync(file, Buffer.concat([Buffer.from('price '), euro.subarray(0, 2)]));
    await wait(60);
    appendFileSync(file, Buffer.concat([euro.subarray(2), Buffer.from('\nlast before rotation\n')]));
    renameSync(file, `${file}.1`);
    writeFileSync(file, 'new file\n');
    await wait(100);
    controller.abort();
    expect(await following).toBe(3);
    expect(seen).toEqual(['price €', 'last before rotation', 'new file']);
  });
});

describe('ndjsonReader', () => {
  it('keeps a character split across chunks whole', () => {
    const seen: unknown[] = [];
    const feed = ndjsonReader((m) => seen.push(m));
    const bytes = Buffer.from(`${JSON.stringify({ line: 'é€𝄞' })}\n`);
    for (let i = 0; i < bytes.length; i++) feed(bytes.subarray(i, i + 1));
    expect(seen).toEqual([{ line: 'é€𝄞' }]);
  });
  it('drops a message past its cap (once) and carries on after its newline', () => {
    const seen: unknown[] = [];
    const feed = ndjsonReader((m) => seen.push(m), 10);
    feed('{"a":"aaaaaaaaaaaaaaaaa');
    feed('aaaaaaaaa"}\n{"b":1}\n');
    expect(seen).toEqual([undefined, { b: 1 }]);
  });
});

describe('RotatingLog', () => {
  it('rotates before a write would cross max_size, keeps `keep` old files, all private', async () => {
    const d = temp();
    const path = join(d.path, 'logs', 'p.log');
    const log = new RotatingLog(path, { maxBytes: 100, keep: 2 });
    for (let i = 0; i < 30; i++) log.write(`line ${String(i).padStart(2, '0')} ${'x'.repeat(10)}\n`);
    log.close();
    expect(readdirSync(join(d.path, 'logs')).sort()).toEqual(['p.log', 'p.log.1', 'p.log.2']);
    for (const f of ['p.log', 'p.log.1', 'p.log.2']) {
      expect(statSync(join(d.path, 'logs', f)).size).toBeLessThanOrEqual(100);
      expect(statSync(join(d.path, 'logs', f)).mode & 0o777).toBe(0o600);
    }
    expect(readFileSync(path, 'utf8').trimEnd().split('\n').at(-1)).toBe(`line 29 ${'x'.repeat(10)}`);
    // a fresh start moves the last run to .1; keep 0 keeps nothing old
    const again = new RotatingLog(path, { maxBytes: 100, keep: 2 }, { fresh: true });
    again.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toContain('line 29');
    rotateFiles(path, 0);
    expect(readdirSync(join(d.path, 'logs'))).toEqual([]);
  });
  it('copy-truncates a file written through an inherited fd', () => {
    const d = temp();
    const path = d.write('s.log', 'abc\n');
    const fd = openSync(path, 'a');
    copyTruncate(fd, path, 1);
    writeSync(fd, 'def\n');
    closeSync(fd);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('abc\n');
    expect(readFileSync(path, 'utf8')).toBe('def\n');
  });
});

describe('watchInheritedLog', () => {
  it('rotates a file written through an inherited fd once it outgrows the limit, and leaves a terminal alone', async () => {
    const d = temp();
    const path = d.write('supervisor.log', '');
    const fd = openSync(path, 'a');
    const stop = watchInheritedLog(fd, path, { maxBytes: 1024, keep: 1 }, 10);
    writeSync(fd, 'x'.repeat(2000));
    await new Promise((r) => setTimeout(r, 80));
    writeSync(fd, 'after\n');
    stop();
    closeSync(fd);
    expect(statSync(`${path}.1`).size).toBe(2000);
    expect(readFileSync(path, 'utf8')).toBe('after\n');
    const other = d.write('other.log', 'y'.repeat(2000));
    const stopOther = watchInheritedLog(fd === 0 ? 1 : 0, other, { maxBytes: 1024, keep: 1 }, 10);
    await new Promise((r) => setTimeout(r, 50));
    stopOther();
    expect(statSync(other).size).toBe(2000);
  });
});

describe('logs: config', () => {
  it('parses sizes: 20MB, 512KB, 1.5GiB, a number of bytes', () => {
    expect(parseSize('20MB')).toBe(20 * 1024 * 1024);
    expect(parseSize('512 kb')).toBe(512 * 1024);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize(4096)).toBe(4096);
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('lots')).toBeUndefined();
    expect(parseSize('5 parsecs')).toBeUndefined();
  });
  it('defaults to 20MB × 3 and rejects what is not a size, naming the key', () => {
    const config = (yaml: string) => parseConfig(`version: 1\n${yaml}`, { file: 'tldr.config.yaml', env: {} });
    expect(logLimits(config('').logs)).toEqual({ maxBytes: 20 * 1024 * 1024, keep: 3 });
    expect(logLimits(config('logs: { max_size: 1MB, keep: 0 }').logs)).toEqual({ maxBytes: 1024 * 1024, keep: 0 });
    expect(() => config('logs: { max_size: huge }')).toThrow(/logs\.max_size: expected a size of at least 1KB/);
    expect(() => config('logs: { max_size: 10 }')).toThrow(/logs\.max_size/);
    expect(() => config('logs: { keep: -1 }')).toThrow(/logs\.keep/);
    expect(() => config('logs: { max: 1MB }')).toThrow(/logs\.max/);
  });
});
