import { usageError } from '../../errors.js';
import { openServices } from '../../services/open.js';
import type { DownReport } from '../../services/provider.js';
import { selectServices } from '../../services/specs.js';
import type { z } from 'zod';
import type { RunOptions } from '../../pipeline/context.js';
import type { CallerOptions, CommandResult } from '../definition.js';
import type { downInput } from './definitions.js';
import type { DownData } from './schemas.js';

export type ServicesDownOptions = CallerOptions &
  RunOptions &
  z.input<typeof downInput> & {
    /** @default all */
    services?: string[];
  };

/** `tldr down`: stop the services (Postgres gets 10 s to shut down cleanly); data stays unless --volumes. */
export async function down(options: ServicesDownOptions): Promise<CommandResult<DownData>> {
  const { project, output } = options;
  const names = selectServices(options.services);
  // Dropping data is never the default: without --yes and without a person to ask, nothing happens.
  if (options.volumes && !options.yes && !options.ask) {
    throw usageError(
      "tldr down --volumes deletes the services' data; nothing was stopped or removed",
      'add --yes to confirm (or run it at a terminal and type the project name)',
    );
  }
  const opened = await openServices(project, { persist: false });
  if (options.volumes && !options.yes) {
    const typed = (
      await options.ask!(`This deletes the data volumes of "${opened.instance.name}" (Postgres and Redis data).\nType ${opened.instance.name} to confirm: `)
    )?.trim();
    if (typed !== opened.instance.name) {
      throw usageError(`confirmation did not match "${opened.instance.name}"; nothing was stopped or removed`, 'type the name exactly, or pass --yes');
    }
  }
  const reports = await opened.provider.down(names, { volumes: options.volumes ?? false });
  for (const r of reports) {
    const state = r.container === 'removed' ? 'removed' : r.container === 'missing' ? 'missing' : 'stopped';
    output.emit({ type: 'service', name: r.name, state, message: describe(r) });
  }
  return {
    exitCode: 0,
    summary: `${opened.instance.name}: ${reports.map((r) => `${r.name} ${describe(r)}`).join(', ')}`,
    data: { instance: opened.instance.name, services: reports },
  };
}

function describe(r: DownReport): string {
  if (r.container === 'external') return 'is external (not managed by tldr)';
  const volume = r.volume === 'removed' ? ', data removed' : r.volume === 'kept' ? ', data kept' : '';
  return `${r.container}${volume}`;
}
