import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEV_EARLY_RECORD, readDevEarlyRecord } from '../../../src/process/early-start.js';
import { readPlan, type ExpectMessage } from '../../../src/supervisor/detached.js';
import { headStartEntry, rememberHeadStarts } from '../../../src/supervisor/head-start.js';
import type { SupervisedProcess } from '../../../src/supervisor/types.js';
import { tempDir } from '../../helpers/fixtures.js';

const spec = (name: string, env: Record<string, string>, headStart = true): SupervisedProcess => ({
  name,
  file: 'uv',
  args: ['run', 'python', 'manage.py', 'runserver', '127.0.0.1:8000', '--noreload'],
  cwd: '/b',
  env,
  readyTimeoutMs: 60_000,
  restart: 'no',
  restartLimit: 5,
  restartBackoffMs: 1000,
  stopGraceMs: 10_000,
  ...(headStart ? { headStart: { bootstrap: '/h/tldr_bootstrap.py', scriptAt: 2 } } : {}),
});

describe('the detached loop head starts', () => {
  it('a Django process starts as its bootstrap after the python argv prefix, waiting for its environment on fd 3', () => {
    const entry = headStartEntry(spec('web', { PYTHONUNBUFFERED: '1', LANG: 'C.UTF-8', DATABASE_URL: 'postgres://u:p@h/d' }));
    expect(entry).toEqual({
      file: 'uv',
      args: ['run', 'python', '/h/tldr_bootstrap.py', '--control-fd', '3', '--await-env', '--', 'manage.py', 'runserver', '127.0.0.1:8000', '--noreload'],
      cwd: '/b',
      piped: true,
      lifeline: false,
      interpreterEnv: { PYTHONUNBUFFERED: '1', LANG: 'C.UTF-8' },
    });
    expect(headStartEntry(spec('vite', {}, false))).toBeUndefined();
  });

  it('the record keeps each head start without a secret, and is rewritten only when a process changed', () => {
    const dir = tempDir('head-start-');
    const redact = (text: string) => text.replaceAll('s3cret', '***');
    const specs = [
      spec('web', { LANG: 'C.UTF-8', DATABASE_URL: 'postgres://u:s3cret@h/d' }),
      spec('leaky', { PYTHONSTARTUP: '/x/s3cret.py' }),
      spec('vite', {}, false),
    ];
    rememberHeadStarts(dir.path, specs, redact);
    const file = join(dir.path, DEV_EARLY_RECORD);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('s3cret');
    expect(Object.keys(readDevEarlyRecord(dir.path).processes)).toEqual(['web']);
    const written = statSync(file).mtimeMs;
    const again = text;
    rememberHeadStarts(dir.path, specs, redact);
    expect(readFileSync(file, 'utf8')).toBe(again);
    expect(statSync(file).mtimeMs).toBe(written);
    rememberHeadStarts(dir.path, [spec('web', { LANG: 'de_DE.UTF-8' })], redact);
    expect(readDevEarlyRecord(dir.path).processes.web?.interpreterEnv).toEqual({ LANG: 'de_DE.UTF-8' });
  });

  it('stdin: an expect line is handed on as it arrives; the plan is what follows', async () => {
    const expected: ExpectMessage = { op: 'expect', processes: [spec('web', { A: '1' })] };
    const plan = JSON.stringify({ version: 1, processes: [], socket: '/s', stateDir: '/d' });
    const seen: ExpectMessage[] = [];
    const input = Readable.from([`${JSON.stringify(expected)}\n`.slice(0, 20), `${JSON.stringify(expected)}\n`.slice(20), `${plan}\n`]);
    const text = await readPlan(input, (message) => seen.push(message));
    expect(seen).toEqual([expected]);
    expect(JSON.parse(text)).toEqual(JSON.parse(plan));
    expect(await readPlan(Readable.from([`${plan}\n`]), () => seen.push(expected))).toBe(`${plan}\n`);
    expect(seen).toHaveLength(1);
  });
});
