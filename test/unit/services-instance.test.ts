import { describe, expect, it } from 'vitest';
import { instanceName, isMainCheckout } from '../../src/services/instance.js';
import { listeningInodes, portHolder, type ProcFs } from '../../src/services/ports.js';

describe('instance naming for worktrees and second checkouts', () => {
  it('the main checkout keeps the project name; others get 6 hex of sha256(root)', () => {
    expect(instanceName('tldr', '/src/tldr', true)).toBe('tldr');
    const other = instanceName('tldr', '/src/tldr-wt', false);
    expect(other).toMatch(/^tldr-[0-9a-f]{6}$/);
    expect(instanceName('tldr', '/src/tldr-wt', false)).toBe(other);
    expect(instanceName('tldr', '/src/tldr-wt2', false)).not.toBe(other);
  });

  it('main = .git is a folder or absent, and no resource of the name belongs to another checkout', () => {
    expect(isMainCheckout('dir', [], '/a')).toBe(true);
    expect(isMainCheckout('none', ['/a'], '/a')).toBe(true);
    expect(isMainCheckout('file', [], '/a')).toBe(false);
    expect(isMainCheckout('dir', ['/b'], '/a')).toBe(false);
    expect(isMainCheckout('dir', ['/a', '/b'], '/a')).toBe(false);
  });
});

const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1538 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 20 4 30 10 -1
   2: 00000000:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 7777 1 0000000000000000 100 0 0 10 0
`;

describe('who holds a port', () => {
  it('finds listening sockets of a port in /proc/net/tcp', () => {
    expect(listeningInodes(tcp, 5432)).toEqual(['4242']);
    expect(listeningInodes(tcp, 6379)).toEqual(['7777']);
    expect(listeningInodes(tcp, 80)).toEqual([]);
  });

  it('maps the socket inode to a process through /proc/<pid>/fd', () => {
    const fs: ProcFs = {
      read: (p) => ({ '/proc/net/tcp': tcp, '/proc/812/cmdline': '/usr/lib/postgresql/15/bin/postgres\0-D\0/x\0' })[p],
      list: (p) => ({ '/proc': ['1', '812', 'self'], '/proc/1/fd': ['0'], '/proc/812/fd': ['3', '4'] })[p] ?? [],
      link: (p) => ({ '/proc/1/fd/0': '/dev/null', '/proc/812/fd/3': 'pipe:[1]', '/proc/812/fd/4': 'socket:[4242]' })[p],
    };
    expect(portHolder(5432, fs)).toBe('postgres (pid 812)');
    expect(portHolder(6379, fs)).toBeUndefined();
    expect(portHolder(80, fs)).toBeUndefined();
  });
});
