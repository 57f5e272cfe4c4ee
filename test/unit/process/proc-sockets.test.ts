import { describe, expect, it } from 'vitest';
import { answeringListeners, describeHolder, listenerOwner, parseListeners, procNetHex, type ProcFs } from '../../../src/process/proc-sockets.js';

const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, state: string, inode: string) =>
  `   0: ${local} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0 100 0 0 10 0\n`;
// 127.0.0.1:8000 by inode 100, 0.0.0.0:8000 by 200 (unreachable from 127.0.0.1: the exact one wins), *:5173 by 300, a connection on 8000
const tcp =
  header + row('0100007F:1F40', '0A', '100') + row('00000000:1F40', '0A', '200') + row('00000000:1435', '0A', '300') + row('0100007F:1F40', '01', '999');
const tcp6 = header + row('00000000000000000000000001000000:0BB8', '0A', '400') + row('00000000000000000000000000000000:1F41', '0A', '500');

describe('/proc/net/tcp listeners', () => {
  it('parses listening sockets only', () => {
    expect(parseListeners(tcp)).toEqual([
      { hex: '0100007F', port: 8000, inode: '100' },
      { hex: '00000000', port: 8000, inode: '200' },
      { hex: '00000000', port: 5173, inode: '300' },
    ]);
  });
  it('writes addresses the way the kernel does (each 32-bit word little-endian)', () => {
    expect(procNetHex('127.0.0.1')).toBe('0100007F');
    expect(procNetHex('10.1.2.3')).toBe('0302010A');
    expect(procNetHex('::1')).toBe('00000000000000000000000001000000');
    expect(procNetHex('::ffff:127.0.0.1')).toBe('0000000000000000FFFF00000100007F');
    expect(procNetHex('fe80::1%eth0')).toBe('000080FE000000000000000001000000');
    expect(procNetHex('nonsense')).toBeUndefined();
  });
  it('a connection reaches the listener bound to its address, else a wildcard one', () => {
    const v4 = parseListeners(tcp);
    const v6 = parseListeners(tcp6);
    expect(answeringListeners(v4, v6, '127.0.0.1', 8000).map((l) => l.inode)).toEqual(['100']);
    expect(answeringListeners(v4, v6, '::ffff:127.0.0.1', 8000).map((l) => l.inode)).toEqual(['100']);
    expect(answeringListeners(v4, v6, '127.0.0.1', 5173).map((l) => l.inode)).toEqual(['300']);
    expect(answeringListeners(v4, v6, '127.0.0.1', 8001).map((l) => l.inode)).toEqual(['500']);
    expect(answeringListeners(v4, v6, '::1', 3000).map((l) => l.inode)).toEqual(['400']);
    expect(answeringListeners(v4, v6, '::1', 5173)).toEqual([]);
  });
});

describe('listenerOwner', () => {
  const fs = (fds: Record<string, string[]>): ProcFs => ({
    read: (p) => (({ '/proc/net/tcp': tcp, '/proc/net/tcp6': tcp6, '/proc/77/cmdline': '/usr/bin/python3\0-m\0http.server\0' }) as Record<string, string>)[p],
    list: (p) => (p === '/proc' ? Object.keys(fds) : (fds[p.split('/')[2]!] ?? []).map((_, i) => String(i))),
    link: (p) => {
      const [, , pid, , fd] = p.split('/');
      const inode = fds[pid!]?.[Number(fd)];
      return inode ? `socket:[${inode}]` : undefined;
    },
  });
  it('ours when the leader or a member of its group holds the answering socket', () => {
    expect(listenerOwner('127.0.0.1', 8000, 10, () => [10], fs({ '10': ['100'] }))).toEqual({ kind: 'ours' });
    expect(listenerOwner('127.0.0.1', 5173, 10, () => [10, 11], fs({ '10': [], '11': ['300'] }))).toEqual({ kind: 'ours' });
  });
  it('another program holds it: named by command line and pid', () => {
    expect(listenerOwner('127.0.0.1', 8001, 10, () => [10], fs({ '10': ['100'], '77': ['500'] }))).toEqual({
      kind: 'other',
      holder: 'python3 -m http.server (pid 77)',
    });
  });
  it('unknown when /proc lists no listener there (no /proc, NAT, another namespace)', () => {
    expect(listenerOwner('127.0.0.1', 9999, 10, () => [10], fs({}))).toEqual({ kind: 'unknown' });
  });
  it('shortens long command lines', () => {
    expect(describeHolder({ pid: 5, command: ['/bin/x', 'a'.repeat(200)] })).toMatch(/^x a{115}\.\.\. \(pid 5\)$/);
  });
});
