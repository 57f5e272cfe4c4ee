import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

// What /proc says about TCP sockets: who listens where, and which process holds a socket.
// Used for the holder of a taken port and for "is the answering socket the probed process's?".

/** A listening socket as /proc/net/tcp{,6} lists it: the address in the kernel's hex form (`0100007F` = 127.0.0.1), the port, the inode. */
export interface Listener {
  hex: string;
  port: number;
  inode: string;
}

/** Listening sockets in the text of /proc/net/tcp or /proc/net/tcp6. Pure. */
export function parseListeners(procNetTcp: string): Listener[] {
  const out: Listener[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
    if (cols.length < 10 || cols[3] !== '0A') continue;
    const [hex, port] = cols[1]!.split(':');
    out.push({ hex: hex!, port: parseInt(port!, 16), inode: cols[9]! });
  }
  return out;
}

/** Socket inodes listening on `port` in the text of /proc/net/tcp or /proc/net/tcp6. Pure. */
export function listeningInodes(procNetTcp: string, port: number): string[] {
  return parseListeners(procNetTcp)
    .filter((l) => l.port === port)
    .map((l) => l.inode);
}

/** An IP address in the kernel's /proc/net hex form: each 32-bit word in host (little-endian) byte order. Pure. */
export function procNetHex(ip: string): string | undefined {
  const bytes = isIPv4(ip) ? ip.split('.').map(Number) : ipv6Bytes(ip);
  if (!bytes) return undefined;
  let hex = '';
  for (let i = 0; i < bytes.length; i += 4)
    hex += bytes
      .slice(i, i + 4)
      .reverse()
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
  return hex.toUpperCase();
}

function ipv6Bytes(ip: string): number[] | undefined {
  let text = ip.split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) text = `${text.slice(0, -v4.length)}0:0`;
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8 || !isIPv6(ip)) return undefined;
  const bytes = groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]);
  if (v4) bytes.splice(12, 4, ...v4.split('.').map(Number));
  return bytes;
}

/** The listeners a connection to `ip:port` reaches: one bound to that address, else a wildcard one (0.0.0.0, ::). Pure. */
export function answeringListeners(tcp: Listener[], tcp6: Listener[], ip: string, port: number): Listener[] {
  const mapped = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  const v4 = isIPv4(mapped);
  const at = (list: Listener[], hex: string | undefined) => list.filter((l) => l.port === port && l.hex === hex);
  const exact = v4 ? [...at(tcp, procNetHex(mapped)), ...at(tcp6, procNetHex(`::ffff:${mapped}`))] : at(tcp6, procNetHex(mapped));
  if (exact.length) return exact;
  return [...(v4 ? at(tcp, '00000000') : []), ...at(tcp6, '0'.repeat(32))];
}

/** Who holds the socket that answered a readiness probe (DESIGN.md § Processes: only the process tldr started counts). */
export type ListenerOwner = { kind: 'ours' } | { kind: 'other'; holder?: string } | { kind: 'unknown' };

// Inodes found to be someone else's, with their holder: a probe answered by a stranger polls
// every few ms, and naming the stranger reads every process's fds.
const foreignInodes = new Map<string, string | undefined>();

/**
 * Whether the socket answering on `ip:port` belongs to `leader`'s process group: its inode
 * (/proc/net/tcp{,6}) among the fds of the leader, else of `members()`. `unknown` when /proc
 * lists no such listener (no /proc, another network namespace, a NAT rule).
 */
export function listenerOwner(ip: string, port: number, leader: number, members: () => number[], fs: ProcFs = procFs): ListenerOwner {
  const answering = answeringListeners(parseListeners(fs.read('/proc/net/tcp') ?? ''), parseListeners(fs.read('/proc/net/tcp6') ?? ''), ip, port);
  if (answering.length === 0) return { kind: 'unknown' };
  const inodes = new Set(answering.map((l) => l.inode));
  const known = answering.find((l) => foreignInodes.has(l.inode));
  if (known) return { kind: 'other', holder: foreignInodes.get(known.inode) };
  if (holdsAny(leader, inodes, fs) || members().some((pid) => pid !== leader && holdsAny(pid, inodes, fs))) return { kind: 'ours' };
  const holder = holderOf(inodes, fs);
  const description = holder ? describeHolder(holder) : undefined;
  if (foreignInodes.size >= 64) foreignInodes.clear();
  for (const inode of inodes) foreignInodes.set(inode, description);
  return { kind: 'other', ...(description ? { holder: description } : {}) };
}

export interface ProcFs {
  read(path: string): string | undefined;
  list(path: string): string[];
  link(path: string): string | undefined;
}

export const procFs: ProcFs = {
  read: (path) => tryOr(() => readFileSync(path, 'utf8'), undefined),
  list: (path) => tryOr(() => readdirSync(path), []),
  link: (path) => tryOr(() => readlinkSync(path), undefined),
};

function holdsAny(pid: number, inodes: Set<string>, fs: ProcFs): boolean {
  return fs.list(`/proc/${pid}/fd`).some((fd) => {
    const inode = fs.link(`/proc/${pid}/fd/${fd}`)?.match(/^socket:\[(\d+)\]$/)?.[1];
    return inode !== undefined && inodes.has(inode);
  });
}

/** A process holding a socket: its pid and command line. */
export interface PortHolder {
  pid: number;
  command: string[];
}

export function holderOf(inodes: Set<string>, fs: ProcFs): PortHolder | undefined {
  for (const pid of fs.list('/proc')) {
    if (!/^\d+$/.test(pid) || !holdsAny(Number(pid), inodes, fs)) continue;
    return { pid: Number(pid), command: (fs.read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean) };
  }
  return undefined;
}

/** `python3 -m http.server 8000 (pid 4242)`: the command line (shortened) and the pid. */
export function describeHolder(holder: PortHolder): string {
  const [program, ...args] = holder.command;
  const text = [program?.split('/').pop() ?? 'a process', ...args].join(' ');
  return `${text.length > 120 ? `${text.slice(0, 117)}...` : text} (pid ${holder.pid})`;
}

function tryOr<T, F>(fn: () => T, fallback: F): T | F {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
