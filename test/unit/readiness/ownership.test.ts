import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ListenerOwner } from '../../../src/process/proc-sockets.js';
import { ProbeTimeout } from '../../../src/readiness/probe.js';
import { Probe } from '../../../src/readiness/probes.js';

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
    expect(seen[0]).toEqual(['127.0.0.1', port]);
    owner = { kind: 'ours' };
    await expect(probe.wait({ timeoutMs: 50 })).resolves.toMatchObject({ attempts: 1 });
    const tcp = Probe.tcp('127.0.0.1', port, { owner: () => ({ kind: 'unknown' }) });
    await expect(tcp.wait({ timeoutMs: 50 })).resolves.toMatchObject({ attempts: 1 });
    expect(tcp.description).toBe(`tcp 127.0.0.1:${port}`);
  });
});
