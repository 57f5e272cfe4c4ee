import { existsSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, usageError } from '../../errors.js';
import { readFromOffset, readLastLines } from '../../output/log-file.js';
import type { RunOptions } from '../../pipeline/context.js';
import { followLog } from '../../process/file-follower.js';
import { processLogPath } from '../../supervisor/process-log.js';
import type { CommandResult } from '../definition.js';
import { serviceLogs } from '../services/logs.js';
import type { logsInput } from './definitions.js';
import { grepFilter, LogText } from './log-filter.js';
import { reapAndReport } from './reap.js';
import type { LogsData } from './schemas.js';

export type LogsOptions = RunOptions & z.input<typeof logsInput>;

// With --since or --grep, how much of the log's end is read (the rest is in the file).
const SCAN_BYTES = 4 * 1024 * 1024;

/** `tldr logs NAME`: a process's `.tldr/logs/NAME.log` (also after the loop ended), or a service's logs. */
export async function processLogs(options: LogsOptions): Promise<CommandResult<LogsData>> {
  const { project, output, name } = options;
  const matches = grepFilter(options.grep);
  await reapAndReport(project, output);
  const tail = options.tail ?? 100;
  if (name === 'postgres' || name === 'redis') {
    if (options.since !== undefined) throw usageError(`--since works on process logs only, not on ${name}`, `run \`tldr logs ${name} --tail N\` instead`);
    return serviceLogs({
      project,
      output,
      name,
      tail,
      filter: matches,
      ...(options.follow ? { follow: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }
  const known = Object.keys(project.config.processes);
  if (!known.includes(name)) {
    throw new ConfigError(`no process or service named "${name}"`, {
      code: 'unknown-process',
      hint: `processes: ${known.join(', ') || '(none)'}; services: postgres, redis`,
    });
  }
  const file = processLogPath(project.stateDir, name);
  const text = new LogText();
  let count = 0;
  const emit = (line: string) => {
    count++;
    text.push(line);
    if (output.json) output.log(name, line);
    else output.print(line);
  };
  if (!existsSync(file) && !options.follow)
    return { exitCode: 0, summary: `${name} has no log yet (it has not run under tldr dev)`, data: { name, file, lines: 0, ...text.data, offset: 0 } };
  const { lines, offset } = readProcessLog(file, tail, options.since, options.grep === undefined ? undefined : matches);
  lines.forEach(emit);
  if (options.follow && options.signal)
    await followLog(
      file,
      (line) => {
        if (matches(line)) emit(line);
      },
      options.signal,
    );
  const what = options.grep === undefined ? '' : ` matching ${JSON.stringify(options.grep)}`;
  return {
    exitCode: 0,
    summary: `${count} line(s) of ${name}${what}${options.since !== undefined ? ` since offset ${options.since}` : ''}`,
    data: { name, file, lines: count, ...text.data, offset },
  };
}

// Without a filter or offset the tail is read backwards (cost follows the lines returned); with one, the end of the file is scanned.
function readProcessLog(
  file: string,
  tail: number,
  since: number | undefined,
  filter: ((line: string) => boolean) | undefined,
): { lines: string[]; offset: number } {
  if (since === undefined && !filter) {
    const lines = readLastLines(file, tail);
    return { lines, offset: statSync(file, { throwIfNoEntry: false })?.size ?? 0 };
  }
  const slice = readFromOffset(file, since ?? 0, SCAN_BYTES);
  const kept = filter ? slice.lines.filter(filter) : slice.lines;
  return { lines: tail <= 0 ? [] : kept.slice(-tail), offset: slice.end };
}
