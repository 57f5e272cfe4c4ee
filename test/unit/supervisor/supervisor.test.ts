import { describe, expect, it } from 'vitest';
import { ndjsonReader } from '../../../src/supervisor/control-protocol.js';
import { decideRestart, describeExit, MAX_BACKOFF_MS } from '../../../src/supervisor/restart-policy.js';
import { controlSocketPath } from '../../../src/supervisor/socket-path.js';

describe('decideRestart', () => {
  const spec = { restart: 'on-failure' as const, restartLimit: 3, restartBackoffMs: 500 };
  it('doubles the backoff with each restart in a row, up to the limit', () => {
    const crash = { code: 1, signal: null };
    expect(decideRestart(spec, crash, 0)).toEqual({ restart: true, delayMs: 500, attempt: 1 });
    expect(decideRestart(spec, crash, 1)).toEqual({ restart: true, delayMs: 1000, attempt: 2 });
    expect(decideRestart(spec, crash, 2)).toEqual({ restart: true, delayMs: 2000, attempt: 3 });
    expect(decideRestart(spec, crash, 3)).toEqual({ restart: false, reason: 'restart_limit (3) reached' });
  });
  it('caps the backoff', () => {
    expect(decideRestart({ ...spec, restartLimit: 100 }, { code: 1, signal: null }, 20)).toMatchObject({ delayMs: MAX_BACKOFF_MS });
  });
  it('never restarts with restart: no, nor after a clean exit', () => {
    expect(decideRestart({ ...spec, restart: 'no' }, { code: 1, signal: null }, 0)).toMatchObject({ restart: false, reason: 'restart: no' });
    expect(decideRestart(spec, { code: 0, signal: null }, 0)).toMatchObject({ restart: false });
    expect(decideRestart(spec, { code: null, signal: 'SIGKILL' }, 0)).toMatchObject({ restart: true });
  });
  it('describes exits the same way everywhere', () => {
    expect(describeExit({ code: 3, signal: null })).toBe('exit code 3');
    expect(describeExit({ code: null, signal: 'SIGSEGV' })).toBe('signal SIGSEGV (exit status 139)');
  });
});

describe('controlSocketPath', () => {
  it('lives in .tldr/ unless that path is too long for a unix socket', () => {
    expect(controlSocketPath('/home/me/app/.tldr', '/tmp')).toBe('/home/me/app/.tldr/supervisor.sock');
    const deep = `/home/me/${'very-long-folder-name/'.repeat(6)}.tldr`;
    const path = controlSocketPath(deep, '/tmp');
    expect(path).toMatch(/^\/tmp\/tldr-[0-9a-f]{16}\.sock$/);
    expect(controlSocketPath(deep, '/tmp')).toBe(path);
  });
});

describe('ndjsonReader', () => {
  it('reassembles objects split across chunks', () => {
    const seen: unknown[] = [];
    const feed = ndjsonReader((m) => seen.push(m));
    feed('{"a":1}\n{"b"');
    feed(':2}\n\nnot json\n');
    expect(seen).toEqual([{ a: 1 }, { b: 2 }, undefined]);
  });
});
