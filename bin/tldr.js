#!/bin/sh
':' //; [ -z "${NODE_EXTRA_CA_CERTS:-}" ] || { TLDR_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export TLDR_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"
// The line above is sh (this file starts as a shell script, then runs itself with node) and a
// JavaScript comment. It keeps NODE_EXTRA_CA_CERTS from tldr's own start: Node 20 reads and parses
// that file before any JavaScript runs (~60 ms of every call where it is set, ~2/3 of Node's
// start). Children get it back unchanged; tldr's own TLS connections load it on first use
// (src/process/extra-ca.ts). Started as `node bin/tldr.js`, Node loads it as usual.
const movedCa = process.env.TLDR_NODE_EXTRA_CA_CERTS;
if (movedCa !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = movedCa;
  delete process.env.TLDR_NODE_EXTRA_CA_CERTS;
  globalThis[Symbol.for('tldr.deferredExtraCa')] = movedCa;
}
// This file is CommonJS (bin/package.json): Node starts a CommonJS entry ~3 ms sooner than an ES
// module one, whose loader it would set up first. The bundles it loads are CommonJS too.
// `tldr --version` is answered before any module loads: scripts and agents call it to probe for tldr.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(require('node:fs').readFileSync(`${__dirname}/../package.json`, 'utf8')).version}\n`);
} else {
  require('../dist/bundle/polyfills.cjs');
  // A command line that ran with a head start before spawns it again now, while tldr loads.
  require('../dist/bundle/early.cjs').startEarly(args);
  const { saveCaches, trainingKey } = require('../dist/bundle/code-cache.cjs');
  const warm = globalThis[Symbol.for('tldr.earlyStart')]?.warm === true;
  const { main } = require('../dist/bundle/tldr.cjs');
  main(args).then((code) => {
    process.exitCode = code;
    saveCaches(trainingKey(args, warm));
  });
}
