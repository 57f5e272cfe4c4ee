import type { Project } from '../config/project.js';
import { EnvironmentError, TldrError } from '../errors.js';
import { systemDiscoveryEnv, type DiscoveryEnv } from './discovery.js';
import { DockerConnection } from './docker/connection.js';
import { dockerOptions, findDocker } from './docker/endpoint.js';
import { dockerOwners } from './docker/owners.js';
import { DockerProvider } from './docker/provider.js';
import { ExternalProvider, externalSpecs } from './external.js';
import { resolveInstance, type Instance } from './instance.js';
import type { ServiceName, ServiceProvider, ServiceSpec } from './provider.js';
import { serviceSpecs } from './specs.js';

export interface OpenOptions {
  /** Remember the instance decision in `.tldr/state.json`. @default true */
  persist?: boolean;
  /** An isolated instance `<name>-<id>` with free ports (CI runs). */
  isolate?: string;
  /** @default systemDiscoveryEnv(project.env) */
  discovery?: DiscoveryEnv;
}

/** The provider this project uses, the instance of this checkout, and the specs to hand it. */
export interface OpenedServices {
  provider: ServiceProvider;
  instance: Instance;
  specs(names: readonly ServiceName[]): ServiceSpec[];
}

/**
 * Picks the provider (`services.provider`; auto = docker when a daemon answers) and resolves the
 * instance. dockerode is loaded lazily by DockerConnection: the warm path and commands that
 * never touch services don't pay for it.
 */
export async function openServices(project: Project, options: OpenOptions = {}): Promise<OpenedServices> {
  const { services } = project.config;
  if (services.provider === 'external') {
    return {
      provider: new ExternalProvider(services),
      instance: { name: project.name, checkout: project.root, main: true, ports: {} },
      specs: (names) => externalSpecs(services, names).map((e) => e.spec),
    };
  }
  if (services.provider === 'native') {
    throw new EnvironmentError('services.provider: native is not available in this version of tldr', {
      code: 'native-unavailable',
      hint: 'use services.provider: docker (or auto) with a Docker daemon, or external with services.*.url',
    });
  }
  const sys = options.discovery ?? systemDiscoveryEnv(project.env);
  let found;
  try {
    found = await findDocker(sys);
  } catch (error) {
    if (!(error instanceof TldrError) || services.provider !== 'auto') throw error;
    throw new EnvironmentError(`${error.message} (services.provider: auto)`, {
      code: error.code,
      details: error.details,
      hint: `${error.hint}; or run against servers you manage yourself with services.provider: external and services.postgres.url / services.redis.url`,
    });
  }
  const engine = new DockerConnection(found.candidate.host, dockerOptions(found.candidate.host, sys.env));
  const instance = await resolveInstance(project, {
    owners: (name) => dockerOwners(engine, name),
    ...(options.persist !== undefined ? { persist: options.persist } : {}),
    ...(options.isolate ? { isolate: options.isolate } : {}),
  });
  return {
    provider: new DockerProvider(engine, instance),
    instance,
    specs: (names) => serviceSpecs(services, instance, names),
  };
}
