import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { coldReason } from '../../../src/commands/backend/passthrough.js';
import { parseConfig } from '../../../src/config/load.js';
import { Output } from '../../../src/output/output.js';
import { expectedServiceValues } from '../../../src/services/expected.js';

const piped = { output: new Output({ mode: 'json' }) };
const human = { output: new Output({ mode: 'human' }) };

describe('which backend commands may fork from the warm server', () => {
  it('--cold, shell/dbshell/runserver and a child that has the terminal run cold; piped and non-terminal runs may go warm', () => {
    expect(coldReason({ ...piped, cold: true }, 'check')).toBe('--cold');
    for (const sub of ['shell', 'dbshell', 'runserver']) expect(coldReason(piped, sub)).toBe(`${sub} is interactive`);
    expect(coldReason(human, 'check', { stdout: true })).toMatch(/has the terminal/);
    expect(coldReason(human, 'check', { stdin: true })).toMatch(/has the terminal/);
    expect(coldReason(human, 'check', {})).toBeUndefined();
    expect(coldReason(piped, 'check', { stdin: true, stdout: true })).toBeUndefined();
  });
});

describe('the environment expected before the service check', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
  const project = (yaml: string, state?: unknown) => {
    dir = mkdtempSync(join(tmpdir(), 'tldr-expected-'));
    if (state) writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    return { name: 'shop', root: '/src/shop', stateDir: dir, config: parseConfig(`version: 1\nname: shop\n${yaml}`, { file: 'tldr.config.yaml', env: {} }) };
  };

  it('comes from the config and the remembered instance and ports; unknown without them', () => {
    expect(expectedServiceValues(project(''))).toBeUndefined();
    expect(expectedServiceValues(project('', { instance: 'shop', checkout: '/elsewhere' }))).toBeUndefined();
    const main = expectedServiceValues(project('services: { postgres: { password: pw } }', { instance: 'shop', checkout: '/src/shop', ports: {} }));
    expect(main).toMatchObject({ 'postgres.url': 'postgres://tldr:pw@127.0.0.1:5432/tldr', 'redis.url': 'redis://127.0.0.1:6379/0' });
    // A second checkout has free ports: known once remembered.
    expect(expectedServiceValues(project('', { instance: 'shop-abc123', checkout: '/src/shop', ports: { postgres: 41000 } }))).toBeUndefined();
    const worktree = expectedServiceValues(project('', { instance: 'shop-abc123', checkout: '/src/shop', ports: { postgres: 41000, redis: 41001 } }));
    expect(worktree).toMatchObject({ 'postgres.port': '41000', 'redis.port': '41001' });
  });

  it('provider external: the configured URLs', () => {
    const values = expectedServiceValues(
      project('services: { provider: external, postgres: { url: "postgres://u:p@db.example:6543/app" }, redis: { url: "redis://cache:6380/1" } }'),
    );
    expect(values).toMatchObject({ 'postgres.url': 'postgres://u:p@db.example:6543/app', 'postgres.port': '6543', 'redis.url': 'redis://cache:6380/1' });
  });
});
