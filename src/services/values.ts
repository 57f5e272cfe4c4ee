import type { ServiceValues } from '../config/expand.js';
import type { ServiceSpec } from './provider.js';

/** Where a ready service answers, and with which credentials. */
export interface Endpoint {
  spec: ServiceSpec;
  host: string;
  port: number;
  /** The URL as configured (provider external keeps query parameters such as sslmode). */
  url?: string;
}

export function postgresUrl(e: { host: string; port: number; user: string; password: string; db: string }): string {
  const auth = `${encodeURIComponent(e.user)}${e.password ? `:${encodeURIComponent(e.password)}` : ''}`;
  return `postgres://${auth}@${hostPart(e.host)}:${e.port}/${encodeURIComponent(e.db)}`;
}

export function redisUrl(e: { host: string; port: number }): string {
  return `redis://${hostPart(e.host)}:${e.port}/0`;
}

export function endpointUrl(e: Endpoint): string {
  if (e.url) return e.url;
  return e.spec.name === 'postgres' ? postgresUrl({ ...e.spec, host: e.host, port: e.port }) : redisUrl(e);
}

/** The `${postgres.*}` / `${redis.*}` values of DESIGN.md § Environment. Pure. */
export function serviceValues(endpoints: Endpoint[]): ServiceValues {
  const values: ServiceValues = {};
  for (const e of endpoints) {
    if (e.spec.name === 'postgres') {
      values['postgres.url'] = endpointUrl(e);
      values['postgres.host'] = e.host;
      values['postgres.port'] = String(e.port);
      values['postgres.db'] = e.spec.db;
      values['postgres.user'] = e.spec.user;
      values['postgres.password'] = e.spec.password;
    } else {
      values['redis.url'] = endpointUrl(e);
      values['redis.port'] = String(e.port);
    }
  }
  return values;
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
