import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject, dataOf, describeRun, findingsOf, versions, type CheckProject } from './migrate-check-project.js';

// migrations.lock_timeout: every connection of `tldr migrate`, the dev loop's migrate and the
// reversibility run gives up waiting for a lock after it (libpq's PGOPTIONS, after the user's own),
// and the failure names the setting. Fixture app lock_timeout (its 0003 raises unless the
// connection has a lock_timeout and the config's own PGOPTIONS). Django 5.2 and 3.2.

const userOptions = ['  PGOPTIONS: "-c application_name=tldr-lock-probe"'];
const sleeper = 'processes:\n  sleeper: { run: "python -c \\"import time; time.sleep(120)\\"" }\npipelines:\n  apply: [migrate]';

describe('migrations.lock_timeout', () => {
  let project: CheckProject;

  beforeAll(async () => {
    project = await checkProject('tldrlt');
  });

  afterAll(async () => {
    await project?.[Symbol.asyncDispose]();
  });

  for (const [label, python] of versions) {
    const configs = () => ({
      locked: project.writeConfig(`locked-${label.slice(-3)}.yaml`, { python, env: userOptions, extra: `migrations:\n  lock_timeout: 1s\n${sleeper}` }),
      plain: project.writeConfig(`plain-${label.slice(-3)}.yaml`, { python, env: userOptions }),
    });

    it(`${label}: a migration blocked by a lock another session holds fails after lock_timeout and says so (tldr migrate, the migrate step, tldr dev)`, async () => {
      const { locked } = configs();
      const db = await project.freshDb();
      const env = { db, apps: 'lock_timeout' };
      const first = await project.cli(['--json', 'migrate', 'lock_timeout', '0001'], env, locked);
      expect(first.exitCode, describeRun(first)).toBe(0);

      const holder = await project.client(db);
      try {
        // ACCESS SHARE on the table until ROLLBACK: ALTER TABLE (ACCESS EXCLUSIVE) would wait forever without a timeout.
        await holder.query('BEGIN');
        await holder.query('SELECT count(*) FROM lock_timeout_item');

        const run = await project.cli(['--json', 'migrate'], env, locked, { timeoutMs: 90_000 });
        expect(run.exitCode, describeRun(run)).toBe(1);
        expect(run.result!.summary).toMatch(/^migrate failed: a statement waited longer than migrations\.lock_timeout \(1s\) for a lock and was cancelled/);
        expect(run.events.some((e) => e.type === 'log' && /canceling statement due to lock timeout/.test(String(e.line)))).toBe(true);

        // The `migrate` pipeline step and the dev loop's migrate get the same timeout.
        const step = await project.cli(['--json', 'run', 'apply'], env, locked, { timeoutMs: 90_000 });
        expect(step.exitCode, describeRun(step)).toBe(1);
        expect(step.events.find((e) => e.type === 'step.end')).toMatchObject({
          step: 'migrate',
          status: 'failed',
          message: expect.stringMatching(/migrations\.lock_timeout \(1s\)/),
        });
        const dev = await project.cli(['--json', 'dev'], env, locked, { timeoutMs: 90_000 });
        expect(dev.exitCode, describeRun(dev)).toBe(4);
        expect(dev.result!.error).toMatchObject({ code: 'migrate-failed', hint: expect.stringMatching(/migrations\.lock_timeout \(1s\)/) });

        // The session that holds the lock was not disturbed.
        expect((await holder.query('SELECT count(*)::int AS n FROM lock_timeout_item')).rows).toEqual([{ n: 0 }]);
      } finally {
        await holder.query('ROLLBACK').catch(() => undefined);
        await holder.end();
      }
      const after = await project.cli(['--json', 'migrate'], env, locked);
      expect(after.exitCode, describeRun(after)).toBe(0);
    });

    it(`${label}: the reversibility run's connections get lock_timeout next to the user's PGOPTIONS`, async () => {
      const { locked, plain } = configs();
      const db = await project.freshDb();
      const env = { db, apps: 'lock_timeout' };
      const withTimeout = await project.check([], env, locked);
      expect(withTimeout.exitCode, describeRun(withTimeout)).toBe(1); // unapplied only
      expect(findingsOf(withTimeout).filter((f) => f.app === 'lock_timeout' && f.code !== 'unapplied')).toEqual([]);
      expect(dataOf(withTimeout).reversibility).toMatchObject({ ran: true });

      // The control: without the setting, the probe migration fails on the scratch copy.
      const without = await project.check([], env, plain);
      const failed = findingsOf(without).find((f) => f.code === 'apply-fails');
      expect(failed, describeRun(without)).toMatchObject({
        app: 'lock_timeout',
        migration: '0003_probe',
        message: expect.stringContaining('lock_timeout is 0, application_name is tldr-lock-probe'),
      });
    });
  }
});
