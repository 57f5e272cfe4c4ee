import { describe, expect, it } from 'vitest';
import { mergeEnv, serviceEnv } from '../../src/config/env.js';
import { parseDotenv, parseDotenvEntries } from '../../src/config/dotenv.js';

const services = {
  'postgres.url': 'postgres://tldr:pw@127.0.0.1:5433/tldr',
  'postgres.host': '127.0.0.1',
  'postgres.port': '5433',
  'postgres.db': 'tldr',
  'postgres.user': 'tldr',
  'postgres.password': 'pw',
  'redis.url': 'redis://127.0.0.1:6380/0',
  'redis.port': '6380',
};

describe('environment', () => {
  it('derives the service variables', () => {
    expect(serviceEnv(services)).toEqual({
      DATABASE_URL: services['postgres.url'],
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '5433',
      POSTGRES_DB: 'tldr',
      POSTGRES_USER: 'tldr',
      POSTGRES_PASSWORD: 'pw',
      REDIS_URL: services['redis.url'],
      CELERY_BROKER_URL: services['redis.url'],
    });
  });

  it('applies DESIGN.md precedence: caller < services < settings < env_files < env', () => {
    const env = mergeEnv({
      caller: { PATH: '/bin', DATABASE_URL: 'from-caller', A: 'caller', B: 'caller', C: 'caller' },
      services,
      settings: 'tldr.settings',
      files: [parseDotenvEntries('A=file1\nB=file1\n').entries, parseDotenvEntries('B=file2\n').entries],
      env: { C: 'config', D: '${redis.port}-${env:PATH}' },
    });
    expect(env).toMatchObject({ PATH: '/bin', DATABASE_URL: services['postgres.url'], A: 'file1', B: 'file2', C: 'config', D: '6380-/bin' });
    expect(env.DJANGO_SETTINGS_MODULE).toBe('tldr.settings');
  });

  it('parses dotenv files', () => {
    expect(parseDotenv('# c\nA=1\nexport B = two words # note\nC="quoted # not a comment"\nD=\'single\'\nE="multi\nline"\n')).toEqual({
      A: '1',
      B: 'two words',
      C: 'quoted # not a comment',
      D: 'single',
      E: 'multi\nline',
    });
    expect(parseDotenvEntries('not a pair').problems).toEqual([{ line: 1, endLine: 1, reason: 'text after the value' }]);
  });

  it('env_files interpolate like python-dotenv, from earlier keys and the layers below; only `env` gets tldr expansions', () => {
    const env = mergeEnv({
      caller: { HOME: '/home/me' },
      services,
      files: [parseDotenvEntries('HOME2=${HOME}/x\nPASS=a${b\nURL=${DATABASE_URL}?sslmode=disable\nRAW=${postgres.port}\n').entries],
      env: { PORT_COPY: '${postgres.port}' },
    });
    expect(env).toMatchObject({ HOME2: '/home/me/x', PASS: 'a${b', URL: `${services['postgres.url']}?sslmode=disable`, RAW: '', PORT_COPY: '5433' });
  });

  it('an inspection keeps a service expansion with no value as written instead of failing', () => {
    const layers = { caller: {}, services: {}, files: [], env: { DB: '${postgres.url}' } };
    expect(() => mergeEnv(layers)).toThrow(/has no value: the service is not running/);
    expect(mergeEnv({ ...layers, unresolved: 'keep' }).DB).toBe('${postgres.url}');
  });
});
