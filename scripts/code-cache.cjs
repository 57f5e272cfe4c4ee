// Gives the CommonJS bundles in this folder V8's code cache (what v8-compile-cache does for
// require): the functions a command runs are not compiled again on every start. Each bundle's
// cache sits next to it; a missing or rejected cache (another Node version) is written after the
// command ran, so it also holds what was compiled lazily. Any failure just means no cache.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const here = __dirname + path.sep;
const stale = [];
const originalCompile = Module.prototype._compile;

Module.prototype._compile = function compileWithCache(content, filename) {
  if (!filename.startsWith(here) || !filename.endsWith('.cjs')) return originalCompile.call(this, content, filename);
  const cacheFile = `${filename}.v8-cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(content), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected === true) stale.push({ script, cacheFile });
  const require = Module.createRequire(filename);
  return script.runInThisContext().call(this.exports, this.exports, require, this, filename, path.dirname(filename));
};

/** Writes the caches that were missing or rejected; call once the command has run. */
function saveCaches() {
  for (const { script, cacheFile } of stale.splice(0)) {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // read-only install: run without a cache
    }
  }
}

module.exports = { saveCaches };
