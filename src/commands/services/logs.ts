import { openServices } from '../../services/open.js';
import { selectServices } from '../../services/specs.js';
import type { RunOptions } from '../../pipeline/context.js';
import type { CommandResult } from '../definition.js';
import type { LogsData } from '../dev/schemas.js';

export interface ServiceLogsOptions extends RunOptions {
  /** postgres or redis. */
  name: string;
  /** Only the last N lines. */
  tail?: number;
  /** Keep printing new lines until the signal aborts (Ctrl-C). */
  follow?: boolean;
}

/** `tldr logs postgres|redis`: the service's own log, as `log` events with the service as source. */
export async function serviceLogs(options: ServiceLogsOptions): Promise<CommandResult<LogsData>> {
  const [name] = selectServices([options.name]);
  const opened = await openServices(options.project, { persist: false });
  let lines = 0;
  await opened.provider.logs(name!, {
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    follow: options.follow ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    onLine: (line, stream) => {
      lines++;
      options.output.log(name!, line, stream);
    },
  });
  return { exitCode: 0, summary: `${lines} log line(s) of ${name}`, data: { name: name!, lines } };
}
