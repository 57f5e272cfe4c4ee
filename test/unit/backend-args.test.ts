import { describe, expect, it } from 'vitest';
import { makemigrationsArgs, migrateArgs, parseParallel, parseShard, testArgs, workerArgs, TEST_RUNNER } from '../../src/backend/django-args.js';
import { ConfigError } from '../../src/errors.js';

describe('manage.py argument builders', () => {
  it('migrate: app and migration as positional argv elements', () => {
    expect(migrateArgs()).toEqual(['migrate']);
    expect(migrateArgs({ noinput: true })).toEqual(['migrate', '--noinput']);
    expect(migrateArgs({ app: 'documents', migration: 'zero' })).toEqual(['migrate', 'documents', 'zero']);
    expect(migrateArgs({ app: 'documents', migration: '0001' })).toEqual(['migrate', 'documents', '0001']);
  });

  it('migrate: a migration without an app, or a label that is not an identifier, is a usage error (exit 2)', () => {
    expect(() => migrateArgs({ migration: '0001' })).toThrow(ConfigError);
    expect(() => migrateArgs({ app: 'documents; rm -rf /' })).toThrow(/not a Python identifier/);
    expect(() => migrateArgs({ app: '--fake' })).toThrow(ConfigError);
    expect(() => migrateArgs({ app: 'documents', migration: '../x' })).toThrow(/not a migration name/);
  });

  it('makemigrations: --name and app labels', () => {
    expect(makemigrationsArgs()).toEqual(['makemigrations']);
    expect(makemigrationsArgs({ apps: ['documents', 'sample_tests'], name: 'add_note', noinput: true })).toEqual([
      'makemigrations',
      '--noinput',
      '--name',
      'add_note',
      'documents',
      'sample_tests',
    ]);
    expect(() => makemigrationsArgs({ name: 'add note' })).toThrow(ConfigError);
    const error = (() => {
      try {
        makemigrationsArgs({ apps: ['x;y'] });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.exitCode).toBe(2);
    expect(error?.hint).toContain('documents');
  });

  it("test: always --noinput and tldr's runner; labels after `--` so none reads as a flag", () => {
    expect(testArgs()).toEqual(['test', '--noinput', '--testrunner', TEST_RUNNER]);
    expect(testArgs({ labels: ['documents', 'x; touch /tmp/x', '--settings=evil'], keepdb: true, parallel: 'auto', failfast: true })).toEqual([
      'test',
      '--noinput',
      '--testrunner',
      'tldr_testrunner.TldrTestRunner',
      '--keepdb',
      '--parallel',
      'auto',
      '--failfast',
      '--',
      'documents',
      'x; touch /tmp/x',
      '--settings=evil',
    ]);
    expect(testArgs({ parallel: 1 })).not.toContain('--parallel');
    expect(testArgs({ parallel: 3 })).toContain('3');
  });

  it("worker: -l info first, so the caller's own -l wins", () => {
    expect(workerArgs()).toEqual(['worker', '-l', 'info']);
    expect(workerArgs(['-l', 'debug', '-c', '2'])).toEqual(['worker', '-l', 'info', '-l', 'debug', '-c', '2']);
  });
});

describe('--shard and --parallel parsing', () => {
  it('I/N with 1 ≤ I ≤ N', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, total: 4 });
    expect(parseShard(' 2 / 2 ')).toEqual({ index: 2, total: 2 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3', '-1/2', '']) expect(() => parseShard(bad), bad).toThrow(ConfigError);
  });

  it('N ≥ 1 or auto', () => {
    expect(parseParallel(undefined)).toBeUndefined();
    expect(parseParallel('auto')).toBe('auto');
    expect(parseParallel('4')).toBe(4);
    expect(parseParallel(2)).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'two', '']) expect(() => parseParallel(bad), bad).toThrow(/--parallel/);
  });
});
