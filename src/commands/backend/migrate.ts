import type { z } from 'zod';
import { manageCommand } from '../../backend/commands.js';
import { migrateArgs } from '../../backend/django-args.js';
import { lockTimeoutFailure, lockTimeoutMessage, migrationEnv } from '../../checks/lock-timeout.js';
import type { StepContext } from '../../pipeline/types.js';
import { appliedRows, unappliedBy } from '../../backend/migration-state.js';
import { ConfigError } from '../../errors.js';
import type { CommandResult } from '../definition.js';
import type { migrateInput } from './definitions.js';
import { coldReason, interactive, runPassthrough, type PassthroughOptions } from './passthrough.js';
import type { PassthroughData } from './schemas.js';

export type MigrateOptions = PassthroughOptions &
  z.input<typeof migrateInput> & {
    /**
     * Refuse (exit 2, before Django starts) a target that would unapply migrations: the MCP tool
     * migrates forward only; backwards is for a person at a terminal.
     * @default false
     */
    forwardOnly?: boolean;
  };

/** A context whose children get `migrations.lock_timeout` on every database connection (PGOPTIONS). */
export function withLockTimeout(ctx: StepContext): StepContext {
  const lockTimeout = ctx.project.config.migrations.lock_timeout;
  return lockTimeout ? { ...ctx, env: async () => migrationEnv(lockTimeout, await ctx.env()) } : ctx;
}

/** `manage.py migrate [APP [MIGRATION]]`; never prompts when its output is piped; gives up waiting for a lock after `migrations.lock_timeout`. */
export async function migrate(options: MigrateOptions): Promise<CommandResult<PassthroughData>> {
  const args = migrateArgs({ app: options.app, migration: options.migration, noinput: !interactive(options) });
  const lockTimeout = options.project.config.migrations.lock_timeout;
  const result = explainLockTimeout(
    await runPassthrough(options, 'migrate', (py) => manageCommand(options.project, py, args), {
      change: (ctx) => (options.forwardOnly ? refuseBackwards(withLockTimeout(ctx), options) : withLockTimeout(ctx)),
      django: { coldBecause: coldReason(options, 'migrate') },
    }),
    lockTimeout,
  );
  // The child had the terminal: its error is on screen, not in tldr's hands.
  if (result.exitCode !== 0 && lockTimeout && !result.data.tail) {
    options.output.note(
      `migrations.lock_timeout is ${lockTimeout}: if the error above says "canceling statement due to lock timeout", ${lockTimeoutMessage(lockTimeout)}`,
    );
  }
  return result;
}

/** A failed migrate whose last lines show PostgreSQL's lock timeout error: the summary names migrations.lock_timeout. */
export function explainLockTimeout(result: CommandResult<PassthroughData>, lockTimeout: string | null): CommandResult<PassthroughData> {
  const why = result.exitCode === 0 ? undefined : lockTimeoutFailure(result.data.tail, lockTimeout);
  return why ? { ...result, summary: `migrate failed: ${why}` } : result;
}

// Checked once the services are up and right before the child would start: the rows say what is applied.
function refuseBackwards(ctx: StepContext, { app, migration }: Pick<MigrateOptions, 'app' | 'migration'>): StepContext {
  if (app === undefined || migration === undefined) return ctx;
  return {
    ...ctx,
    env: async () => {
      const env = await ctx.env();
      const url = env.DATABASE_URL;
      const rows = url ? await appliedRows(url).catch((error: Error) => refused(`could not read django_migrations (${error.message})`)) : [];
      const backwards = unappliedBy(rows ?? [], app, migration);
      if (backwards.length)
        refused(
          `migrating ${app} to ${migration} would unapply ${backwards.length} migration(s): ${backwards.slice(0, 5).join(', ')}${backwards.length > 5 ? ', …' : ''}`,
        );
      return env;
    },
  };
  function refused(why: string): never {
    throw new ConfigError(`${why}; this caller migrates forward only`, {
      code: 'migrate-backwards-refused',
      hint: `migrating backwards drops what those migrations created: run \`tldr migrate ${app} ${migration}\` from a terminal if you mean it`,
    });
  }
}
