import { openServices } from '../../services/open.js';
import { selectServices } from '../../services/specs.js';
import type { RunOptions } from '../../pipeline/context.js';
import type { CommandResult } from '../definition.js';
import type { LogsData } from '../dev/schemas.js';
import { LogText } from '../dev/log-filter.js';
import { TailBuffer } from '../../process/tail-buffer.js';

export interface ServiceLogsOptions extends RunOptions {
  /** postgres or redis. */
  name: string;
  /** Only the last N lines. */
  tail?: number;
  /** Keep printing new lines until the signal aborts (Ctrl-C). */
  follow?: boolean;
  /** Only lines it accepts (`--grep`); `tail` then counts them. */
  filter?: (line: string) => boolean;
}

// With a filter, how many of the newest lines are searched for `tail` matching ones.
const FILTER_SCAN_LINES = 20_000;

/** `tldr logs postgres|redis`: the service's own log, as `log` events with the service as source. */
export async function serviceLogs(options: ServiceLogsOptions): Promise<CommandResult<LogsData>> {
  const [name] = selectServices([options.name]);
  const opened = await openServices(options.project, { persist: false });
  const { filter } = options;
  const text = new LogText();
  // A filtered tail is only known at the end (or as lines arrive, when following).
  const held = filter && !options.follow ? new TailBuffer(options.tail ?? FILTER_SCAN_LINES) : undefined;
  let lines = 0;
  const emit = (line: string, stream?: 'stdout' | 'stderr') => {
    lines++;
    text.push(line);
    options.output.log(name!, line, stream);
  };
  await opened.provider.logs(name!, {
    ...(options.tail !== undefined ? { tail: filter && !options.follow ? FILTER_SCAN_LINES : options.tail } : {}),
    follow: options.follow ?? false,
    ...(options.signal ? { signal: options.signal } : {}),
    onLine: (line, stream) => {
      if (filter && !filter(line)) return;
      if (held) held.push(line);
      else emit(line, stream);
    },
  });
  for (const line of held?.lines() ?? []) emit(line);
  return { exitCode: 0, summary: `${lines} log line(s) of ${name}`, data: { name: name!, lines, ...text.data } };
}
