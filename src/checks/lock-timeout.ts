import { durationMs } from '../config/schema.js';

// `migrations.lock_timeout` reaches every connection a migrating child opens through libpq's
// PGOPTIONS (psycopg2 and psycopg 3 both read it at connect), so Django needs no setting for it.

/** PGOPTIONS for `lockTimeout`, after what the user already has: the last `-c` wins in PostgreSQL. Pure. */
export function lockTimeoutOptions(existing: string | undefined, lockTimeout: string): string {
  const ms = durationMs(lockTimeout);
  if (ms === undefined) throw new Error(`not a duration: ${lockTimeout}`);
  return [existing?.trim(), `-c lock_timeout=${ms}ms`].filter(Boolean).join(' ');
}

/** `env` for a child that migrates: PGOPTIONS carries `migrations.lock_timeout` when it is set. Pure. */
export function migrationEnv(lockTimeout: string | null, env: Record<string, string>): Record<string, string> {
  return lockTimeout ? { ...env, PGOPTIONS: lockTimeoutOptions(env.PGOPTIONS, lockTimeout) } : env;
}

const lockTimeoutError = /canceling statement due to lock timeout/i;

/** What to tell a person whose migration hit the lock timeout. */
export function lockTimeoutMessage(lockTimeout: string): string {
  return `a statement waited longer than migrations.lock_timeout (${lockTimeout}) for a lock and was cancelled: another session holds a lock on the table (see pg_stat_activity); run it again when that session is done, or raise migrations.lock_timeout`;
}

/** The lock-timeout explanation when one of the child's last lines is PostgreSQL's lock timeout error. Pure. */
export function lockTimeoutFailure(lines: string[] | undefined, lockTimeout: string | null): string | undefined {
  if (!lockTimeout || !lines?.some((line) => lockTimeoutError.test(line))) return undefined;
  return lockTimeoutMessage(lockTimeout);
}
