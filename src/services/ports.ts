import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

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

/** Socket inodes listening on `port` in the text of /proc/net/tcp or /proc/net/tcp6. Pure. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (cols.length < 10 || cols[3] !== '0A') continue;
    if (cols[1]!.split(':')[1] === hexPort) out.push(cols[9]!);
  }
  return out;
}

export interface ProcFs {
  read(path: string): string | undefined;
  list(path: string): string[];
  link(path: string): string | undefined;
}

const procFs: ProcFs = {
  read: (path) => tryOr(() => readFileSync(path, 'utf8'), undefined),
  list: (path) => tryOr(() => readdirSync(path), []),
  link: (path) => tryOr(() => readlinkSync(path), undefined),
};

/** Who listens on `port`, e.g. "postgres (pid 812)", when /proc tells (Linux, and our permissions allow). */
export function portHolder(port: number, fs: ProcFs = procFs): string | undefined {
  const inodes = new Set([...listeningInodes(fs.read('/proc/net/tcp') ?? '', port), ...listeningInodes(fs.read('/proc/net/tcp6') ?? '', port)]);
  if (inodes.size === 0) return undefined;
  for (const pid of fs.list('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    for (const fd of fs.list(`/proc/${pid}/fd`)) {
      const target = fs.link(`/proc/${pid}/fd/${fd}`);
      const inode = target?.match(/^socket:\[(\d+)\]$/)?.[1];
      if (inode && inodes.has(inode)) {
        const cmd = (fs.read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
        const name = cmd[0]?.split('/').pop() ?? 'a process';
        return `${name} (pid ${pid})`;
      }
    }
  }
  return undefined;
}

function tryOr<T, F>(fn: () => T, fallback: F): T | F {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
