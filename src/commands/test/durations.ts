import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { usageError } from '../../errors.js';
import type { TestRecord } from '../../output/test-report.js';

/** Test id → seconds, as `--durations` reads and `--write-durations` writes it. */
export type Durations = Record<string, number>;

/**
 * A durations file, checked before anything starts: a malformed one is a usage error (exit 2);
 * a missing one is undefined — a CI cache is empty on the first run, which then splits by id.
 */
export function readDurations(file: string): Durations | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw usageError(`--durations ${file}: not JSON (${(error as Error).message})`, 'it holds {"test id": seconds, …}, as --write-durations writes it');
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw usageError(`--durations ${file}: expected a JSON object of test id → seconds`, 'it holds {"test id": seconds, …}');
  return parseDurations(raw as Record<string, unknown>);
}

/** The usable entries of a parsed durations object (non-negative numbers). Pure. */
export function parseDurations(raw: Record<string, unknown>): Durations {
  const out: Durations = {};
  for (const [id, value] of Object.entries(raw)) if (typeof value === 'number' && Number.isFinite(value) && value >= 0) out[id] = value;
  return out;
}

/** Earlier durations updated with this run's measured tests (skipped ones keep their old time), keys sorted. Pure. */
export function mergeDurations(earlier: Durations, records: TestRecord[]): Durations {
  const merged: Durations = { ...earlier };
  for (const r of records) if (r.outcome !== 'skipped') merged[r.id] = Math.round(r.durationMs) / 1000;
  return Object.fromEntries(Object.entries(merged).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Writes the file the user named (`--write-durations FILE`), atomically. Test ids and seconds hold
 * no secret, and the folder is the user's: only a missing one is created, no mode is changed (a
 * private write would have made e.g. the repository root, or /tmp, 0700).
 */
export function writeDurations(file: string, durations: Durations): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(durations, null, 1)}\n`);
  renameSync(temp, file);
}
