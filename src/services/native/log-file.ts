import { readLastLines } from '../../output/log-file.js';
import { followLog } from '../../process/file-follower.js';
import type { LogOptions } from '../provider.js';

/** A native server's log file as `onLine` calls: the last `tail` lines, then (with `follow`) what is appended until the signal aborts. */
export async function readLogFile(path: string, options: LogOptions): Promise<void> {
  for (const line of readLastLines(path, options.tail)) options.onLine(line, 'stdout');
  if (options.follow) await followLog(path, (line) => options.onLine(line, 'stdout'), options.signal ?? new AbortController().signal, 200);
}
