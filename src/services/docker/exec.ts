import type Dockerode from 'dockerode';
import { setTimeout as delay } from 'node:timers/promises';
import type { ExecOptions } from '../provider.js';

/**
 * `docker exec -it` through the Engine API: the terminal is put in raw mode and passed through
 * (Ctrl-C reaches the program inside, window size follows), or without a TTY stdin is streamed
 * in and stdout/stderr are demultiplexed. Resolves to the program's exit code.
 */
export async function execInContainer(docker: Dockerode, container: string, argv: string[], options: ExecOptions): Promise<number> {
  const { stdin, stdout, stderr } = options.stdio;
  const tty = options.tty ?? Boolean(stdin.isTTY && stdout.isTTY);
  const exec = await docker.getContainer(container).exec({
    Cmd: argv,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty,
    Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
  });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: tty })) as NodeJS.ReadWriteStream & { destroy(): void };
  if (tty) stream.pipe(stdout, { end: false });
  else docker.modem.demuxStream(stream, stdout, stderr);
  const resize = () => exec.resize({ h: stdout.rows ?? 24, w: stdout.columns ?? 80 }).catch(() => undefined);
  const stop = () => stream.destroy();
  if (tty) {
    stdin.setRawMode?.(true);
    void resize();
    stdout.on('resize', resize);
  }
  stdin.pipe(stream);
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await new Promise<void>((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
  } finally {
    options.signal?.removeEventListener('abort', stop);
    stdin.unpipe(stream);
    if (tty) {
      stdin.setRawMode?.(false);
      stdout.off('resize', resize);
    }
    stdin.pause();
  }
  // The stream can close a moment before the Engine records the exit code.
  for (let i = 0; i < 100; i++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode ?? 0;
    await delay(20);
  }
  return 1;
}
