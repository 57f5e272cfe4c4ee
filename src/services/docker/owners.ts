import type { DockerConnection } from './connection.js';
import { Label } from './labels.js';

/** Checkout paths recorded on containers and volumes that carry this instance name. */
export async function dockerOwners(engine: DockerConnection, name: string): Promise<string[]> {
  const filters = { label: [`${Label.project}=${name}`] };
  const [containers, volumes] = await Promise.all([engine.listContainers(filters), engine.listVolumes(filters)]);
  const labels = [...containers.map((c) => c.Labels ?? {}), ...volumes.map((v) => (v.Labels ?? {}) as Record<string, string>)];
  return [...new Set(labels.map((l) => l[Label.checkout]).filter((c): c is string => Boolean(c)))];
}
