import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../src/process/owner-lock.js';
import { createTestLog, KEPT_TEST_LOGS } from '../../src/commands/test/log.js';
import { ownedTempDir, sweepOwnedTempDirs } from '../../src/process/owned-temp.js';
import { currentOwner, ownerTag, startTimeOf } from '../../src/process/owner.js';
import { repoRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

const racer = join(repoRoot, 'test/fixtures/lock/racer.ts');
const race = (lock: string, marker: string, rounds: number) =>
  execa(process.execPath, ['--import', 'tsx', racer, lock, marker, String(rounds)], { cwd: repoRoot, reject: false, timeout: 120_000 });

async function deadOwner(): Promise<{ pid: number; startTime: string }> {
  const child = execa('sleep', ['0.2']);
  const startTime = startTimeOf(child.pid!)!;
  await child;
  return { pid: child.pid!, startTime };
}

describe('withLock: one holder at a time, across real processes', () => {
  it('two processes taking the same lock 1500 times each never hold it together', async () => {
    using dir = tempDir('tldr-lock-');
    const [lock, marker] = [join(dir.path, '.lock'), join(dir.path, 'inside')];
    const runs = await Promise.all([race(lock, marker, 1500), race(lock, marker, 1500)]);
    for (const run of runs) {
      expect(run.exitCode, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ rounds: 1500, overlaps: 0 });
    }
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('holders that die by SIGKILL inside the lock: the racers break each stale lock once and still never overlap', async () => {
    using dir = tempDir('tldr-lock-');
    const [lock, marker] = [join(dir.path, '.lock'), join(dir.path, 'inside')];
    for (let round = 0; round < 8; round++) {
      const dying = await execa(process.execPath, ['--import', 'tsx', racer, lock, '--die'], { cwd: repoRoot, reject: false });
      expect(dying.signal).toBe('SIGKILL');
      expect(existsSync(lock)).toBe(true);
      const runs = await Promise.all([race(lock, marker, 150), race(lock, marker, 150), race(lock, marker, 150)]);
      for (const run of runs) {
        // A racer that fails says why (a one-off empty stdout in CI said nothing).
        expect([run.exitCode, run.signal ?? null], `${run.stderr}\n${run.stdout}`).toEqual([0, null]);
        expect(JSON.parse(run.stdout), run.stderr).toEqual({ rounds: 150, overlaps: 0 });
      }
    }
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('a lock whose owner runs is waited for (onWait names it); one whose owner is gone is taken', async () => {
    using dir = tempDir('tldr-lock-');
    const lock = join(dir.path, '.lock');
    writeFileSync(lock, JSON.stringify(currentOwner()));
    const waited: number[] = [];
    const error = await withLock(lock, async () => 'ran', { timeoutMs: 200, onWait: (o) => waited.push(o.pid) }).catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'locked', exitCode: 3 });
    expect(waited).toEqual([process.pid]);

    writeFileSync(lock, JSON.stringify(await deadOwner()));
    expect(await withLock(lock, async () => 'ran', { timeoutMs: 200 })).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it('an empty lock file (an older tldr between create and write) is not stale at once, but is when old', async () => {
    using dir = tempDir('tldr-lock-');
    const lock = join(dir.path, '.lock');
    writeFileSync(lock, '');
    await expect(withLock(lock, async () => 'ran', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'locked' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    expect(await withLock(lock, async () => 'ran', { timeoutMs: 200 })).toBe('ran');
  });

  it('waiting stops when the signal aborts', async () => {
    using dir = tempDir('tldr-lock-');
    const lock = join(dir.path, '.lock');
    writeFileSync(lock, JSON.stringify(currentOwner()));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop waiting')), 100);
    await expect(withLock(lock, async () => 'ran', { timeoutMs: Infinity, signal: controller.signal })).rejects.toThrow('stop waiting');
    expect(readdirSync(dir.path)).toEqual(['.lock']);
  });
});

describe('owned temp folders: named after their owner, swept once it is gone', () => {
  it("sweeps a gone owner's folders of that kind, never a live owner's, another kind's, a recent unnamed one or a link", async () => {
    using root = tempDir('tldr-owned-');
    const dead = ownerTag(await deadOwner());
    const folder = (name: string) => {
      mkdirSync(join(root.path, name));
      writeFileSync(join(root.path, name, 'events.ndjson'), '{}');
      return name;
    };
    const gone = folder(`tldr-test-events-${dead}-AbC123`);
    const live = folder(`tldr-test-events-${ownerTag()}-XyZ789`);
    const otherKind = folder(`tldr-migrate-check-${dead}-QqQ111`);
    const legacy = folder('tldr-test-events-Lm4Np2');
    const oldLegacy = folder('tldr-test-events-Old123');
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    utimesSync(join(root.path, oldLegacy), dayAgo, dayAgo);
    symlinkSync(join(root.path, live), join(root.path, `tldr-test-events-${dead}-LnK000`));
    // A folder of an older tldr (no owner in its name) goes only once it is a day old.
    expect(sweepOwnedTempDirs('test-events', root.path).sort()).toEqual([join(root.path, gone), join(root.path, oldLegacy)].sort());
    expect(readdirSync(root.path).sort()).toEqual([legacy, otherKind, live, `tldr-test-events-${dead}-LnK000`].sort());

    const mine = ownedTempDir('migrate-check', root.path);
    expect(mine).toMatch(new RegExp(`/tldr-migrate-check-${ownerTag()}-[A-Za-z0-9]{6}$`));
    expect(existsSync(join(root.path, otherKind))).toBe(false);
  });
});

describe('per-run test logs', () => {
  it("test.log is a hard link to the newest run's log; past the kept number old logs go, a live run's never", async () => {
    using logs = tempDir('tldr-logs-');
    const dead = ownerTag(await deadOwner());
    const now = Date.now();
    const old = Array.from({ length: 8 }, (_, i) => {
      const name = `test-${dead}-00000${i}.log`;
      writeFileSync(join(logs.path, name), `run ${i}`);
      const at = new Date(now - (10 - i) * 60_000);
      utimesSync(join(logs.path, name), at, at);
      return name;
    });
    const live = `test-${ownerTag()}-aaaaaa.log`;
    writeFileSync(join(logs.path, live), 'a live run');
    utimesSync(join(logs.path, live), new Date(now - 3_600_000), new Date(now - 3_600_000));
    writeFileSync(join(logs.path, 'worker.log'), 'not a test log');

    const path = createTestLog(logs.path, 'bbbbbb');
    writeFileSync(path, 'this run');
    expect(readFileSync(join(logs.path, 'test.log'), 'utf8')).toBe('this run');
    expect(statSync(join(logs.path, 'test.log')).ino).toBe(statSync(path).ino);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(logs.path).sort()).toEqual(
      [...old.slice(-(KEPT_TEST_LOGS - 1)), live, `test-${ownerTag()}-bbbbbb.log`, 'test.log', 'worker.log'].sort(),
    );
  });
});
