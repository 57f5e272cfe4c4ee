import { createHash } from 'node:crypto';
import type { ContainerCreateOptions } from 'dockerode';
import type { ServiceSpec } from '../provider.js';
import { containerName, Label, volumeName } from './labels.js';

export const containerPorts = { postgres: 5432, redis: 6379 } as const;

export interface ContainerInput {
  instance: string;
  checkout: string;
  spec: ServiceSpec;
  /** The host port (resolved: never undefined here). */
  port: number;
  /** Where the data volume is mounted (`postgresDataDir…` for Postgres, /data for Redis). */
  dataDir: string;
  /** Extra labels (not hashed: they say who owns it, not what it is). */
  labels?: Record<string, string>;
}

export interface ContainerDefinition {
  name: string;
  volume: string;
  hash: string;
  body: ContainerCreateOptions;
}

/**
 * The create request for one service container, labelled with a hash of everything in it except
 * the labels that name its owner. Pure: `up` compares that hash with the running container's to
 * know whether the config changed (image, env, port, command, mount).
 */
export function containerDefinition(input: ContainerInput): ContainerDefinition {
  const { spec } = input;
  const name = containerName(input.instance, spec.name);
  const volume = volumeName(input.instance, spec.name);
  const inner = `${containerPorts[spec.name]}/tcp`;
  const env = spec.name === 'postgres' ? [`POSTGRES_DB=${spec.db}`, `POSTGRES_USER=${spec.user}`, `POSTGRES_PASSWORD=${spec.password}`] : [];
  const hashed = {
    Image: spec.image,
    Env: env,
    ExposedPorts: { [inner]: {} },
    // Postgres gets ten seconds to shut down cleanly (its image stops it with SIGINT, a fast shutdown).
    StopTimeout: 10,
    HostConfig: {
      PortBindings: { [inner]: [{ HostIp: '127.0.0.1', HostPort: String(input.port) }] },
      Mounts: [{ Type: 'volume' as const, Source: volume, Target: input.dataDir }],
    },
  };
  const hash = createHash('sha256').update(stableJson(hashed)).digest('hex').slice(0, 16);
  const labels = { ...input.labels, [Label.project]: input.instance, [Label.service]: spec.name, [Label.checkout]: input.checkout, [Label.configHash]: hash };
  return { name, volume, hash, body: { name, ...hashed, Labels: labels } };
}

/** JSON with object keys sorted, so the same request always hashes the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
