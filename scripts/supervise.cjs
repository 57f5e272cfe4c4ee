// Entry of the detached dev-loop supervisor (`tldr dev --detach` runs `node dist/bundle/supervise.cjs`):
// the bundled supervisor with V8's code cache, saved once start-up code has compiled.
'use strict';
// As in bin/tldr.js: NODE_EXTRA_CA_CERTS came moved aside (src/commands/dev/detach.ts), so this
// Node did not parse the file at its start; the environment gets it back, TLS loads it on first use.
const movedCa = process.env.TLDR_NODE_EXTRA_CA_CERTS;
if (movedCa !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = movedCa;
  delete process.env.TLDR_NODE_EXTRA_CA_CERTS;
  globalThis[Symbol.for('tldr.deferredExtraCa')] = movedCa;
}
require('./polyfills.cjs');
// The Django processes the last detached loop ran start importing now, before the supervisor loads
// and long before its plan arrives (src/process/early-start.ts); the plan decides what is adopted.
require('./early.cjs').startDevEarly();
const { saveCaches } = require('./code-cache.cjs');
require('./supervise-main.cjs');
setTimeout(saveCaches, 2000).unref();
