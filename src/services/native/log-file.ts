import { open } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { LogOptions } from '../provider.js';

/** The last `n` lines of a text. Pure. */
export function lastLines(text: string, n: number | undefined): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return n === undefined ? lines : n <= 0 ? [] : lines.slice(-n);
}

/**
 * A native server's log file as `onLine` calls: the last `tail` lines, then (with `follow`) what is
 * appended, polled every 200 ms until the signal aborts.
 */
export async function readLogFile(path: string, options: LogOptions): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const text = (await handle.readFile()).toString('utf8');
    for (const line of lastLines(text, options.tail)) options.onLine(line, 'stdout');
    if (!options.follow) return;
    let offset = Buffer.byteLength(text);
    let pending = '';
    const buffer = Buffer.alloc(64 * 1024);
    while (!options.signal?.aborted) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) {
        await delay(200, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
        continue;
      }
      offset += bytesRead;
      const parts = (pending + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
      pending = parts.pop()!;
      for (const line of parts) options.onLine(line, 'stdout');
    }
  } finally {
    await handle.close();
  }
}
