import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { processPorts, runserverAddress } from '../../src/pipelines/dev-ports.js';
import { answeringListeners, describeHolder, listenerOwner, parseListeners, procNetHex, type ListenerOwner, type ProcFs } from '../../src/process/proc-sockets.js';
import { ProbeTimeout } from '../../src/readiness/probe.js';
import { Probe } from '../../src/readiness/probes.js';

const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, state: string, inode: string) => `   0: ${local} 00000000:0000 ${state} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0 100 0 0 10 0\n`;
// 127.0.0.1:8000 by inode 100, 0.0.0.0:8000 by 200 (unreachable from 127.0.0.1: the exact one wins), *:5173 by 300, a connection on 8000
const tcp = header + row('0100007F:1F40', '0A', '100') + row('00000000:1F40', '0A', '200') + row('00000000:1435', '0A', '300') + row('0100007F:1F40', '01', '999');
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
    read: (p) => ({ '/proc/net/tcp': tcp, '/proc/net/tcp6': tcp6, '/proc/77/cmdline': '/usr/bin/python3\0-m\0http.server\0' } as Record<string, string>)[p],
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
    expect(listenerOwner('127.0.0.1', 8001, 10, () => [10], fs({ '10': ['100'], '77': ['500'] }))).toEqual({ kind: 'other', holder: 'python3 -m http.server (pid 77)' });
  });
  it('unknown when /proc lists no listener there (no /proc, NAT, another namespace)', () => {
    expect(listenerOwner('127.0.0.1', 9999, 10, () => [10], fs({}))).toEqual({ kind: 'unknown' });
  });
  it('shortens long command lines', () => {
    expect(describeHolder({ pid: 5, command: ['/bin/x', 'a'.repeat(200)] })).toMatch(/^x a{115}\.\.\. \(pid 5\)$/);
  });
});

describe('process ports', () => {
  it('reads runserver addresses the way Django does', () => {
    expect(runserverAddress(['manage', 'runserver'])).toEqual({ host: '127.0.0.1', port: 8000 });
    expect(runserverAddress(['manage', 'runserver', '9000', '--noreload'])).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(runserverAddress(['manage', 'runserver', '--settings', 'x.y', '0:8080'])).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(runserverAddress(['manage', 'runserver', '-6'])).toEqual({ host: '::1', port: 8000 });
    expect(runserverAddress(['manage', 'runserver', '[::1]:7000'])).toEqual({ host: '::1', port: 7000 });
    expect(runserverAddress(['manage', 'runserver', 'localhost:7001'])).toEqual({ host: 'localhost', port: 7001 });
    expect(runserverAddress(['celery', 'worker'])).toBeUndefined();
  });
  it('merges the run string and the ready check of one address; leaves other machines out', () => {
    expect(processPorts('web', { run: 'manage runserver 127.0.0.1:8000', ready: { http: 'http://127.0.0.1:8000/health/', timeout: 60 } })).toEqual([
      { process: 'web', host: '127.0.0.1', port: 8000, keys: ['processes.web.run', 'processes.web.ready.http'] },
    ]);
    expect(processPorts('ui', { run: 'npm run dev', ready: { tcp: 5173, timeout: 60 } })).toEqual([{ process: 'ui', host: '127.0.0.1', port: 5173, keys: ['processes.ui.ready.tcp'] }]);
    expect(processPorts('api', { run: 'npm start', ready: { http: 'https://example.com/', timeout: 60 } })).toEqual([]);
    expect(processPorts('s', { run: 'x', ready: { http: 'https://localhost/', timeout: 60 } })).toEqual([{ process: 's', host: 'localhost', port: 443, keys: ['processes.s.ready.http'] }]);
  });
});

describe('readiness probe ownership (http, tcp)', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('an answer counts only when the answering socket is the probed process’s', async () => {
    server = createServer((_req, res) => res.end('hi'));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const seen: Array<[string, number]> = [];
    let owner: ListenerOwner = { kind: 'other', holder: 'nginx (pid 9)' };
    const probe = Probe.http(`http://127.0.0.1:${port}/`, { name: 'web', owner: (ip, p) => (seen.push([ip, p]), owner) });
    const notOurs = await probe.wait({ timeoutMs: 50 }).catch((e: unknown) => e);
    expect(notOurs).toBeInstanceOf(ProbeTimeout);
    expect(probe.observation).toBe(`127.0.0.1:${port} answered, but from nginx (pid 9), not from web`);
    expect((notOurs as ProbeTimeout).message).toContain(probe.observation);
    expect(seen[0]).toEqual(['127.0.0.1', port]);
    owner = { kind: 'ours' };
    await expect(probe.wait({ timeoutMs: 50 })).resolves.toMatchObject({ attempts: 1 });
    const tcp = Probe.tcp('127.0.0.1', port, { owner: () => ({ kind: 'unknown' }) });
    await expect(tcp.wait({ timeoutMs: 50 })).resolves.toMatchObject({ attempts: 1 });
    expect(tcp.description).toBe(`tcp 127.0.0.1:${port}`);
  });
});
