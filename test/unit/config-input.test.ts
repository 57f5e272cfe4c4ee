import { describe, expect, it } from 'vitest';
import { findConfigFile, loadConfig, MAX_CONFIG_BYTES, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { tempDir } from '../helpers/fixtures.js';

const file = 'tldr.config.yaml';
const errorOf = (text: string): ConfigError => {
  try {
    parseConfig(text, { file, env: {} });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

// Deterministic "random bytes": a xorshift stream, so a failure reproduces.
function noise(length: number, seed = 42): string {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff || 0x41;
  }
  return bytes.toString('latin1');
}

describe('bad config input is a config error (exit 2), bounded, and says where', () => {
  it('a YAML alias bomb', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [prev, name] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
      ['f', 'g'],
    ] as const)
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const error = errorOf(`version: 1\n${levels.join('\n')}\n`);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/alias/i);
  });

  it('--config naming a folder', () => {
    using dir = tempDir();
    expect(() => findConfigFile(dir.path, '.')).toThrow(ConfigError);
    expect(() => findConfigFile(dir.path, '.')).toThrow(/is a folder, not a config file/);
  });

  it('a file over 1 MB is refused before it is parsed, naming the limit', () => {
    using dir = tempDir();
    dir.write(file, `version: 1\n# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`);
    expect(() => loadConfig({ cwd: dir.path })).toThrow(/is 1\.0 MB; a config file over 1 MB is refused/);
  });

  it('random bytes: the first errors and a count, a few KB at most', () => {
    const error = errorOf(noise(MAX_CONFIG_BYTES - 10).replace(/\u0000/g, 'A'));
    expect(error.message.length).toBeLessThan(3_000);
    expect(error.message.split('\n').length).toBeLessThanOrEqual(11);
    expect(error.message).toMatch(/… and \d+ more$/);
    expect(errorOf('version: 1\n\u0000\u0001').message).toContain('contains NUL bytes');
  });

  it('many unknown keys: the first ten, then how many more', () => {
    const error = errorOf(`version: 1\n${Array.from({ length: 500 }, (_, i) => `k${i}: 1`).join('\n')}\n`);
    expect(error.message.split('\n')).toHaveLength(11);
    expect(error.message).toContain('k0: unknown key (tldr.config.yaml:2:1)');
    expect(error.message).toContain('… and 490 more');
  });

  it('a document nested thousands deep', () => {
    expect(errorOf(`version: 1\nx: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`).exitCode).toBe(2);
  });

  it('a duplicate key is named, with both lines', () => {
    expect(errorOf('version: 1\nname: a\nname: b\n').message).toBe('name: duplicate key (tldr.config.yaml:3:1; first at line 2)');
    expect(errorOf('version: 1\nenv:\n  A: "1"\n  B: "2"\n  A: "3"\n').message).toBe('env.A: duplicate key (tldr.config.yaml:5:3; first at line 3)');
  });

  it('an unclosed quote is reported where it opens, not where the parser gave up', () => {
    expect(errorOf('version: 1\nname: "abc\nbackend:\n  dir: x\n').message).toBe('invalid YAML: unclosed " quote: it opens here (tldr.config.yaml:2:7)');
    expect(errorOf("version: 1\nname: 'abc\nbackend:\n  dir: x\n").message).toBe("invalid YAML: unclosed ' quote: it opens here (tldr.config.yaml:2:7)");
    expect(errorOf('version: 1\nenv:\n  A: "unclosed\n  B: "2"\n').message).toBe('invalid YAML: unclosed " quote: it opens here (tldr.config.yaml:3:6)');
  });

  it("a secret's wrong value is not shown", () => {
    const error = errorOf('version: 1\nservices:\n  postgres:\n    password: 12345678\nenv:\n  API_TOKEN: [98765432]\n');
    expect(error.message).not.toMatch(/12345678|98765432/);
    expect(error.message).toContain(
      'services.postgres.password (value hidden): expected a string (quote it if it looks like a number), got a number (tldr.config.yaml:4:15)',
    );
    expect(error.message).toContain('env.API_TOKEN (value hidden): expected a string (quote numbers: "1"), got a list (tldr.config.yaml:6:14)');
  });

  it('validation time grows linearly with the number of keys (2k vs 20k: at most ~15×)', () => {
    const configWith = (n: number) =>
      `version: 1\nenv:\n${Array.from({ length: n }, (_, i) => `  KEY_${i}: "value ${i}"`).join('\n')}\nprocesses:\n${Array.from({ length: n / 10 }, (_, i) => `  p${i}: { run: "x", nope: 1 }`).join('\n')}\n`;
    // CPU time of the fastest of three runs: what the code costs, not what else the machine is doing.
    const cost = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const start = process.cpuUsage();
        expect(() => parseConfig(text, { file, env: {} })).toThrow(ConfigError);
        const used = process.cpuUsage(start);
        best = Math.min(best, used.user + used.system);
      }
      return best;
    };
    const small = configWith(2_000);
    const large = configWith(20_000);
    expect(large.length).toBeLessThan(MAX_CONFIG_BYTES * 2);
    cost(small); // warm-up: compile the code paths once
    const ratio = cost(large) / cost(small);
    expect(ratio, `20k keys cost ${ratio.toFixed(1)}× 2k keys`).toBeLessThan(15);
  });
});
