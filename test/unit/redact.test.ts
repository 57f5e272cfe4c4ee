import { describe, expect, it } from 'vitest';
import { envSecrets, redact, redactDeep, redactEnv, SecretSet } from '../../src/output/redact.js';
import { Output } from '../../src/output/output.js';
import { Writable } from 'node:stream';

describe('redaction', () => {
  it('hides the password part of URLs', () => {
    expect(redact('postgres://tldr:s3cret@127.0.0.1:5432/tldr')).toBe('postgres://tldr:***@127.0.0.1:5432/tldr');
    expect(redact('redis://:pw@localhost:6379/0 and https://user:tok@host/x')).toBe('redis://:***@localhost:6379/0 and https://user:***@host/x');
    expect(redact('postgres://tldr@127.0.0.1/tldr')).toBe('postgres://tldr@127.0.0.1/tldr');
  });
  it('hides values of password/secret/token assignments', () => {
    expect(redact('PGPASSWORD=hunter2 DJANGO_SECRET_KEY="abc def" API_TOKEN: xyz')).toBe('PGPASSWORD=*** DJANGO_SECRET_KEY=*** API_TOKEN: ***');
  });
  it('redacts an env map by key name', () => {
    expect(redactEnv({ POSTGRES_PASSWORD: 'p', DATABASE_URL: 'postgres://u:p@h/db', DEBUG: '1' })).toEqual({
      POSTGRES_PASSWORD: '***',
      DATABASE_URL: 'postgres://u:***@h/db',
      DEBUG: '1',
    });
  });
  it('hides known secret values wherever they appear', () => {
    const secrets = new SecretSet();
    secrets.add('correct-horse');
    secrets.add('tldr'); // too short to redact safely: it is the project name too
    expect(secrets.redact('FATAL: password "correct-horse" rejected for tldr')).toBe('FATAL: password "***" rejected for tldr');
  });
  it('is applied to every event in every output mode', () => {
    for (const mode of ['json', 'human'] as const) {
      let written = '';
      const stream = new Writable({ write: (chunk, _enc, done) => ((written += String(chunk)), done()) });
      const output = new Output({ mode, stdout: stream, stderr: stream, env: { NO_COLOR: '1' } });
      output.secrets.add('topsecretvalue');
      output.log('web', 'connecting to postgres://tldr:topsecretvalue@db/tldr with topsecretvalue');
      output.result({ ok: true, exitCode: 0, summary: 'url postgres://u:pw@h/d', data: { nested: ['topsecretvalue'] } });
      expect(written).not.toContain('topsecretvalue');
      expect(written).not.toContain(':pw@');
      expect(written).toContain('***');
    }
  });
});

describe('redaction by value everywhere', () => {
  const sink = () => {
    let text = '';
    const stream = new Writable({ write: (chunk, _enc, done) => ((text += String(chunk)), done()) });
    return { stream, text: () => text };
  };

  it('knows the secrets of an environment: secret-named keys and URL passwords (also percent-decoded)', () => {
    expect(envSecrets({ API_TOKEN: 'tok-123456', CACHE: 'redis://:p%40ss-word@h:6379/0', DSN: 'https://k:v@sentry/1', DEBUG: '1' })).toEqual([
      'tok-123456',
      'p%40ss-word',
      'p@ss-word',
      'v',
    ]);
    const secrets = new SecretSet();
    secrets.addEnv({ API_TOKEN: 'tok-123456', CACHE: 'redis://:p%40ss-word@h:6379/0' });
    expect(secrets.redact('copied tok-123456 and p@ss-word')).toBe('copied *** and ***');
    expect(secrets.redactEnv({ X: 'pre-tok-123456', POSTGRES_PASSWORD: 'short', URL: 'postgres://u:tok-123456@h/d' })).toEqual({
      X: 'pre-***',
      POSTGRES_PASSWORD: '***',
      URL: 'postgres://u:***@h/d',
    });
  });

  it('hides the longest match first, and values with regex characters', () => {
    const secrets = new SecretSet();
    secrets.addAll(['abc$def', 'abc$def(ghi)', 'x']);
    expect(secrets.redact('a abc$def(ghi) b abc$def')).toBe('a *** b ***');
  });

  it('redacts by key for config-like data', () => {
    const config = { services: { postgres: { password: 'tldr', url: 'postgres://u:pw@h/d' } }, env: { API_TOKEN: 'abc', NAME: 'x' } };
    expect(redactDeep(config, undefined, { byKey: true })).toEqual({
      services: { postgres: { password: '***', url: 'postgres://u:***@h/d' } },
      env: { API_TOKEN: '***', NAME: 'x' },
    });
  });

  it('whatever is written to output.stdout / output.stderr is redacted; NDJSON lines stay valid JSON', () => {
    for (const mode of ['human', 'json'] as const) {
      const out = sink();
      const err = sink();
      const output = new Output({ mode, stdout: out.stream, stderr: err.stream, env: { NO_COLOR: '1' } });
      output.secrets.add('tok-distinct-123');
      output.stdout.write('X=tok-distinct-123\n');
      output.stderr.write('error: tok-distinct-123\n');
      output.note('note tok-distinct-123');
      output.log('web', 'token=abc"} tok-distinct-123');
      output.result({ ok: true, exitCode: 0, summary: 'done' });
      expect(out.text() + err.text()).not.toContain('tok-distinct-123');
      if (mode === 'json') {
        const lines = out
          .text()
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('{'));
        for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      }
    }
  });

  it('output.terminal is the unredacted stream, for env --export and a child that owns the terminal', () => {
    const out = sink();
    const output = new Output({ stdout: out.stream, env: {} });
    output.secrets.add('tok-distinct-123');
    output.terminal.stdout.write('export T=tok-distinct-123\n');
    expect(out.text()).toBe('export T=tok-distinct-123\n');
  });
});
