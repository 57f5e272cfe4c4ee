import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { containerDefinition, stableJson } from '../../src/services/docker/container-spec.js';
import { foreignResourceError } from '../../src/services/docker/foreign.js';
import { ownedBy } from '../../src/services/docker/labels.js';
import { decideAction, describeChange, type ExistingContainer } from '../../src/services/docker/plan.js';
import type { ServiceSpec } from '../../src/services/provider.js';
import { selectServices, serviceSpecs } from '../../src/services/specs.js';
import { postgresUrl, serviceValues } from '../../src/services/values.js';

const config = parseConfig(
  'version: 1\nname: app\nservices:\n  postgres: { image: "postgres:17", port: 5433, password: "p@ss word" }\n  redis: { port: 0 }\n',
  { file: 't.yaml', env: {} },
);
const pg: ServiceSpec = { name: 'postgres', image: 'postgres:17', port: 5433, portPolicy: 'fixed', db: 'tldr', user: 'tldr', password: 'pw' };
const input = { instance: 'app', checkout: '/src/app', spec: pg, port: 5433, dataDir: '/var/lib/postgresql/data' };

describe('service specs from the config', () => {
  it('the main checkout uses configured ports; 0 means auto (remembered)', () => {
    const [p, r] = serviceSpecs(config.services, { main: true, ports: { redis: 41000 } }, ['postgres', 'redis']);
    expect(p).toMatchObject({ name: 'postgres', port: 5433, portPolicy: 'fixed', password: 'p@ss word' });
    expect(r).toMatchObject({ name: 'redis', port: 41000, portPolicy: 'auto' });
  });

  it('a second checkout never uses the configured ports', () => {
    const [p] = serviceSpecs(config.services, { main: false, ports: {} }, ['postgres']);
    expect(p).toMatchObject({ port: undefined, portPolicy: 'auto' });
  });

  it('selects services by name; unknown names are usage errors', () => {
    expect(selectServices(undefined)).toEqual(['postgres', 'redis']);
    expect(selectServices(['redis'])).toEqual(['redis']);
    expect(() => selectServices(['mysql'])).toThrow(/unknown service "mysql"/);
  });
});

describe('container definition and config hash', () => {
  it('publishes on 127.0.0.1 only, mounts the named volume, labels the owner', () => {
    const def = containerDefinition(input);
    expect(def.name).toBe('app-postgres');
    expect(def.volume).toBe('app-postgres-data');
    expect(def.body.HostConfig?.PortBindings).toEqual({ '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '5433' }] });
    expect(def.body.HostConfig?.Mounts).toEqual([{ Type: 'volume', Source: 'app-postgres-data', Target: '/var/lib/postgresql/data' }]);
    expect(def.body.Env).toEqual(['POSTGRES_DB=tldr', 'POSTGRES_USER=tldr', 'POSTGRES_PASSWORD=pw']);
    expect(def.body.StopTimeout).toBe(10);
    expect(def.body.Labels).toEqual({
      'dev.tldr.project': 'app',
      'dev.tldr.service': 'postgres',
      'dev.tldr.checkout': '/src/app',
      'dev.tldr.config-hash': def.hash,
    });
  });

  it('the hash is stable and changes with image, env, port and mount — not with the checkout path', () => {
    const base = containerDefinition(input).hash;
    expect(containerDefinition(input).hash).toBe(base);
    expect(containerDefinition({ ...input, checkout: '/elsewhere' }).hash).toBe(base);
    expect(containerDefinition({ ...input, spec: { ...pg, image: 'postgres:16' } }).hash).not.toBe(base);
    expect(containerDefinition({ ...input, spec: { ...pg, password: 'other' } }).hash).not.toBe(base);
    expect(containerDefinition({ ...input, port: 5434 }).hash).not.toBe(base);
    expect(containerDefinition({ ...input, dataDir: '/var/lib/postgresql' }).hash).not.toBe(base);
  });

  it('stable JSON sorts keys at every level', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });
});

describe('what up does with an existing container', () => {
  const def = containerDefinition(input);
  const existing = (over: Partial<ExistingContainer>): ExistingContainer => ({
    id: 'c1',
    project: 'tldr',
    created: '2025-01-01T00:00:00Z',
    status: 'running',
    running: true,
    hash: def.hash,
    checkout: '/src/app',
    port: 5433,
    image: 'postgres:17',
    env: ['POSTGRES_DB=tldr', 'POSTGRES_USER=tldr', 'POSTGRES_PASSWORD=pw', 'PATH=/usr/bin'],
    mounts: ['/var/lib/postgresql/data'],
    startedAt: undefined,
    ...over,
  });

  it('running and unchanged → nothing; stopped → start; missing → create; changed → recreate', () => {
    expect(decideAction(existing({}), def)).toEqual({ action: 'none' });
    expect(decideAction(existing({ status: 'exited', running: false }), def)).toEqual({ action: 'start' });
    expect(decideAction(existing({ status: 'created', running: false }), def)).toEqual({ action: 'start' });
    expect(decideAction(existing({ status: 'paused' }), def)).toEqual({ action: 'unpause' });
    expect(decideAction(undefined, def)).toEqual({ action: 'create' });
    expect(decideAction(existing({ hash: 'old' }), def).action).toBe('recreate');
    expect(decideAction(existing({ hash: undefined }), def)).toEqual({ action: 'recreate', reason: 'made by an older tldr (no config hash)' });
    expect(decideAction(existing({ status: 'dead', running: false }), def).action).toBe('recreate');
  });

  it('names what changed', () => {
    expect(describeChange(existing({ hash: 'x', image: 'postgres:16', port: 5432 }), def)).toBe('config changed (image, port)');
    expect(describeChange(existing({ hash: 'x', env: [] }), def)).toBe('config changed (env)');
    expect(describeChange(existing({ hash: 'x', mounts: ['/var/lib/postgresql'] }), def)).toBe('config changed (data mount)');
  });
});

describe("containers and volumes that are not tldr's", () => {
  it("only the dev.tldr.project label of this instance makes it tldr's", () => {
    expect(ownedBy({ 'dev.tldr.project': 'app' }, 'app')).toBe(true);
    expect(ownedBy({ 'dev.tldr.project': 'other' }, 'app')).toBe(false);
    expect(ownedBy({ 'com.example': 'x' }, 'app')).toBe(false);
    expect(ownedBy(null, 'app')).toBe(false);
  });

  it('the error names it, says what it is and gives both fixes (exit 3)', () => {
    const error = foreignResourceError(
      { kind: 'container', name: 'app-postgres', image: 'postgres:16', created: '2025-03-04T05:06:07.123456789Z', state: 'running' },
      'app',
    );
    expect(error.exitCode).toBe(3);
    expect(error.code).toBe('container-not-tldrs');
    expect(error.message).toBe(
      "a container named app-postgres already exists and is not tldr's (image postgres:16, created 2025-03-04 05:06:07 UTC, status running): tldr will not remove, replace or reuse it",
    );
    expect(error.hint).toContain('docker rm -f app-postgres');
    expect(error.hint).toContain('`name:` in tldr.config.yaml');
    const volume = foreignResourceError({ kind: 'volume', name: 'app-postgres-data', project: 'other' }, 'app');
    expect(volume.code).toBe('volume-not-tldrs');
    expect(volume.message).toContain('made by tldr for the instance "other"');
    expect(volume.hint).toContain('docker volume rm app-postgres-data');
  });
});

describe('service values', () => {
  it('URLs escape credentials; every expansion key is filled', () => {
    expect(postgresUrl({ host: '127.0.0.1', port: 5433, user: 'u', password: 'p@ss word/:', db: 'd b' })).toBe(
      'postgres://u:p%40ss%20word%2F%3A@127.0.0.1:5433/d%20b',
    );
    expect(postgresUrl({ host: '::1', port: 1, user: 'u', password: '', db: 'd' })).toBe('postgres://u@[::1]:1/d');
    const values = serviceValues([
      { spec: pg, host: '127.0.0.1', port: 5433 },
      { spec: { name: 'redis', image: 'redis:7', port: 6380, portPolicy: 'fixed' }, host: '127.0.0.1', port: 6380 },
    ]);
    expect(values).toEqual({
      'postgres.url': 'postgres://tldr:pw@127.0.0.1:5433/tldr',
      'postgres.host': '127.0.0.1',
      'postgres.port': '5433',
      'postgres.db': 'tldr',
      'postgres.user': 'tldr',
      'postgres.password': 'pw',
      'redis.url': 'redis://127.0.0.1:6380/0',
      'redis.port': '6380',
    });
  });

  it('external URLs are kept as written (query parameters included)', () => {
    const values = serviceValues([{ spec: pg, host: 'db.example', port: 5432, url: 'postgres://u:p@db.example/x?sslmode=require' }]);
    expect(values['postgres.url']).toBe('postgres://u:p@db.example/x?sslmode=require');
  });
});

describe('password redaction', () => {
  it('registers the Postgres password, unless it is also a public name (it would mangle every name)', async () => {
    const { Output } = await import('../../src/output/output.js');
    const { registerSecrets } = await import('../../src/services/secrets.js');
    const strong = new Output({ mode: 'json' });
    registerSecrets(strong, { name: 'app' }, 'app', [{ ...pg, password: 'Zq81-xKe' }]);
    expect(strong.secrets.redact('connected with Zq81-xKe to app-postgres')).toBe('connected with *** to app-postgres');
    const weak = new Output({ mode: 'json' });
    registerSecrets(weak, { name: 'tldr' }, 'tldr', [{ ...pg, password: 'tldr' }]);
    expect(weak.secrets.redact('tldr-postgres is up')).toBe('tldr-postgres is up');
    expect(weak.secrets.redact('postgres://tldr:tldr@127.0.0.1:5432/tldr')).toBe('postgres://tldr:***@127.0.0.1:5432/tldr');
  });
});
