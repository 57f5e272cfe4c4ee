import { CiLabel, leftoverReason, type LeftoverCheck } from '../ci-run.js';
import { notFound, type DockerConnection } from './connection.js';

export interface SweptResource {
  /** `instance`: a whole instance named by a run record (native servers and their data). */
  kind: 'container' | 'volume' | 'instance';
  name: string;
  reason: string;
}

/**
 * Removes the containers (then volumes) of this project's earlier CI runs that are over: found by
 * the `dev.tldr.ci` label, judged by owner and deadline labels (`leftoverReason`).
 */
export async function sweepCiLeftovers(engine: DockerConnection, project: string, check: LeftoverCheck): Promise<SweptResource[]> {
  const filters = { label: [`${CiLabel.project}=${project}`] };
  const docker = await engine.client();
  const swept: SweptResource[] = [];
  for (const c of await engine.listContainers(filters)) {
    const reason = leftoverReason(c.Labels, check);
    if (!reason) continue;
    await docker.getContainer(c.Id).remove({ force: true, v: false }).catch(notFound);
    swept.push({ kind: 'container', name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''), reason });
  }
  for (const v of await engine.listVolumes(filters)) {
    const reason = leftoverReason(v.Labels as Record<string, string> | null, check);
    if (!reason) continue;
    await docker.getVolume(v.Name).remove().catch(notFound);
    swept.push({ kind: 'volume', name: v.Name, reason });
  }
  return swept;
}
