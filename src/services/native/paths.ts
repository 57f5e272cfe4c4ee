import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';

/** Where the native services of one instance keep their data, logs and pids. */
export interface NativePaths {
  /** `<root>/.tldr/<instance>`. */
  instanceDir: string;
  /** Owned by the Postgres user: `data/` (PGDATA) and `postgres.log`. */
  postgresDir: string;
  postgresData: string;
  postgresLog: string;
  /** The Postgres folder lives outside the project (the project root is not traversable by the Postgres user). */
  postgresElsewhere: boolean;
  redisDir: string;
  redisLog: string;
  /** `{ pid, port, startedAt }` of the running redis-server. */
  redisRecord: string;
}

/**
 * The layout of DESIGN.md § Services, native. Pure. When Postgres runs as another user who
 * cannot reach the project (a checkout under /root), its folder moves to
 * `<tmp>/tldr-native-<hash of the instance folder>/postgres`: same instance, same place every time.
 */
export function nativePaths(stateDir: string, instance: string, options: { postgresReachable: boolean; tmp: string }): NativePaths {
  const instanceDir = join(stateDir, instance);
  const hash = createHash('sha256').update(instanceDir).digest('hex').slice(0, 12);
  const postgresDir = options.postgresReachable ? join(instanceDir, 'postgres') : join(options.tmp, `tldr-native-${hash}`, 'postgres');
  const redisDir = join(instanceDir, 'redis');
  return {
    instanceDir,
    postgresDir,
    postgresData: join(postgresDir, 'data'),
    postgresLog: join(postgresDir, 'postgres.log'),
    postgresElsewhere: !options.postgresReachable,
    redisDir,
    redisLog: join(redisDir, 'redis.log'),
    redisRecord: join(redisDir, 'tldr-redis.json'),
  };
}

export interface DirMode {
  path: string;
  mode: number;
  uid: number;
  gid: number;
}

/** Whether a user may search every folder on the way (each with its mode and owner). Pure. */
export function canTraverse(dirs: readonly DirMode[], user: { uid: number; gid: number }): boolean {
  return dirs.every((d) => {
    if (d.uid === user.uid) return (d.mode & 0o100) !== 0;
    if (d.gid === user.gid) return (d.mode & 0o010) !== 0;
    return (d.mode & 0o001) !== 0;
  });
}

/** `/a/b/c` → ['/', '/a', '/a/b', '/a/b/c']. Pure. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let dir = path; ; dir = dirname(dir)) {
    out.unshift(dir);
    if (dirname(dir) === dir) return out;
  }
}
