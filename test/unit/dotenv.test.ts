import { describe, expect, it } from 'vitest';
import { parseDotenv, parseDotenvEntries } from '../../src/config/dotenv.js';
import { readEnvFiles } from '../../src/config/env.js';
import { tempDir } from '../helpers/fixtures.js';

// Each expectation was produced by python-dotenv 1.2.2 (`DotEnv(stream=…).dict()`, i.e.
// dotenv_values, and the error lines of parse_stream) with the environment below. WORD-style
// bare keys are None there; tldr leaves them out, as load_dotenv leaves them unset.
const environment = { HOME: '/h', C: 'c', WORD: 'fromenv' };
const cases: Array<{ text: string; values: Record<string, string>; skipped?: number[] }> = [
  { text: 'A=1\r\nB=2\r\n', values: { A: '1', B: '2' } },
  { text: "A=1\rB='x'\r", values: { A: '1', B: 'x' } },
  { text: 'export  A=1\nexportB=2\nexport C\n', values: { A: '1', exportB: '2' } },
  { text: 'A = "x" # c\nB="y"#c\nC=z#not\nD=z #yes\n', values: { A: 'x', B: 'y', C: 'z#not', D: 'z' } },
  { text: "A='a\\'b'\nB='a\\\\b\\n'\nC=\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\'\\x\"\n", values: { A: "a'b", B: 'a\\b\\n', C: '\u0007\b\f\n\r\t\u000b\\"\'\\x' } },
  { text: "KEY.WITH.DOTS=1\nMY-KEY=2\n'quoted key'=3\nkey:colon=4\n", values: { 'KEY.WITH.DOTS': '1', 'MY-KEY': '2', 'quoted key': '3', 'key:colon': '4' } },
  { text: 'A=${B:-${C}}\nD=${E:-d}e}\nF=${:-x}\nG=${A}\n', values: { A: '${C}', D: 'de}', F: 'x', G: '${C}' } },
  { text: 'WORD\nA=${WORD:-w}\n', values: { A: '' } },
  { text: 'A=x\nA=${A}y\n', values: { A: 'xy' } },
  { text: '  # indented comment\n\n\nA=1\n=2\n  B=3\n', values: { A: '1', B: '3' }, skipped: [5] },
  { text: 'A="line1\nline2" # after\nB=2\n', values: { A: 'line1\nline2', B: '2' } },
  { text: "A='never closed\nB=2\n", values: { B: '2' }, skipped: [1] },
  { text: 'A=é ünï\nB="日本"\n', values: { A: 'é ünï', B: '日本' } },
  { text: 'A=\nB= \nC=  x  \n', values: { A: '', B: '', C: 'x' } },
  { text: 'A=\'${HOME}/x\'\nB="${HOME}/y"\nC=${HOME}/z\nQ=$HOME\nR=${\n', values: { A: '/h/x', B: '/h/y', C: '/h/z', Q: '$HOME', R: '${' } },
];

describe('env_files read like python-dotenv', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (_i, { text, values, skipped = [] }) => {
    expect(parseDotenv(text, environment)).toEqual(values);
    expect(parseDotenvEntries(text).problems.map((p) => p.line)).toEqual(skipped);
  });

  it('names the line where an unterminated quote opens, and which lines are skipped', () => {
    const text = 'OK=1\nH="unterminated\nI=3\nJ="x" tail\nK=after\n';
    const { entries, problems } = parseDotenvEntries(text);
    expect(problems).toEqual([{ line: 2, endLine: 4, reason: 'unterminated quote? the one opened here closes only on line 4, followed by more text' }]);
    expect(entries.map((e) => e.key)).toEqual(['OK', 'K']);
    expect(parseDotenvEntries('A=1\n\n\nB="open\n').problems).toEqual([{ line: 4, endLine: 4, reason: 'unterminated " quote' }]);
  });

  it('warns once per skipped statement, naming file:line, and keeps the rest of the file', () => {
    using dir = tempDir();
    dir.write('.env', 'MY-KEY=1\nWORD\nBAD="open\nGOOD=${HOME2:-fallback}\n');
    const read = readEnvFiles({ root: dir.path, config: { env_files: ['.env', 'missing.env'] } as never });
    expect(read.skipped).toEqual(['missing.env']);
    expect(read.warnings).toEqual(['env_files: .env:3: unterminated " quote — python-dotenv skips line 3, and so does tldr']);
    expect(read.files[0]!.entries.map((e) => [e.key, e.value])).toEqual([
      ['MY-KEY', '1'],
      ['WORD', undefined],
      ['GOOD', '${HOME2:-fallback}'],
    ]);
  });

  it('a folder named as an env file is a config error naming it', () => {
    using dir = tempDir();
    dir.write('envdir/x', '');
    expect(() => readEnvFiles({ root: dir.path, config: { env_files: ['envdir'] } as never })).toThrow(/env_files: envdir is a folder/);
  });
});
