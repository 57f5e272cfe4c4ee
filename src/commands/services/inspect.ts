import type { ServiceValues } from '../../config/expand.js';
import type { Project } from '../../config/project.js';
import { TldrError } from '../../errors.js';
import { resolveInstance } from '../../services/instance.js';
import { openServices, type OpenedServices } from '../../services/open.js';
import { serviceNames, type ServiceName, type ServiceSpec, type ServiceStatus } from '../../services/provider.js';
import { serviceSpecs } from '../../services/specs.js';
import { serviceValues, type Endpoint } from '../../services/values.js';
import type { InspectedService } from './schemas.js';

export interface InspectedServices {
  values: ServiceValues;
  services: InspectedService[];
  /** Why the services' state is unknown, when it is. */
  problem?: string;
}

/**
 * The services' `${postgres.*}` / `${redis.*}` values for inspection commands, which create and
 * start nothing: a running service's own port, else the configured or remembered one (none for
 * an auto port that was never picked). Nothing is written, not even .tldr/state.json.
 */
export async function inspectServices(project: Project, names: readonly ServiceName[] = serviceNames): Promise<InspectedServices> {
  let opened: OpenedServices;
  try {
    opened = await openServices(project, { persist: false });
  } catch (error) {
    if (!(error instanceof TldrError)) throw error;
    const instance = await resolveInstance(project, { persist: false });
    const specs = serviceSpecs(project.config.services, instance, names);
    return {
      ...inspected(
        project,
        specs,
        specs.map(() => ({ state: 'unknown' as const })),
      ),
      problem: error.message.split('\n')[0]!,
    };
  }
  const specs = opened.specs(names);
  return inspected(project, specs, await opened.provider.status(specs));
}

function inspected(
  project: Project,
  specs: ServiceSpec[],
  statuses: Array<Pick<ServiceStatus, 'host' | 'port'> & { state: InspectedService['state'] }>,
): Omit<InspectedServices, 'problem'> {
  const endpoints: Endpoint[] = [];
  const values: ServiceValues = {};
  const services = specs.map((spec, i): InspectedService => {
    const status = statuses[i]!;
    const port = status.port ?? spec.port;
    const url = project.config.services[spec.name].url;
    if (port !== undefined)
      endpoints.push({ spec, host: status.host ?? spec.host ?? '127.0.0.1', port, ...(status.state === 'external' && url ? { url } : {}) });
    else if (spec.name === 'postgres') Object.assign(values, { 'postgres.db': spec.db, 'postgres.user': spec.user, 'postgres.password': spec.password });
    return { name: spec.name, state: status.state, ...(port !== undefined ? { port } : {}) };
  });
  // Without a port there is no URL, but the credentials are the config's all the same.
  return { values: { ...values, ...serviceValues(endpoints) }, services };
}
