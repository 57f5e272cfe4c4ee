import type { Project } from '../config/project.js';
import { systemLeftoverCheck, type LeftoverCheck } from './ci-run.js';
import type { SweptResource } from './docker/ci-leftovers.js';
import { openServices } from './open.js';
import { serviceNames, type DownReport } from './provider.js';

/** This project's leftovers of earlier CI runs on this Docker Engine, removed (none for native / external services). */
export async function sweepCiRuns(project: Project, runId: string, check: LeftoverCheck = systemLeftoverCheck()): Promise<SweptResource[]> {
  if (project.config.services.provider === 'external') return [];
  const opened = await openServices(project, { isolate: runId });
  return (await opened.sweepCiLeftovers?.(check)) ?? [];
}

/** The run's own services gone: containers and their data (never remembered, never reused). */
export async function teardownCiServices(project: Project, runId: string): Promise<DownReport[]> {
  if (project.config.services.provider === 'external') return [];
  const opened = await openServices(project, { isolate: runId });
  return opened.provider.down([...serviceNames], { volumes: true, discard: true });
}

export type { SweptResource } from './docker/ci-leftovers.js';
