import { describe, expect, it } from 'vitest';
import { findConfigFile, parseConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const file = 'tldr.config.yaml';
const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseConfig(text, { file, env });
const errorOf = (text: string, env: NodeJS.ProcessEnv = {}): ConfigError => {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('fills every default from a minimal file', () => {
    const config = parse('version: 1\n');
    expect(config.backend).toEqual({ dir: 'backend', python: 'auto', celery_app: 'tldr' });
    expect(config.services.postgres).toMatchObject({ image: 'postgres:17', port: 5432, db: 'tldr', user: 'tldr' });
    expect(config.services.redis.port).toBe(6379);
    expect(config.migrations).toEqual({ since: null, reversibility: true, strict: false, lock_timeout: null, ignore: [] });
    expect(config.agent.tools).toContain('dev_start');
  });

  it('accepts the full example of DESIGN.md', () => {
    const config = parse(
      [
        'version: 1',
        'name: tldr',
        'backend: { dir: backend, settings: tldr.settings, python: [".venv/bin/python"], celery_app: tldr }',
        'services:',
        '  provider: docker',
        '  postgres: { image: "postgres:17", port: 0, db: tldr, user: tldr, password: tldr }',
        '  redis: { image: "redis:7", port: 6379 }',
        'env_files: [backend/.env]',
        'env: { DJANGO_DEBUG: "1", SENTRY_DSN: "${env:SENTRY_DSN}" }',
        'processes:',
        '  web: { run: manage runserver 127.0.0.1:8000, ready: { http: "http://127.0.0.1:8000/" } }',
        '  worker: { run: celery worker -l info, ready: { log: "ready\\\\." } }',
        '  frontend: { dir: frontend, run: npm run dev, enabled: false }',
        'migrations:',
        '  ignore: [{ migration: documents.0004_remove_title, rules: [drop-column], reason: "column unused since v2" }]',
        'pipelines:',
        '  check: [migrate-check, test]',
        '  release-check: [up, { parallel: [migrate-check, { run: "manage check --deploy" }] }, test]',
        'agent: { tools: [status, up] }',
      ].join('\n'),
      { SENTRY_DSN: 'https://key@sentry.example/1' },
    );
    expect(config.env.SENTRY_DSN).toBe('https://key@sentry.example/1');
    expect(config.processes.worker!.ready!.log).toBe('ready\\.');
    expect(config.processes.frontend!.enabled).toBe(false);
    expect(config.pipelines['release-check']).toHaveLength(3);
  });

  it('names file:line:column, key path and value for a wrong type', () => {
    const error = errorOf('version: 1\nservices:\n  postgres:\n    port: abc\n');
    expect(error.message).toBe('services.postgres.port: expected a number from 0 to 65535, got "abc" (tldr.config.yaml:4:11)');
    expect(error.exitCode).toBe(2);
  });

  it('rejects unknown keys at their position', () => {
    expect(errorOf('version: 1\nservices:\n  postgres:\n    prot: 5432\n').message).toBe('services.postgres.prot: unknown key (tldr.config.yaml:4:5)');
    expect(errorOf('version: 1\nservcies: {}\n').message).toBe('servcies: unknown key (tldr.config.yaml:2:1)');
  });

  it('reports bad YAML syntax with a position', () => {
    const error = errorOf('version: 1\nprocesses: [\n  - a\n');
    expect(error.message.split('\n')[0]).toBe('invalid YAML: Block collections are not allowed within flow collections (tldr.config.yaml:3:3)');
  });

  it('reports an undefined ${env:X} with its position and a fix', () => {
    const error = errorOf('version: 1\nenv:\n  TOKEN: ${env:TLDR_TEST_UNSET}\n');
    expect(error.message).toBe('env.TOKEN: ${env:TLDR_TEST_UNSET} is not set in the environment (tldr.config.yaml:3:10)');
    expect(error.hint).toContain('${env:TLDR_TEST_UNSET:-default}');
    expect(parse('version: 1\nenv:\n  TOKEN: ${env:TLDR_TEST_UNSET:-fallback}\n').env.TOKEN).toBe('fallback');
  });

  it('keeps service expansions for later and rejects unknown ones', () => {
    expect(parse('version: 1\nenv:\n  DB: ${postgres.url}\n').env.DB).toBe('${postgres.url}');
    expect(errorOf('version: 1\nenv:\n  DB: ${mysql.url}\n').message).toContain('unknown expansion ${mysql.url} (tldr.config.yaml:3:7)');
  });

  it('names enum choices, missing versions and bad pipeline steps', () => {
    expect(errorOf('version: 1\nservices:\n  provider: dockr\n').message).toBe(
      'services.provider: expected one of "auto", "docker", "native", "external", got "dockr" (tldr.config.yaml:3:13)',
    );
    expect(errorOf('name: x\n').message).toContain('version: expected one of 1, it is missing');
    expect(errorOf('version: 1\npipelines:\n  a: [up, { paralel: [x] }]\n').message).toContain('pipelines.a[1]: expected a step name');
  });

  it('requires a reason on ignore entries', () => {
    expect(errorOf('version: 1\nmigrations:\n  ignore: [{ migration: a.0001_x, rules: [drop-column] }]\n').message).toContain('migrations.ignore[0].reason');
  });

  it('reports every problem at once', () => {
    const lines = errorOf('version: 1\nservices:\n  postgres: { port: -1 }\n  redis: { port: 70000 }\n').message.split('\n');
    expect(lines).toHaveLength(2);
  });

  it('names a missing file and how to fix it', () => {
    const missing = (() => {
      try {
        findConfigFile('/', 'no/such/tldr.config.yaml');
      } catch (error) {
        return error as ConfigError;
      }
    })();
    expect(missing).toBeInstanceOf(ConfigError);
    expect(missing!.message).toBe('config file not found: /no/such/tldr.config.yaml');
    expect(missing!.exitCode).toBe(2);
    expect(missing!.hint).toBe('check the --config path');
  });
});
