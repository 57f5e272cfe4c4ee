import type { DockerOptions } from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.js';
import { dockerCandidates, pingSocket, systemDiscoveryEnv, type DiscoveryEnv, type SocketAttempt, type SocketCandidate } from '../discovery.js';
import { extraCaLoaded } from '../../process/extra-ca.js';

/**
 * dockerode options for an endpoint (unix://, tcp://, ssh://, npipe://), read the way
 * docker-modem reads DOCKER_HOST, but from the given env. Every key is set explicitly because
 * docker-modem merges its own DOCKER_HOST defaults under whatever it is given.
 */
export function dockerOptions(host: string, env: NodeJS.ProcessEnv = process.env): DockerOptions {
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined } as unknown as DockerOptions;
  if (host.startsWith('unix://')) return { ...none, socketPath: host.slice('unix://'.length) || '/var/run/docker.sock' };
  if (host.startsWith('npipe://')) return { ...none, socketPath: host.slice('npipe://'.length) || '//./pipe/docker_engine' };
  const url = new URL(host.includes('://') ? host : `tcp://${host}`);
  if (url.protocol === 'ssh:') {
    return {
      ...none,
      protocol: 'ssh',
      host: url.hostname,
      port: url.port || 22,
      username: url.username || undefined,
      sshOptions: { agent: env.SSH_AUTH_SOCK },
    } as DockerOptions;
  }
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  const certs = env.DOCKER_CERT_PATH
    ? {
        ca: readFileSync(join(env.DOCKER_CERT_PATH, 'ca.pem')),
        cert: readFileSync(join(env.DOCKER_CERT_PATH, 'cert.pem')),
        key: readFileSync(join(env.DOCKER_CERT_PATH, 'key.pem')),
      }
    : {};
  return { ...none, protocol: tls ? 'https' : 'http', host: url.hostname, port: url.port || (tls ? 2376 : 2375), ...certs };
}

/** Whether a candidate answers `GET /_ping`: unix sockets directly, tcp/ssh through dockerode. */
export async function pingCandidate(candidate: SocketCandidate, sys: DiscoveryEnv): Promise<void> {
  if (candidate.host.startsWith('unix://')) {
    const path = candidate.host.slice('unix://'.length);
    if (!sys.exists(path)) throw new Error('no such socket');
    return pingSocket(path);
  }
  await extraCaLoaded();
  const { default: Docker } = await import('dockerode');
  // This client only pings, so a client-wide request timeout is safe here.
  const docker = new Docker({ ...dockerOptions(candidate.host, sys.env), timeout: candidate.host.startsWith('ssh://') ? 10_000 : 3_000 });
  await docker.ping();
}

export interface FoundDocker {
  candidate: SocketCandidate;
  tried: SocketAttempt[];
}

/** Pings the candidates in DESIGN.md's order until one answers; `found` is unset when none did. */
export async function probeDocker(
  sys: DiscoveryEnv = systemDiscoveryEnv(),
  ping = pingCandidate,
): Promise<{ found?: SocketCandidate; tried: SocketAttempt[] }> {
  const tried: SocketAttempt[] = [];
  for (const candidate of dockerCandidates(sys)) {
    try {
      await ping(candidate, sys);
      tried.push({ ...candidate, ok: true });
      return { found: candidate, tried };
    } catch (error) {
      tried.push({ ...candidate, ok: false, error: describe(error, candidate.host.startsWith('unix://')) });
    }
  }
  return { tried };
}

/** The first Docker endpoint that answers; none → exit 3 listing every one tried. */
export async function findDocker(sys: DiscoveryEnv = systemDiscoveryEnv(), ping = pingCandidate): Promise<FoundDocker> {
  const { found, tried } = await probeDocker(sys, ping);
  if (found) return { candidate: found, tried };
  throw new EnvironmentError('no Docker daemon answered', {
    code: 'docker-unavailable',
    details: ['tried:', ...tried.map((t) => `  ${t.host} (${t.source}): ${t.error}`)],
    hint: await hintFor(sys, ping),
  });
}

async function hintFor(sys: DiscoveryEnv, ping: typeof pingCandidate): Promise<string> {
  if (sys.env.DOCKER_HOST) {
    for (const other of dockerCandidates(sys, { ignoreDockerHost: true })) {
      const ok = await ping(other, sys).then(
        () => true,
        () => false,
      );
      if (ok)
        return `DOCKER_HOST=${sys.env.DOCKER_HOST} does not answer but ${other.host} (${other.source}) does: unset DOCKER_HOST, or point it at a running daemon`;
    }
    return `DOCKER_HOST=${sys.env.DOCKER_HOST} does not answer: start that daemon, fix DOCKER_HOST or unset it`;
  }
  return 'start Docker (`sudo systemctl start docker`, Docker Desktop, `colima start`, or `bash scripts/provision.sh` here), or set DOCKER_HOST to a daemon that answers';
}

function describe(error: unknown, unix: boolean): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such socket';
  if (e?.code === 'ECONNREFUSED') return unix ? 'connection refused (the socket file exists, no daemon behind it)' : 'connection refused';
  if (e?.code === 'EACCES') return 'permission denied (add yourself to the docker group)';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timed out';
  return e?.message || e?.code || String(error);
}
