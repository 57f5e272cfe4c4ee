import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgServerError, selectOne } from '../../src/readiness/pg-wire.js';
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

  it('nothing listening: a retryable connection error', async () => {
    await expect(selectOne({ ...target('x'), port: 1 }, 2_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
