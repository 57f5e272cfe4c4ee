import { EnvironmentError } from '../../errors.js';
import { delimiter } from 'node:path';
import { findBinary } from '../binaries.js';
import type { NativeRunner } from '../../process/servers.js';

const needed = { initdb: 'initdb', pg_ctl: 'pg_ctl', createdb: 'createdb', redisServer: 'redis-server' } as const;

/** Which server programs of the native provider are missing (empty = it can run). */
export function missingBinaries(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.values(needed).filter((name) => !findBinary(name, env));
}

/** The paths of initdb, pg_ctl, createdb and redis-server; exit 3 naming what is missing. */
export function nativeBinaries(env: NodeJS.ProcessEnv = process.env): { initdb: string; pg_ctl: string; createdb: string; redisServer: string } {
  const missing = missingBinaries(env);
  if (missing.length) {
    throw new EnvironmentError(
      `services.provider: native needs ${missing.join(', ')}, not found on PATH, in \`pg_config --bindir\` or /usr/lib/postgresql/*/bin`,
      {
        code: 'native-binaries-missing',
        hint: 'install them (apt-get install postgresql redis-server; brew install postgresql redis), or use services.provider: docker',
      },
    );
  }
  return {
    initdb: findBinary('initdb', env)!,
    pg_ctl: findBinary('pg_ctl', env)!,
    createdb: findBinary('createdb', env)!,
    redisServer: findBinary('redis-server', env)!,
  };
}

/** The env with `pg_config --bindir` on PATH when PATH and /usr/lib/postgresql do not have initdb (Homebrew, source builds). */
export async function withPgBindir(runner: NativeRunner, env: NodeJS.ProcessEnv): Promise<NodeJS.ProcessEnv> {
  const pgConfig = findBinary('initdb', env) ? null : findBinary('pg_config', env);
  if (!pgConfig) return env;
  const out = await runner.run([pgConfig, '--bindir']).catch(() => undefined);
  const dir = out?.exitCode === 0 ? out.stdout.trim() : '';
  return dir ? { ...env, PATH: [env.PATH, dir].filter(Boolean).join(delimiter) } : env;
}
