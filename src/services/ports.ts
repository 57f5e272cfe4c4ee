import { createServer } from 'node:net';
import { holderOf, listeningInodes, procFs, type PortHolder, type ProcFs } from '../process/proc-sockets.js';

export { listeningInodes, type ProcFs } from '../process/proc-sockets.js';

/** Whether `host:port` can be bound right now (what Docker needs to publish it there). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel considers free on `host` now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The process listening on `port` (any address), when /proc tells (Linux, and our permissions allow). */
export function portHolderProcess(port: number, fs: ProcFs = procFs): PortHolder | undefined {
  const inodes = new Set([...listeningInodes(fs.read('/proc/net/tcp') ?? '', port), ...listeningInodes(fs.read('/proc/net/tcp6') ?? '', port)]);
  return inodes.size ? holderOf(inodes, fs) : undefined;
}

/** Who listens on `port`, e.g. "postgres (pid 812)", when /proc tells (Linux, and our permissions allow). */
export function portHolder(port: number, fs: ProcFs = procFs): string | undefined {
  const holder = portHolderProcess(port, fs);
  if (!holder) return undefined;
  return `${holder.command[0]?.split('/').pop() ?? 'a process'} (pid ${holder.pid})`;
}

/** True only when `host:port` is in use (EADDRINUSE); an address this machine lacks is not "taken". */
export function isPortTaken(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(false)));
  });
}
