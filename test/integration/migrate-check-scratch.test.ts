import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProject, dataOf, describeRun, versions, type CheckProject } from './migrate-check-project.js';

// A check killed with SIGKILL leaves its scratch database behind; the next check drops it, says so,
// and never touches the scratch database of a run that is still alive. The fixture app
// scratch_sleep naps in its RunPython (on the scratch copy) for TLDR_FIXTURE_SLEEP seconds.

const nap = ['  TLDR_FIXTURE_SLEEP: ${env:TLDR_FIXTURE_SLEEP:-0}'];

/** The helper's pid, from the scratch database's name, checked against /proc before anything is sent to it. */
function helperPid(database: string): number {
  const pid = Number(/^tldr_scratch_[0-9a-f]{8}_(\d+)_/.exec(database)?.[1]);
  expect(pid).toBeGreaterThan(1);
  expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('tldr_migrate_check');
  return pid;
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

describe('left-over scratch databases', () => {
  let project: CheckProject;

  beforeAll(async () => {
    project = await checkProject('tldrsc');
  });

  afterAll(async () => {
    await project?.[Symbol.asyncDispose]();
  });

  for (const [label, python] of versions) {
    it(`${label}: a check killed with SIGKILL leaves its scratch database; a live run's stays, the next check drops the dead one`, async () => {
      const config = project.writeConfig(`nap-${label.slice(-3)}.yaml`, { python, env: nap });
      const before = await project.scratchDatabases();
      const killed = project.cli(['--json', 'migrate', '--check'], { db: await project.freshDb(), apps: 'scratch_sleep' }, config, {
        env: { TLDR_FIXTURE_SLEEP: '120' },
        timeoutMs: 150_000,
      });
      let pid = 0;
      try {
        let left: string[] = [];
        for (let i = 0; i < 300 && left.length === 0; i++) {
          await sleep(100);
          left = (await project.scratchDatabases()).filter((d) => !before.includes(d));
        }
        expect(left).toHaveLength(1);
        const [database] = left as [string];
        pid = helperPid(database);

        // Another check while that run is alive: its scratch database is not touched.
        const other = await project.check([], { db: await project.freshDb(), apps: 'scratch_sleep' }, config);
        expect(other.exitCode, describeRun(other)).toBe(1);
        expect(dataOf(other).sweptScratch).toEqual([]);
        expect(await project.scratchDatabases()).toContain(database);

        process.kill(pid, 'SIGKILL');
        const run = await killed;
        expect(run.exitCode, describeRun(run)).toBe(3);
        expect(run.result!.error).toMatchObject({
          message: expect.stringMatching(/killed by SIGKILL/),
          hint: expect.stringContaining('the next check drops the scratch database'),
        });
        expect(await project.scratchDatabases()).toContain(database);

        const env = { db: await project.freshDb(), apps: 'scratch_sleep' };
        if (label === 'Django 5.2') {
          const next = await project.check([], env, config);
          expect(dataOf(next).sweptScratch, describeRun(next)).toEqual([database]);
        } else {
          const next = await project.cli(['migrate', '--check'], env, config);
          expect(next.stderr, describeRun(next)).toContain(`dropped left-over scratch database ${database} (its run, pid ${pid}, is gone)`);
        }
        expect(await project.scratchDatabases()).toEqual(before);
      } finally {
        if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
        await killed;
      }
    });
  }
});
