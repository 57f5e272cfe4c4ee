import { manageCommand } from '../../backend/commands.js';
import { runCommand } from '../../process/spawn.js';
import { TailBuffer } from '../../process/tail-buffer.js';
import { resolvePython } from '../../backend/python.js';
import { lockTimeoutFailure, migrationEnv } from '../../checks/lock-timeout.js';
import { ServiceError, TldrError } from '../../errors.js';
import { checkMigrations, rememberMigrations, type MigrationCheck } from '../../backend/migration-state.js';
import { runPlan } from '../../pipeline/run.js';
import type { Plan, StepContext, StepDefinition } from '../../pipeline/types.js';
import { up } from '../services/steps.js';
import { knownSteps } from '../steps.js';

/** The dev loop's first step: the services, up and ready (the built-in `up` step). */
export const upStep: StepDefinition = { name: 'up', title: knownSteps().up!, run: (ctx) => up.run(ctx) };

/** Skips migrate (without starting Django) when the cheap check says nothing is pending; `report` receives the check. */
export function devMigrateStep(report: (check: MigrationCheck & { applied?: boolean }) => void): StepDefinition {
  return {
    name: 'migrate',
    title: 'Apply migrations',
    async run(ctx) {
      const env = await ctx.env();
      const python = resolvePython(ctx.project);
      const { stateDir, backendDir } = ctx.project;
      const check = await checkMigrations(stateDir, backendDir, env, python);
      if (check.skip) {
        report(check);
        return { status: 'skipped', message: check.reason };
      }
      const tail = new TailBuffer(20);
      const lockTimeout = ctx.project.config.migrations.lock_timeout;
      const outcome = await runCommand(manageCommand(ctx.project, python, ['migrate', '--noinput']), {
        env: migrationEnv(lockTimeout, env),
        signal: ctx.signal,
        onLine: (line, stream) => {
          tail.push(line);
          ctx.log('migrate', line, stream);
        },
      });
      ctx.signal.throwIfAborted();
      if (outcome.exitCode !== 0) {
        throw new ServiceError(`manage.py migrate failed (exit code ${outcome.exitCode})`, {
          code: 'migrate-failed',
          details: tail.lines().map((l) => `  ${l}`),
          hint: lockTimeoutFailure(tail.lines(), lockTimeout) ?? 'fix the migration, then run `tldr dev` again (`tldr migrate` shows the whole output)',
        });
      }
      await rememberMigrations(stateDir, backendDir, env, python);
      report({ ...check, applied: true });
      return { message: `done (${check.reason})` };
    },
  };
}

/** The start-up phase as listr2 steps: up, migrate, then one step per process (or the background hand-off). */
export async function runDevSteps(context: StepContext, steps: StepDefinition[]): Promise<void> {
  const plan: Plan = {
    pipeline: 'dev',
    root: { kind: 'sequence', id: '0', title: 'dev', children: steps.map((s, i) => ({ kind: 'step', id: String(i + 1), name: s.name, title: s.title })) },
  };
  const byName = new Map(steps.map((s) => [s.name, s]));
  const outcome = await runPlan({
    plan,
    context,
    resolveStep: async (name) => byName.get(name)!,
    runLeaf: async () => undefined,
  });
  if (outcome.ok) return;
  if (outcome.error instanceof TldrError || context.signal.aborted) throw context.signal.aborted ? (context.signal.reason ?? outcome.error) : outcome.error;
  throw outcome.error ?? new ServiceError('tldr dev failed to start', { code: 'dev-failed' });
}
