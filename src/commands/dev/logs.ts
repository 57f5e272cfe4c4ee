import { existsSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { readLastLines } from '../../output/log-file.js';
import type { RunOptions } from '../../pipeline/context.js';
import { followLog } from '../../process/file-follower.js';
import { processLogPath } from '../../supervisor/process-log.js';
import type { CommandResult } from '../definition.js';
import { serviceLogs } from '../services/logs.js';
import type { logsInput } from './definitions.js';
import { reapAndReport } from './reap.js';
import type { LogsData } from './schemas.js';

export type LogsOptions = RunOptions & z.input<typeof logsInput>;

/** `tldr logs NAME`: a process's `.tldr/logs/NAME.log` (also after the loop ended), or a service's logs. */
export async function processLogs(options: LogsOptions): Promise<CommandResult<LogsData>> {
  const { project, output, name } = options;
  await reapAndReport(project, output);
  const tail = options.tail ?? 100;
  if (name === 'postgres' || name === 'redis')
    return serviceLogs({ project, output, name, tail, ...(options.follow ? { follow: true } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const known = Object.keys(project.config.processes);
  if (!known.includes(name)) {
    throw new ConfigError(`no process or service named "${name}"`, {
      code: 'unknown-process',
      hint: `processes: ${known.join(', ') || '(none)'}; services: postgres, redis`,
    });
  }
  const file = processLogPath(project.stateDir, name);
  const emit = (line: string) => (output.json ? output.log(name, line) : output.print(line));
  if (!existsSync(file) && !options.follow)
    return { exitCode: 0, summary: `${name} has no log yet (it has not run under tldr dev)`, data: { name, file, lines: 0 } };
  const lines = readLastLines(file, tail);
  lines.forEach(emit);
  let count = lines.length;
  if (options.follow && options.signal) count += await followLog(file, emit, options.signal);
  return { exitCode: 0, summary: `${count} line(s) of ${name}`, data: { name, file, lines: count } };
}
