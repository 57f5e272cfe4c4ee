import type Dockerode from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import { portHolder } from '../ports.js';
import type { ServiceName } from '../provider.js';

/** Who holds a host port: a container publishing it (by name), else the process /proc names. */
export async function describeHolder(docker: Dockerode, port: number): Promise<string | undefined> {
  const containers = await docker.listContainers().catch(() => []);
  const holder = containers.find((c) => c.Ports?.some((p) => p.PublicPort === port));
  if (holder) return `container ${holder.Names?.[0]?.replace(/^\//, '') ?? holder.Id.slice(0, 12)} (${holder.Image})`;
  return portHolder(port);
}

export interface PortConflict {
  service: ServiceName;
  port: number;
  holder: string | undefined;
}

/** Exit 3 naming each taken port and its holder, raised before anything is created. */
export function portConflictError(conflicts: PortConflict[]): EnvironmentError {
  const lines = conflicts.map((c) => `port ${c.port} on 127.0.0.1 (services.${c.service}.port) is taken${c.holder ? ` by ${c.holder}` : ''}`);
  const first = conflicts[0]!;
  return new EnvironmentError(lines.join('\n'), {
    code: 'port-taken',
    hint: `stop what holds it, or set services.${first.service}.port to another port in tldr.config.yaml (0 = any free port, remembered)`,
  });
}
