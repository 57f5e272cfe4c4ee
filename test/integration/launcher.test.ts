import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extraCaLoaded } from '../../src/process/extra-ca.js';
import { binPath } from '../helpers/cli.js';
import { tempDir } from '../helpers/fixtures.js';

// bin/tldr.js starts as a shell script that keeps NODE_EXTRA_CA_CERTS from Node's own start (Node
// 20 parses the file before any JavaScript runs); Node reports a file it cannot read at that
// start, so a missing file shows whether the start read it.
describe('the launcher', () => {
  it('keeps NODE_EXTRA_CA_CERTS from its own start and gives it back to the environment', async () => {
    using dir = tempDir();
    dir.write(
      'tldr.config.yaml',
      'version: 1\nservices: { provider: external, postgres: { url: "postgres://u:p@127.0.0.1:1/db" }, redis: { url: "redis://127.0.0.1:1/0" } }\n',
    );
    const env = { NO_COLOR: '1', NODE_EXTRA_CA_CERTS: join(dir.path, 'no-such-ca.pem'), TLDR_NODE_EXTRA_CA_CERTS: undefined };
    const asTyped = await execa(binPath, ['env', '--all', '--json'], { cwd: dir.path, env, reject: false });
    expect(asTyped.exitCode, asTyped.stderr).toBe(0);
    expect(asTyped.stderr).not.toContain('Ignoring extra certs');
    const seen = (JSON.parse(asTyped.stdout.trim().split('\n').pop()!) as { data: { env: Record<string, string> } }).data.env;
    expect(seen.NODE_EXTRA_CA_CERTS).toBe(env.NODE_EXTRA_CA_CERTS); // what every child gets
    expect(seen.TLDR_NODE_EXTRA_CA_CERTS).toBeUndefined();

    const throughNode = await execa(process.execPath, [binPath, '--version'], { env, reject: false });
    expect(throughNode.exitCode).toBe(0);
    expect(throughNode.stderr).toContain('Ignoring extra certs'); // `node bin/tldr.js`: Node's own start, as usual
  });

  it('the detached supervisor starts without parsing NODE_EXTRA_CA_CERTS too, and puts it back', async () => {
    using dir = tempDir();
    const missing = join(dir.path, 'no-such-ca.pem');
    dir.write(
      'report.cjs',
      "process.on('exit', () => process.stderr.write(`restored=${process.env.NODE_EXTRA_CA_CERTS} moved=${process.env.TLDR_NODE_EXTRA_CA_CERTS}\\n`));\n",
    );
    // How src/commands/dev/detach.ts starts it; with no plan on stdin it exits at once.
    const supervisor = join(binPath, '../../dist/bundle/supervise.cjs');
    const run = await execa(process.execPath, ['--require', join(dir.path, 'report.cjs'), supervisor], {
      env: { TLDR_NODE_EXTRA_CA_CERTS: missing, NODE_EXTRA_CA_CERTS: undefined },
      input: '',
      reject: false,
    });
    expect(run.stderr).not.toContain('Ignoring extra certs');
    expect(run.stderr).toContain(`restored=${missing} moved=undefined`);
  });

  it("gives tldr's own TLS connections the kept certificates on first use", async () => {
    using dir = tempDir();
    const openssl = (...args: string[]) => execa('openssl', args, { cwd: dir.path });
    await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tldr test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
    await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr');
    dir.write('ext.cnf', 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    await openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'ext.cnf',
      '-out',
      'server.pem',
    );
    const server = createServer({ key: readFileSync(join(dir.path, 'server.key')), cert: readFileSync(join(dir.path, 'server.pem')) }, (_req, res) =>
      res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fetchOnce = () =>
      new Promise<string>((resolve, reject) => {
        get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += String(c)));
          res.on('end', () => resolve(body));
        }).on('error', reject);
      });
    try {
      await expect(fetchOnce()).rejects.toThrow(/self[- ]signed|unable to (get|verify)/i);
      (globalThis as Record<symbol, unknown>)[Symbol.for('tldr.deferredExtraCa')] = join(dir.path, 'ca.pem');
      await extraCaLoaded();
      expect(await fetchOnce()).toBe('ok');
    } finally {
      server.close();
    }
  });
});
