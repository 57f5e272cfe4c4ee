import { formatDuration } from '../../output/duration.js';
import type { RunOptions } from '../../pipeline/context.js';
import { openServices } from '../../services/open.js';
import { serviceProbe } from '../../services/readiness.js';
import { selectServices } from '../../services/specs.js';
import { endpointUrl } from '../../services/values.js';
import type { CommandResult } from '../definition.js';
import type { ServiceStatusReport, StatusData } from './schemas.js';

/** `tldr status`: state, URL, health (one real probe) and uptime of each service. Changes nothing. */
export async function status(options: RunOptions & { services?: string[]; now?: () => number }): Promise<CommandResult<StatusData>> {
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
