import { describe, expect, it } from 'vitest';
import { redact, redactEnv, SecretSet } from '../../src/output/redact.js';
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
