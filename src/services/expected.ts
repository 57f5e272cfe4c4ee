import type { ServiceValues } from '../config/expand.js';
import type { Project } from '../config/project.js';
import { readState } from '../config/state.js';
import { externalSpecs } from './external.js';
import { serviceNames } from './provider.js';
import { serviceSpecs } from './specs.js';
import { serviceValues, type Endpoint } from './values.js';

// Where docker and native services answer (both bind 127.0.0.1 only).
const LOCAL_HOST = '127.0.0.1';

/**
 * The services' values as they will most likely be once they are confirmed, from the config and
 * `.tldr/state.json` alone (no daemon asked): what the cold path's head start spawns Django with.
 * Undefined when this checkout has no remembered instance or a port is still to be picked. A
 * wrong guess costs only the head start (the bootstrap declines a different environment). Pure
 * but for reading the state file.
 */
export function expectedServiceValues(project: Pick<Project, 'config' | 'stateDir' | 'root' | 'name'>): ServiceValues | undefined {
  const { services } = project.config;
  try {
    if (services.provider === 'external')
      return serviceValues(externalSpecs(services, serviceNames).map(({ spec, url }): Endpoint => ({ spec, host: spec.host!, port: spec.port!, url })));
  } catch {
    return undefined;
  }
  const state = readState(project.stateDir);
  if (typeof state.instance !== 'string' || state.checkout !== project.root) return undefined;
  const ports = Object.fromEntries(Object.entries(state.ports ?? {}).filter(([, p]) => typeof p === 'number'));
  const specs = serviceSpecs(services, { main: state.instance === project.name, ports }, serviceNames);
  if (specs.some((s) => s.port === undefined)) return undefined;
  return serviceValues(specs.map((spec): Endpoint => ({ spec, host: LOCAL_HOST, port: spec.port! })));
}
