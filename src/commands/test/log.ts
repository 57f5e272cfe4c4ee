import { closeSync, linkSync, lstatSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rotateFiles } from '../../output/rotating-log.js';
import { ownerTag, tagAlive } from '../../process/owner.js';

/** Per-run test logs kept besides the live runs' (older ones are removed as new runs start). */
export const KEPT_TEST_LOGS = 5;

const runLog = /^test-(\d+-[0-9a-f]+)-[0-9a-f]+\.log$/;

/**
 * This run's own log file, `<logs>/test-<pid>-<start>-<run id>.log` (private), so two runs at once
 * never write into each other's. `test.log` becomes a hard link to it: the latest run's log under
 * the old name, complete even while an earlier run is still writing its own.
 */
export function createTestLog(logsDir: string, runId: string): string {
  const path = join(logsDir, `test-${ownerTag()}-${runId}.log`);
  closeSync(openSync(path, 'w', 0o600));
  const next = join(logsDir, `.test.log.${runId}`);
  try {
    linkSync(path, next);
    renameSync(next, join(logsDir, 'test.log'));
  } catch {
    rmSync(next, { force: true }); // no hard links here: test.log keeps the previous run's
  }
  pruneTestLogs(logsDir, path);
  return path;
}

// Newest first; past the kept number, a log goes unless the run writing it is still alive.
function pruneTestLogs(logsDir: string, current: string): void {
  const logs = readdirSync(logsDir)
    .map((name) => ({ name, tag: runLog.exec(name)?.[1], path: join(logsDir, name) }))
    .filter((log): log is { name: string; tag: string; path: string } => log.tag !== undefined && log.path !== current)
    .map((log) => ({ ...log, mtime: lstatSync(log.path, { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const log of logs.slice(KEPT_TEST_LOGS - 1)) if (!tagAlive(log.tag)) rotateFiles(log.path, 0); // with its rotated parts
}
