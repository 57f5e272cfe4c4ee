import { open, type FileHandle } from 'node:fs/promises';

export interface FileTail extends AsyncDisposable {
  /** Reads what is left, hands over the last (even unterminated) line, and stops. */
  stop(): Promise<void>;
}

/**
 * Follows a file another process appends lines to (the test runner's events file) and calls
 * `onLine` for each complete line as it arrives. Polling: the file is small, local, and the
 * writer flushes per line, so 100 ms keeps events live without fs.watch's platform quirks.
 */
export function tailFile(path: string, onLine: (line: string) => void, intervalMs = 100): FileTail {
  let handle: FileHandle | undefined;
  let offset = 0;
  let pending = '';
  let reading: Promise<void> = Promise.resolve();
  const buffer = Buffer.alloc(64 * 1024);
  const decoder = new TextDecoder('utf-8');

  const readMore = async () => {
    handle ??= await open(path, 'r').catch(() => undefined);
    if (!handle) return;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead === 0) return;
      offset += bytesRead;
      pending += decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) if (line.trim()) onLine(line);
    }
  };
  let failure: unknown;
  const tick = () => {
    reading = reading.then(readMore).catch((error: unknown) => {
      failure ??= error;
    });
  };
  const timer = setInterval(tick, intervalMs);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      clearInterval(timer);
      tick();
      await reading;
      if (pending.trim()) onLine(pending);
      pending = '';
      await handle?.close();
      if (failure) throw failure;
    })());
  return { stop, [Symbol.asyncDispose]: stop };
}
