import { readFileSync } from 'node:fs';
import type * as Tls from 'node:tls';

// Set by bin/tldr.js when its launcher kept NODE_EXTRA_CA_CERTS from this process's start.
const DEFERRED = Symbol.for('tldr.deferredExtraCa');

let loading: Promise<void> | undefined;

/**
 * Gives tldr's own TLS connections the certificates of NODE_EXTRA_CA_CERTS when bin/tldr.js kept
 * them from Node's start (Node 20 parses that file before any JavaScript runs: ~60 ms of every
 * call). Call it before a connection that may use TLS (Postgres with sslmode, a Docker Engine over
 * TLS): from then on, a TLS context made without its own `ca` trusts Node's roots plus those
 * certificates — what Node would have done at its start. A no-op when Node loaded them itself.
 */
export function extraCaLoaded(): Promise<void> {
  return (loading ??= load());
}

async function load(): Promise<void> {
  const global = globalThis as { [DEFERRED]?: string };
  const file = global[DEFERRED];
  if (!file) return;
  delete global[DEFERRED];
  const tls = await import('node:tls');
  const module = ((tls as { default?: typeof Tls }).default ?? tls) as typeof Tls;
  let extra: string;
  try {
    extra = readFileSync(file, 'utf8');
  } catch (error) {
    // Node's own behaviour for an unreadable file: a warning, and the roots alone.
    process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(error as Error).message}`);
    return;
  }
  const ca = [...module.rootCertificates, extra];
  const original = module.createSecureContext;
  module.createSecureContext = (options?: Tls.SecureContextOptions) => original(options?.ca === undefined ? { ...options, ca } : options);
}
