import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgServerError, plainTarget, selectOne, simpleQuery } from '../../src/readiness/pg-wire.js';
import { appliedRows } from '../../src/backend/migration-state.js';
import { ProbeFatal } from '../../src/readiness/probe.js';
import { Probe } from '../../src/readiness/probes.js';
import { removeProjectResources, requireDocker } from '../helpers/docker.js';
import { uniqueName } from '../helpers/fixtures.js';

// The readiness probe speaks the Postgres protocol itself (no `pg` to load): every auth method a
// local server may ask for, against a real server whose pg_hba.conf the test rewrites.
describe('SELECT 1 over the Postgres protocol', () => {
  const project = uniqueName('tldrpgwire');
  let docker: Docker;
  let container: Docker.Container;
  let port: number;
  const target = (password: string) => ({ host: '127.0.0.1', port, user: 'probe', password, database: 'probe' });

  const sh = async (script: string) => {
    const exec = await container.exec({ Cmd: ['sh', '-c', script], User: 'postgres', AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({});
    const out: Buffer[] = [];
    stream.on('data', (c: Buffer) => out.push(c));
    await new Promise((r) => stream.on('end', r));
    const { ExitCode } = await exec.inspect();
    if (ExitCode !== 0) throw new Error(`${script}: ${Buffer.concat(out).toString()}`);
  };
  // One method for every TCP connection; the stored password is re-hashed the way the method needs.
  const useMethod = async (method: 'trust' | 'password' | 'md5' | 'scram-sha-256') => {
    const encryption = method === 'md5' ? 'md5' : 'scram-sha-256';
    await sh(
      `printf 'local all all trust\\nhost all all all ${method}\\n' > "$PGDATA/pg_hba.conf" && ` +
        `psql -U probe -d probe -v ON_ERROR_STOP=1 -c "SET password_encryption='${encryption}'" -c "ALTER USER probe PASSWORD 'secret-1'" -c "SELECT pg_reload_conf()"`,
    );
  };

  beforeAll(async () => {
    docker = await requireDocker();
    container = await docker.createContainer({
      name: `${project}-postgres`,
      Image: 'tldr-test/postgres:15',
      Env: ['POSTGRES_USER=probe', 'POSTGRES_PASSWORD=secret-1', 'POSTGRES_DB=probe'],
      Labels: { 'dev.tldr.project': project },
      HostConfig: { PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
      ExposedPorts: { '5432/tcp': {} },
    });
    await container.start();
    port = Number((await container.inspect()).NetworkSettings.Ports['5432/tcp']![0]!.HostPort);
    await Probe.sql(target('secret-1')).wait({ timeoutMs: 60_000 });
  });

  afterAll(async () => {
    if (docker) await removeProjectResources(docker, project);
  });

  for (const method of ['scram-sha-256', 'md5', 'password', 'trust'] as const) {
    it(`${method}: the right password is let in${method === 'trust' ? ' (any is)' : ', a wrong one is refused with 28P01'}`, async () => {
      await useMethod(method);
      await expect(selectOne(target('secret-1'), 5_000)).resolves.toBeUndefined();
      const wrong = selectOne(target('wrong'), 5_000);
      if (method === 'trust') await expect(wrong).resolves.toBeUndefined();
      else await expect(wrong).rejects.toMatchObject({ code: '28P01' });
    });
  }

  it('a missing database is an error with its SQLSTATE, and the probe stops waiting at once', async () => {
    const err = await selectOne({ ...target('secret-1'), database: 'nope' }, 5_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PgServerError);
    expect(err).toMatchObject({ code: '3D000', message: 'database "nope" does not exist' });
    const started = performance.now();
    await expect(Probe.sql({ ...target('secret-1'), database: 'nope' }).wait({ timeoutMs: 30_000 })).rejects.toBeInstanceOf(ProbeFatal);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('a simple query: rows as text by column name, NULL as null, UTF-8 intact; the same rows as pg', async () => {
    await useMethod('scram-sha-256');
    const sql = "SELECT 1 AS n, NULL AS nothing, 'ünï ✓' AS text, '' AS empty UNION ALL SELECT 2, 'x', 'y', 'z'";
    const rows = await simpleQuery(target('secret-1'), sql, 5_000);
    expect(rows).toEqual([
      { n: '1', nothing: null, text: 'ünï ✓', empty: '' },
      { n: '2', nothing: 'x', text: 'y', empty: 'z' },
    ]);
    expect(await simpleQuery(target('secret-1'), 'SELECT 1 WHERE false', 5_000)).toEqual([]);
  });

  it("django_migrations rows without pg (tldr's own URLs), undefined before the table exists", async () => {
    const url = `postgres://probe:${encodeURIComponent('secret-1')}@127.0.0.1:${port}/probe`;
    expect(plainTarget(url)).toEqual(target('secret-1'));
    expect(plainTarget(`${url}?sslmode=require`)).toBeUndefined(); // TLS and options stay with pg
    expect(await appliedRows(url)).toBeUndefined();
    await sh(
      `psql -U probe -d probe -v ON_ERROR_STOP=1 -c "CREATE TABLE django_migrations (id serial, app text, name text, applied timestamptz)" -c "INSERT INTO django_migrations (app, name) VALUES ('auth', '0001_initial'), ('documents', '0001_initial')"`,
    );
    try {
      expect(await appliedRows(url)).toEqual([
        { app: 'auth', name: '0001_initial' },
        { app: 'documents', name: '0001_initial' },
      ]);
      expect(await appliedRows(`${url}?application_name=through-pg`)).toEqual(await appliedRows(url));
    } finally {
      await sh('psql -U probe -d probe -c "DROP TABLE django_migrations"');
    }
  });

  it('nothing listening: a retryable connection error', async () => {
    await expect(selectOne({ ...target('x'), port: 1 }, 2_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
