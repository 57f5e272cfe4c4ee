import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { unixHttp } from './docker/unix-http.js';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SocketCandidate {
  /** Where the candidate came from: DOCKER_HOST, docker context, default socket, Colima, … */
  source: string;
  /** unix:///path, tcp://host:port or ssh://… */
  host: string;
}

export interface SocketAttempt extends SocketCandidate {
  ok: boolean;
  error?: string;
}

export interface DiscoveryEnv {
  env: NodeJS.ProcessEnv;
  home: string;
  uid: number | undefined;
  exists(path: string): boolean;
  readFile(path: string): string | undefined;
  /** Entries of a folder (docker contexts); none when it does not exist. */
  listDir?(path: string): string[];
}

export const systemDiscoveryEnv = (env: NodeJS.ProcessEnv = process.env): DiscoveryEnv => ({
  env,
  home: env.HOME ?? homedir(),
  uid: process.getuid?.(),
  exists: existsSync,
  readFile: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  listDir: (path) => {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
});

/**
 * Candidate Docker endpoints in DESIGN.md's order. Pure given `sys`. A set DOCKER_HOST is the
 * only candidate (as for the docker CLI) unless `ignoreDockerHost` asks what else there is.
 */
export function dockerCandidates(sys: DiscoveryEnv, options: { ignoreDockerHost?: boolean } = {}): SocketCandidate[] {
  const out: SocketCandidate[] = [];
  if (sys.env.DOCKER_HOST && !options.ignoreDockerHost) return [{ source: 'DOCKER_HOST', host: sys.env.DOCKER_HOST }];
  const context = currentContextHost(sys);
  if (context) out.push(context);
  const sockets: Array<[string, string]> = [
    ['Docker Desktop', join(sys.home, '.docker/run/docker.sock')],
    ['default socket', '/var/run/docker.sock'],
    ['Colima', join(sys.home, '.colima/default/docker.sock')],
    ['Colima', join(sys.home, '.colima/docker.sock')],
    ['OrbStack', join(sys.home, '.orbstack/run/docker.sock')],
  ];
  if (sys.uid !== undefined) {
    const runtimeDir = sys.env.XDG_RUNTIME_DIR ?? `/run/user/${sys.uid}`;
    sockets.push(['rootless Docker', join(runtimeDir, 'docker.sock')]);
    sockets.push(['Podman', join(runtimeDir, 'podman/podman.sock')]);
  }
  sockets.push(['Podman (root)', '/run/podman/podman.sock']);
  for (const [source, path] of sockets) {
    const host = `unix://${path}`;
    if (!out.some((c) => c.host === host)) out.push({ source, host });
  }
  return out;
}

function currentContextHost(sys: DiscoveryEnv): SocketCandidate | undefined {
  const configDir = sys.env.DOCKER_CONFIG ?? join(sys.home, '.docker');
  const name = sys.env.DOCKER_CONTEXT ?? parseJson(sys.readFile(join(configDir, 'config.json')))?.currentContext;
  if (!name || name === 'default') return undefined;
  // Context metadata lives under contexts/meta/<sha256(name)>/meta.json; scan instead of hashing.
  const metaDir = join(configDir, 'contexts', 'meta');
  const entries = sys.listDir ? sys.listDir(metaDir) : safeReaddir(metaDir);
  for (const entry of entries) {
    const meta = parseJson(sys.readFile(join(metaDir, entry, 'meta.json')));
    if (meta?.Name === name && meta.Endpoints?.docker?.Host) return { source: `docker context "${name}"`, host: meta.Endpoints.docker.Host };
  }
  return undefined;
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function parseJson(text: string | undefined): any {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** GET /_ping on a unix socket; tcp/ssh hosts are left to dockerode to answer. */
export async function pingSocket(path: string, timeoutMs = 1500): Promise<void> {
  const res = await unixHttp(path, 'GET', '/_ping', { timeoutMs });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
}
