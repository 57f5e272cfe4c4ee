import type { z } from 'zod';
import type { RunOptions } from '../../pipeline/context.js';
import { startServices } from '../../services/ensure.js';
import type { CommandResult } from '../definition.js';
import type { upInput } from './definitions.js';
import type { UpData } from './schemas.js';

export type ServicesUpOptions = RunOptions &
  z.input<typeof upInput> & {
    /** An isolated instance `<name>-<id>` with free ports, never remembered (CI runs). */
    isolate?: string;
  };

/** `tldr up [SERVICE…]`: start what is not running, recreate what changed, wait until each answers. */
export async function up(options: ServicesUpOptions): Promise<CommandResult<UpData>> {
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
