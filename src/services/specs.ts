import type { Config } from '../config/schema.js';
import { usageError } from '../errors.js';
import type { Instance } from './instance.js';
import { serviceNames, type ServiceName, type ServiceSpec } from './provider.js';

/** Validates service names from the command line; none = all. */
export function selectServices(names: readonly string[] | undefined): ServiceName[] {
  if (!names || names.length === 0) return [...serviceNames];
  const unknown = names.filter((n) => !(serviceNames as readonly string[]).includes(n));
  if (unknown.length) throw usageError(`unknown service ${unknown.map((n) => JSON.stringify(n)).join(', ')}`, `services are ${serviceNames.join(', ')}`);
  return serviceNames.filter((n) => names.includes(n));
}

/**
 * The services to run for this checkout. Pure. The main checkout uses the configured ports
 * (`0` = any free one, remembered); a second checkout always gets free, remembered ports.
 */
export function serviceSpecs(services: Config['services'], instance: Pick<Instance, 'main' | 'ports'>, names: readonly ServiceName[]): ServiceSpec[] {
  const port = (name: ServiceName, configured: number) => {
    const fixed = instance.main && configured !== 0;
    return { port: fixed ? configured : instance.ports[name], portPolicy: fixed ? ('fixed' as const) : ('auto' as const) };
  };
  return names.map((name): ServiceSpec => {
    if (name === 'postgres') {
      const pg = services.postgres;
      return { name, image: pg.image, ...port(name, pg.port), db: pg.db, user: pg.user, password: pg.password };
    }
    return { name, image: services.redis.image, ...port(name, services.redis.port) };
  });
}
