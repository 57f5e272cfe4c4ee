import type { ServiceValues } from '../config/expand.js';
import type { Project } from '../config/project.js';
import type { Output } from '../output/output.js';
import { rememberPorts } from './instance.js';
import { openServices, type OpenOptions } from './open.js';
import { outputProgress } from './progress.js';
import type { ServiceName, UpAction } from './provider.js';
import { waitReady } from './readiness.js';
import { selectServices } from './specs.js';
import { endpointUrl, serviceValues, type Endpoint } from './values.js';
import { registerSecrets } from './secrets.js';

export interface EnsureOptions {
  /** Only these services (default: all configured). */
  only?: string[];
  signal?: AbortSignal;
  /** An isolated instance `<name>-<id>` with free ports, never remembered (CI runs). */
  isolate?: string;
  /** With `isolate`: extra labels on its containers and volumes. */
  labels?: Record<string, string>;
  /** Readiness timeout per service. @default 90 s for Postgres, 30 s for Redis */
  readyTimeoutMs?: number;
}

export interface ServiceReport {
  name: ServiceName;
  /** Connection URL with the password redacted. */
  url: string;
  host: string;
  port: number;
  action: UpAction;
  reason?: string;
  /** Time from start of the readiness wait until the first successful probe. */
  readyMs: number;
}

export interface StartedServices {
  values: ServiceValues;
  services: ServiceReport[];
  instance: string;
  provider: 'docker' | 'native' | 'external';
  where: string;
}

/** Brings services up in parallel, waits until each answers a real connection, and reports what it did. */
export async function startServices(project: Project, output: Output, options: EnsureOptions = {}): Promise<StartedServices> {
  const names = selectServices(options.only);
  const opened = await openServices(project, openOptions(options));
  const specs = opened.specs(names);
  registerSecrets(output, project, opened.instance.name, specs);
  const handles = await opened.provider.up(specs, { progress: outputProgress(output), ...(options.signal ? { signal: options.signal } : {}) });
  if (opened.provider.kind !== 'external' && !options.isolate) {
    const auto = handles.filter((h) => specs.find((s) => s.name === h.name)?.portPolicy === 'auto');
    rememberPorts(project, opened.instance, Object.fromEntries(auto.map((h) => [h.name, h.port])));
  }
  const reports = await Promise.all(
    handles.map(async (handle, i): Promise<ServiceReport & { endpoint: Endpoint }> => {
      const spec = specs[i]!;
      const { ms } = await waitReady(opened.provider, spec, handle, {
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.readyTimeoutMs ? { timeoutMs: options.readyTimeoutMs } : {}),
      });
      const endpoint: Endpoint = { spec, host: handle.host, port: handle.port, ...(handle.url ? { url: handle.url } : {}) };
      const url = output.secrets.redact(endpointUrl(endpoint));
      const message =
        handle.action === 'none' ? 'already running' : `${handle.action}${handle.reason ? `: ${handle.reason}` : ''}, ready in ${(ms / 1000).toFixed(1)} s`;
      output.emit({ type: 'service', name: spec.name, state: 'ready', url, message });
      return {
        name: spec.name,
        url,
        host: handle.host,
        port: handle.port,
        action: handle.action,
        ...(handle.reason ? { reason: handle.reason } : {}),
        readyMs: ms,
        endpoint,
      };
    }),
  );
  return {
    values: serviceValues(reports.map((r) => r.endpoint)),
    services: reports.map(({ endpoint: _endpoint, ...report }) => report),
    instance: opened.instance.name,
    provider: opened.provider.kind,
    where: opened.provider.where,
  };
}

/** Brings the configured services up (idempotent, fast when already running) and returns their values. */
export async function ensureServices(project: Project, output: Output, options: EnsureOptions = {}): Promise<ServiceValues> {
  return (await startServices(project, output, options)).values;
}

function openOptions(options: EnsureOptions): OpenOptions {
  return options.isolate ? { isolate: options.isolate, ...(options.labels ? { labels: options.labels } : {}) } : {};
}
