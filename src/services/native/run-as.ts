import { statSync } from 'node:fs';
import { EnvironmentError } from '../../errors.js';
import { ancestors, canTraverse, type DirMode } from './paths.js';
import type { NativeRunner, RunAs } from '../../process/servers.js';

/** The unprivileged account Postgres runs as when tldr runs as root (Debian's package creates it). */
export const POSTGRES_USER = 'postgres';

/** undefined = run as ourselves; as root: the `postgres` user, looked up with `id`. */
export async function postgresRunAs(runner: NativeRunner, uid: number | undefined = process.getuid?.()): Promise<RunAs | undefined> {
  if (uid !== 0) return undefined;
  const [u, g] = await Promise.all([runner.run(['id', '-u', POSTGRES_USER]), runner.run(['id', '-g', POSTGRES_USER])]);
  const id = Number(u.stdout.trim());
  const gid = Number(g.stdout.trim());
  if (u.exitCode !== 0 || g.exitCode !== 0 || !Number.isInteger(id) || !Number.isInteger(gid) || id === 0) {
    throw new EnvironmentError(`PostgreSQL refuses to run as root and there is no "${POSTGRES_USER}" user to run it as`, {
      code: 'native-no-user',
      hint: `create one (useradd --system ${POSTGRES_USER}), run tldr as a normal user, or use services.provider: docker`,
    });
  }
  return { uid: id, gid, user: POSTGRES_USER };
}

/** Whether `user` can reach `dir` (every existing ancestor searchable); a missing folder counts from its first existing parent. */
export function reachable(dir: string, user: RunAs | undefined): boolean {
  if (!user) return true;
  const modes: DirMode[] = [];
  for (const path of ancestors(dir)) {
    try {
      const st = statSync(path);
      modes.push({ path, mode: st.mode, uid: st.uid, gid: st.gid });
    } catch {
      break;
    }
  }
  return canTraverse(modes, user);
}
