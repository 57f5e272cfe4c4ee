import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Project } from '../config/project.js';
import { makePrivateDir, writePrivateFile } from '../config/private-files.js';
import { leftoverReason, systemLeftoverCheck, type LeftoverCheck } from './ci-run.js';
import type { SweptResource } from './docker/ci-leftovers.js';
import { openServices } from './open.js';
import { serviceNames, type DownReport } from './provider.js';

// Native servers carry no labels: each CI run also leaves a record with the same owner and
// deadline in `.tldr/ci-runs/<instance id>.json`, removed by its teardown. A record whose run
// is over names exactly the instance to tear down (a docker one is checked by its labels again).
const runsDir = (project: Pick<Project, 'stateDir'>) => join(project.stateDir, 'ci-runs');

/** Remembers a CI run's instance and labels until its teardown (the next run's sweep reads it). */
export function recordCiRun(project: Project, isolate: string, labels: Record<string, string>): void {
  if (project.config.services.provider === 'external') return;
  writePrivateFile(join(makePrivateDir(runsDir(project)), `${isolate}.json`), `${JSON.stringify({ isolate, labels })}\n`);
}

/**
 * This project's leftovers of earlier CI runs that are over, removed: on the Docker Engine by
 * label, and every instance a run record names (native servers and their data too). None for external services.
 */
export async function sweepCiRuns(project: Project, isolate: string, check: LeftoverCheck = systemLeftoverCheck()): Promise<SweptResource[]> {
  if (project.config.services.provider === 'external') return [];
  const opened = await openServices(project, { isolate });
  const swept = (await opened.sweepCiLeftovers?.(check)) ?? [];
  for (const { file, record } of readRecords(project)) {
    const reason = leftoverReason(record.labels, check);
    if (!reason) continue;
    const reports = await teardownCiServices(project, record.isolate);
    if (reports.some((r) => r.container !== 'missing')) swept.push({ kind: 'instance', name: `${project.name}-${record.isolate}`, reason });
    rmSync(file, { force: true });
  }
  return swept;
}

/** The run's own services gone: containers (or native servers) and their data, never remembered, never reused; its record too. */
export async function teardownCiServices(project: Project, isolate: string): Promise<DownReport[]> {
  if (project.config.services.provider === 'external') return [];
  const opened = await openServices(project, { isolate });
  const reports = await opened.provider.down([...serviceNames], { volumes: true, discard: true });
  rmSync(join(runsDir(project), `${isolate}.json`), { force: true });
  return reports;
}

function readRecords(project: Project): Array<{ file: string; record: { isolate: string; labels: Record<string, string> } }> {
  let names: string[];
  try {
    names = readdirSync(runsDir(project)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const file = join(runsDir(project), name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8'));
      // The record names an instance of this project only: `ci-…` ids, no path.
      return typeof record?.isolate === 'string' && /^ci-[a-z0-9.-]+$/.test(record.isolate) && record.labels ? [{ file, record }] : [];
    } catch {
      return [];
    }
  });
}

export type { SweptResource } from './docker/ci-leftovers.js';
