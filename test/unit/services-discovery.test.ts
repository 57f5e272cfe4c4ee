import { describe, expect, it } from 'vitest';
import { dockerCandidates, type DiscoveryEnv } from '../../src/services/discovery.js';
import { dockerOptions, findDocker } from '../../src/services/docker/endpoint.js';
import { EnvironmentError } from '../../src/errors.js';

const sys = (env: NodeJS.ProcessEnv, files: Record<string, string> = {}): DiscoveryEnv => ({
  env,
  home: '/home/dev',
  uid: 1000,
  exists: (path) => path in files,
  readFile: (path) => files[path],
  listDir: () => [],
});

describe('Docker socket discovery', () => {
  it('lists candidates in DESIGN.md order', () => {
    expect(dockerCandidates(sys({})).map((c) => `${c.source} ${c.host}`)).toEqual([
      'Docker Desktop unix:///home/dev/.docker/run/docker.sock',
      'default socket unix:///var/run/docker.sock',
      'Colima unix:///home/dev/.colima/default/docker.sock',
      'Colima unix:///home/dev/.colima/docker.sock',
      'OrbStack unix:///home/dev/.orbstack/run/docker.sock',
      'rootless Docker unix:///run/user/1000/docker.sock',
      'Podman unix:///run/user/1000/podman/podman.sock',
      'Podman (root) unix:///run/podman/podman.sock',
    ]);
  });

  it('DOCKER_HOST is the only candidate when set (as for the docker CLI)', () => {
    expect(dockerCandidates(sys({ DOCKER_HOST: 'tcp://10.0.0.2:2375' }))).toEqual([{ source: 'DOCKER_HOST', host: 'tcp://10.0.0.2:2375' }]);
    expect(dockerCandidates(sys({ DOCKER_HOST: 'tcp://x:1' }), { ignoreDockerHost: true })[0]!.source).toBe('Docker Desktop');
  });

  it('the current docker context comes first when there is no DOCKER_HOST', () => {
    const files: Record<string, string> = {
      '/home/dev/.docker/config.json': JSON.stringify({ currentContext: 'colima' }),
      '/home/dev/.docker/contexts/meta/abc/meta.json': JSON.stringify({
        Name: 'colima',
        Endpoints: { docker: { Host: 'unix:///home/dev/.colima/default/docker.sock' } },
      }),
    };
    const withContext: DiscoveryEnv = { ...sys({}, files), listDir: (p) => (p === '/home/dev/.docker/contexts/meta' ? ['abc'] : []) };
    const candidates = dockerCandidates(withContext);
    expect(candidates[0]).toEqual({ source: 'docker context "colima"', host: 'unix:///home/dev/.colima/default/docker.sock' });
    // the same socket is not listed twice
    expect(candidates.filter((c) => c.host.includes('.colima/default'))).toHaveLength(1);
    expect(dockerCandidates({ ...withContext, env: { DOCKER_CONTEXT: 'default' } })[0]!.source).toBe('Docker Desktop');
  });

  it('no daemon → exit 3 listing every endpoint tried, with a hint', async () => {
    const err = await findDocker(sys({}), async () => {
      throw Object.assign(new Error('x'), { code: 'ENOENT' });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnvironmentError);
    const e = err as EnvironmentError;
    expect(e.exitCode).toBe(3);
    expect(e.details.filter((d) => d.includes('unix://'))).toHaveLength(8);
    expect(e.details[2]).toContain('/var/run/docker.sock (default socket): no such socket');
    expect(e.hint).toMatch(/start Docker/);
  });

  it('a DOCKER_HOST that does not answer names a local socket that does', async () => {
    const err = (await findDocker(sys({ DOCKER_HOST: 'tcp://127.0.0.1:1' }), async (c) => {
      if (c.host !== 'unix:///var/run/docker.sock') throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    }).catch((e: unknown) => e)) as EnvironmentError;
    expect(err.details).toEqual(['tried:', '  tcp://127.0.0.1:1 (DOCKER_HOST): connection refused']);
    expect(err.hint).toContain('unix:///var/run/docker.sock (default socket) does: unset DOCKER_HOST');
  });

  it('returns the first endpoint that answers', async () => {
    const found = await findDocker(sys({}), async (c) => {
      if (!c.host.includes('/var/run/')) throw new Error('nope');
    });
    expect(found.candidate.host).toBe('unix:///var/run/docker.sock');
    expect(found.tried.map((t) => t.ok)).toEqual([false, true]);
  });
});

describe('dockerode options from an endpoint', () => {
  it('unix, tcp (TLS on 2376 or DOCKER_TLS_VERIFY), ssh', () => {
    expect(dockerOptions('unix:///run/docker.sock', {})).toMatchObject({ socketPath: '/run/docker.sock', host: undefined });
    expect(dockerOptions('tcp://10.0.0.2:2375', {})).toMatchObject({ protocol: 'http', host: '10.0.0.2', port: '2375', socketPath: undefined });
    expect(dockerOptions('tcp://10.0.0.2:2376', {})).toMatchObject({ protocol: 'https', port: '2376' });
    expect(dockerOptions('tcp://h:1234', { DOCKER_TLS_VERIFY: '1' })).toMatchObject({ protocol: 'https' });
    expect(dockerOptions('ssh://me@build-box', { SSH_AUTH_SOCK: '/agent' })).toMatchObject({
      protocol: 'ssh',
      host: 'build-box',
      username: 'me',
      port: 22,
      sshOptions: { agent: '/agent' },
    });
  });
});
