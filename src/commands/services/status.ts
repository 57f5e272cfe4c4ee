import type { ServiceValues } from '../../config/expand.js';
import type { Project } from '../../config/project.js';
import { TldrError } from '../../errors.js';
import { formatDuration } from '../../output/duration.js';
import { resolveInstance } from '../../services/instance.js';
import { openServices, type OpenedServices } from '../../services/open.js';
import { serviceNames, type ServiceName, type ServiceSpec, type ServiceStatus } from '../../services/provider.js';
import { serviceProbe } from '../../services/readiness.js';
import { selectServices, serviceSpecs } from '../../services/specs.js';
import { endpointUrl, serviceValues, type Endpoint } from '../../services/values.js';
import type { RunOptions } from '../../pipeline/context.js';

export interface ServiceStatusReport extends ServiceStatus {
  /** Connection URL, password redacted. */
  url?: string;
  health: 'ready' | 'not answering' | 'unknown';
  /** Why the probe failed, when it did. */
  healthError?: string;
  uptimeSeconds?: number;
}

export interface ServicesStatusResult {
  exitCode: number;
  summary: string;
  data: { instance: string; provider: string; where: string; services: ServiceStatusReport[] };
}

/** `tldr status`: state, URL, health (one real probe) and uptime of each service. Changes nothing. */
export async function status(options: RunOptions & { services?: string[]; now?: () => number }): Promise<ServicesStatusResult> {
  const { project, output } = options;
  const opened = await openServices(project, { persist: false });
  const specs = opened.specs(selectServices(options.services));
  const statuses = await opened.provider.status(specs);
  const now = (options.now ?? Date.now)();
  const reports = await Promise.all(
    statuses.map(async (s, i): Promise<ServiceStatusReport> => {
      const spec = specs[i]!;
      const reachable = (s.state === 'running' || s.state === 'external') && s.port !== undefined;
      const handle = { host: s.host ?? '127.0.0.1', port: s.port ?? 0, ...(s.state === 'external' ? { url: project.config.services[spec.name].url! } : {}) };
      const url = reachable ? output.secrets.redact(endpointUrl({ spec, ...handle })) : undefined;
      const check = reachable ? await serviceProbe(spec, handle).check(2_000) : undefined;
      const uptimeSeconds = s.startedAt ? Math.max(0, Math.round((now - Date.parse(s.startedAt)) / 1000)) : undefined;
      return {
        ...s,
        ...(url ? { url } : {}),
        health: check ? (check.ok ? 'ready' : 'not answering') : 'unknown',
        ...(check?.error ? { healthError: check.error } : {}),
        ...(uptimeSeconds !== undefined ? { uptimeSeconds } : {}),
      };
    }),
  );
  for (const r of reports) {
    output.emit({ type: 'service', name: r.name, state: eventState(r), ...(r.url ? { url: r.url } : {}), message: describe(r) });
  }
  return {
    exitCode: 0,
    summary: reports.map((r) => `${r.name} ${r.health === 'ready' ? 'ready' : r.state}`).join(', '),
    data: { instance: opened.instance.name, provider: opened.provider.kind, where: opened.provider.where, services: reports },
  };
}

function eventState(r: ServiceStatusReport): 'ready' | 'running' | 'stopped' | 'missing' | 'failed' {
  if (r.health === 'ready') return 'ready';
  if (r.state === 'external') return 'failed';
  return r.state;
}

function describe(r: ServiceStatusReport): string {
  const parts: string[] = [];
  if (r.health === 'not answering') parts.push(`not answering: ${r.healthError}`);
  if (r.uptimeSeconds !== undefined) parts.push(`up ${formatDuration(r.uptimeSeconds * 1000)}`);
  if (r.container) parts.push(r.container);
  if (r.outdated) parts.push('config changed: `tldr up` recreates it (data kept)');
  if (r.state === 'missing') parts.push('not created: run `tldr up`');
  if (r.state === 'stopped') parts.push('stopped: run `tldr up`');
  return parts.join(' · ');
}


/** What an inspection knows of one service without touching it. */
export interface InspectedService {
  name: ServiceName;
  /** 'unknown': the provider could not be asked (no Docker daemon answered, …). */
  state: ServiceStatus['state'] | 'unknown';
  /** The port it answers on, or will once started (configured or remembered in .tldr/state.json). */
  port?: number;
}

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
    return { ...inspected(project, specs, specs.map(() => ({ state: 'unknown' as const }))), problem: error.message.split('\n')[0]! };
  }
  const specs = opened.specs(names);
  return inspected(project, specs, await opened.provider.status(specs));
}

function inspected(project: Project, specs: ServiceSpec[], statuses: Array<Pick<ServiceStatus, 'host' | 'port'> & { state: InspectedService['state'] }>): Omit<InspectedServices, 'problem'> {
  const endpoints: Endpoint[] = [];
  const values: ServiceValues = {};
  const services = specs.map((spec, i): InspectedService => {
    const status = statuses[i]!;
    const port = status.port ?? spec.port;
    const url = project.config.services[spec.name].url;
    if (port !== undefined) endpoints.push({ spec, host: status.host ?? spec.host ?? '127.0.0.1', port, ...(status.state === 'external' && url ? { url } : {}) });
    else if (spec.name === 'postgres') Object.assign(values, { 'postgres.db': spec.db, 'postgres.user': spec.user, 'postgres.password': spec.password });
    return { name: spec.name, state: status.state, ...(port !== undefined ? { port } : {}) };
  });
  // Without a port there is no URL, but the credentials are the config's all the same.
  return { values: { ...values, ...serviceValues(endpoints) }, services };
}
