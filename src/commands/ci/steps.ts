import type { Shard } from '../../backend/django-args.js';
import type { PlanNode, Step } from '../../pipeline/types.js';
import { resolveStep } from '../steps.js';
import { createMigrateCheckStep } from '../migrate-check/step.js';
import { createTestStep } from '../test/step.js';

export interface CiStepSettings {
  shard: Shard | undefined;
  durations: string | undefined;
  checks: 'first-shard' | 'all';
  /** A `migrate` step follows the checks: on the run's fresh database every migration is unapplied, which is no finding there. */
  migratesNext: boolean;
  /** The run's teardown (idempotent): the pipeline's `down` step. */
  teardown: () => Promise<string>;
}

/**
 * The built-in steps as `tldr ci` runs them: `test` without a kept database, sharded; the
 * migration checks in shard 1 only (unless --checks all); `down` removes the run's services and
 * their data, which no later run reuses.
 */
export function ciStepResolver(settings: CiStepSettings): (name: string) => Promise<Step> {
  return async (name) => {
    if (name === 'test') {
      const shard = settings.shard ? `${settings.shard.index}/${settings.shard.total}` : undefined;
      return createTestStep({ keepdb: false, ...(shard ? { shard } : {}), ...(settings.durations ? { durations: settings.durations } : {}) });
    }
    if (name === 'migrate-check' && settings.shard && settings.shard.index > 1 && settings.checks !== 'all') {
      return {
        run: async () => ({
          status: 'skipped',
          message: `shard ${settings.shard!.index}/${settings.shard!.total}: the checks run in shard 1 (--checks all: every shard)`,
        }),
      };
    }
    if (name === 'migrate-check') return createMigrateCheckStep({ migratesNext: settings.migratesNext });
    if (name === 'down') return { run: async () => ({ message: await settings.teardown() }) };
    return resolveStep(name);
  };
}

/**
 * Whether a failed step lets the run go on: migration checks and tests answer "no" (findings,
 * failed tests) and the run should report everything at once; `up`, `migrate` and `run:` steps
 * set up what later steps depend on, so their failure stops the rest (teardown still runs).
 */
export function keepsGoing(node: Extract<PlanNode, { kind: 'step' | 'run' }>): boolean {
  return node.kind === 'step' && (node.name === 'migrate-check' || node.name === 'test');
}

/** Whether a `migrate` step comes after the first `migrate-check` in the plan. Pure. */
export function migratesAfterChecks(root: PlanNode): boolean {
  const names = planLeaves(root).map((leaf) => (leaf.kind === 'step' ? leaf.name : ''));
  const check = names.indexOf('migrate-check');
  return check >= 0 && names.indexOf('migrate', check) > check;
}

/** Every leaf of a plan, in order (the steps a run reports, also those it never reached). */
export function planLeaves(node: PlanNode): Array<Extract<PlanNode, { kind: 'step' | 'run' }>> {
  if ('children' in node) return node.children.flatMap(planLeaves);
  return [node];
}
