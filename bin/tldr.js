#!/usr/bin/env node
// `tldr --version` is answered before any module loads: scripts and agents call it to probe for tldr.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  require('../dist/bundle/polyfills.cjs');
  const { saveCaches } = require('../dist/bundle/code-cache.cjs');
  const { main } = require('../dist/bundle/tldr.cjs');
  process.exitCode = await main(args);
  saveCaches();
}
