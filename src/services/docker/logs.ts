import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { LogOptions } from '../provider.js';

export interface Frame {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

/** Splits Docker's multiplexed log format (8-byte headers) into frames. Pure; a TTY log is one stdout frame. */
export function demuxFrames(buffer: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at + 8 <= buffer.length) {
    const type = buffer[at]!;
    const size = buffer.readUInt32BE(at + 4);
    if (type > 2 || buffer[at + 1] !== 0 || buffer[at + 2] !== 0 || buffer[at + 3] !== 0) break;
    frames.push({ stream: type === 2 ? 'stderr' : 'stdout', data: buffer.subarray(at + 8, at + 8 + size) });
    at += 8 + size;
  }
  if (at < buffer.length && frames.length === 0) return [{ stream: 'stdout', data: buffer }];
  return frames;
}

/** Lines of each stream, in order, from frames (a line may span frames). */
export function frameLines(frames: Frame[]): Array<{ stream: 'stdout' | 'stderr'; line: string }> {
  const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  const out: Array<{ stream: 'stdout' | 'stderr'; line: string }> = [];
  for (const frame of frames) {
    const parts = (pending[frame.stream] + frame.data.toString('utf8')).split('\n');
    pending[frame.stream] = parts.pop()!;
    for (const line of parts) out.push({ stream: frame.stream, line: line.replace(/\r$/, '') });
  }
  for (const stream of ['stdout', 'stderr'] as const) if (pending[stream]) out.push({ stream, line: pending[stream] });
  return out;
}

/** `docker logs [--tail N] [--follow]` of a container, line by line. Follow ends when `signal` aborts. */
export async function containerLogs(docker: Dockerode, container: string, options: LogOptions): Promise<void> {
  const c = docker.getContainer(container);
  const base = { stdout: true, stderr: true, timestamps: false, ...(options.tail !== undefined ? { tail: options.tail } : {}) };
  if (!options.follow) {
    const buffer = (await c.logs({ ...base, follow: false })) as unknown as Buffer;
    for (const { stream, line } of frameLines(demuxFrames(Buffer.from(buffer)))) options.onLine(line, stream);
    return;
  }
  if (options.signal?.aborted) return;
  const stream = (await c.logs({ ...base, follow: true })) as unknown as NodeJS.ReadableStream & { destroy(): void };
  const outputs = { stdout: new PassThrough(), stderr: new PassThrough() };
  docker.modem.demuxStream(stream, outputs.stdout, outputs.stderr);
  const done = Promise.all(
    (['stdout', 'stderr'] as const).map((name) => {
      const rl = createInterface({ input: outputs[name], crlfDelay: Infinity });
      rl.on('line', (line) => options.onLine(line, name));
      return new Promise<void>((resolve) => rl.once('close', () => resolve()));
    }),
  );
  const end = () => {
    stream.destroy();
    outputs.stdout.end();
    outputs.stderr.end();
  };
  stream.on('end', end);
  stream.on('close', end);
  stream.on('error', end);
  options.signal?.addEventListener('abort', end, { once: true });
  await done;
  options.signal?.removeEventListener('abort', end);
}
