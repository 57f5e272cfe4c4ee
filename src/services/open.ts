import type { Project } from '../config/project.js';
import { EnvironmentError, TldrError } from '../errors.js';
import { systemDiscoveryEnv, type DiscoveryEnv } from './discovery.js';
import { DockerConnection } from './docker/connection.js';
import { dockerOptions, findDocker } from './docker/endpoint.js';
import { dockerOwners } from './docker/owners.js';
import { DockerProvider } from './docker/provider.js';
import { ExternalProvider, externalSpecs } from './external.js';
import { resolveInstance, type Instance } from './instance.js';
import { missingBinaries, withPgBindir } from './native/binaries.js';
import { NativeProvider } from './native/provider.js';
import { nativeServers } from '../process/servers.js';
import { chooseProvider } from './provider-choice.js';
import type { ServiceName, ServiceProvider, ServiceSpec } from './provider.js';
import { serviceSpecs } from './specs.js';
import type { LeftoverCheck } from './ci-run.js';
import { sweepCiLeftovers, type SweptResource } from './docker/ci-leftovers.js';

export interface OpenOptions {
  /** Remember the instance decision in `.tldr/state.json`. @default true */
  persist?: boolean;
  /** An isolated instance `<name>-<id>` with free ports (CI runs). */
  isolate?: string;
  /** With `isolate`: extra labels on its containers and volumes. */
  labels?: Record<string, string>;
  /** @default systemDiscoveryEnv(project.env) */
  discovery?: DiscoveryEnv;
}

/** The provider this project uses, the instance of this checkout, and the specs to hand it. */
export interface OpenedServices {
  provider: ServiceProvider;
  instance: Instance;
  specs(names: readonly ServiceName[]): ServiceSpec[];
  /** Docker only: removes this project's leftovers of CI runs that are over (by label). */
  sweepCiLeftovers?(check: LeftoverCheck): Promise<SweptResource[]>;
}

/**
 * Picks the provider (`services.provider`; auto = docker when a daemon answers, else native when
 * initdb / pg_ctl / redis-server exist) and resolves the
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
  if (services.provider === 'native') return openNative(project, options);
  const sys = options.discovery ?? systemDiscoveryEnv(project.env);
  let found;
  try {
    found = await findDocker(sys);
  } catch (error) {
    if (!(error instanceof TldrError) || services.provider !== 'auto') throw error;
    const missing = missingBinaries(await withPgBindir(nativeServers, project.env));
    if (chooseProvider('auto', { dockerAnswers: false, nativeAvailable: missing.length === 0 }) === 'native') return openNative(project, options);
    throw new EnvironmentError(`${error.message}, and the native provider cannot run here: missing ${missing.join(', ')} (services.provider: auto)`, {
      code: error.code,
      details: error.details,
      hint: `${error.hint}; or install PostgreSQL and Redis locally (apt-get install postgresql redis-server; brew install postgresql redis) for services.provider: native; or use servers you manage yourself with services.provider: external and services.postgres.url / services.redis.url`,
    });
  }
  const engine = new DockerConnection(found.candidate.host, dockerOptions(found.candidate.host, sys.env));
  const instance = await resolveInstance(project, {
    owners: (name) => dockerOwners(engine, name),
    ...(options.persist !== undefined ? { persist: options.persist } : {}),
    ...(options.isolate ? { isolate: options.isolate } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
  });
  return {
    provider: new DockerProvider(engine, instance),
    instance,
    specs: (names) => serviceSpecs(services, instance, names),
    sweepCiLeftovers: (check) => sweepCiLeftovers(engine, project.name, check),
  };
}

async function openNative(project: Project, options: OpenOptions): Promise<OpenedServices> {
  const instance = await resolveInstance(project, {
    ...(options.persist !== undefined ? { persist: options.persist } : {}),
    ...(options.isolate ? { isolate: options.isolate } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
  });
  return {
    provider: new NativeProvider(instance, project.stateDir, project.env),
    instance,
    specs: (names) => serviceSpecs(project.config.services, instance, names),
  };
}
