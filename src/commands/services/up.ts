import { startServices, type ServiceReport } from '../../services/ensure.js';
import type { RunOptions } from '../../pipeline/context.js';

export interface ServicesUpOptions extends RunOptions {
  /** postgres, redis; default: all. */
  services?: string[];
  /** An isolated instance `<name>-<id>` with free ports, never remembered (CI runs). */
  isolate?: string;
}

export interface ServicesUpResult {
  exitCode: number;
  summary: string;
  data: { instance: string; provider: string; services: ServiceReport[] };
}

/** `tldr up [SERVICE…]`: start what is not running, recreate what changed, wait until each answers. */
export async function up(options: ServicesUpOptions): Promise<ServicesUpResult> {
  const started = await startServices(options.project, options.output, {
    ...(options.services?.length ? { only: options.services } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.isolate ? { isolate: options.isolate } : {}),
  });
  const parts = started.services.map((s) => `${s.name} ${s.host}:${s.port} (${s.action === 'none' ? 'already running' : s.action})`);
  return {
    exitCode: 0,
    summary: `ready: ${parts.join(', ')}`,
    data: { instance: started.instance, provider: started.provider, services: started.services },
  };
}
