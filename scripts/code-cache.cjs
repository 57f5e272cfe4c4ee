// Gives the CommonJS bundles in this folder V8's code cache (what v8-compile-cache does for
// require): the functions a command runs are not compiled again on every start. Each bundle's
// cache sits next to it. A missing or rejected cache (another Node version, a new build) is
// written after the command ran, so it holds what that command compiled lazily too; each other
// kind of command line (`trainingKey`) adds what it compiled, once, so the cache ends up holding
// every path that ran rather than only the first command's. Any failure just means no cache.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const here = __dirname + path.sep;
// A cache is written again for at most this many kinds of command line (then it stays as it is).
const MAX_KEYS = 64;
const loaded = [];
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
  loaded.push({ script, cacheFile, fresh: cachedData === undefined || script.cachedDataRejected === true });
  const require = Module.createRequire(filename);
  return script.runInThisContext().call(this.exports, this.exports, require, this, filename, path.dirname(filename));
};

/**
 * The kind of a command line, for the cache: its command words (`test`, `config validate`), the
 * output mode, and whether the project runs a warm server (the warm and cold paths compile
 * different code). Labels, values and other flags do not count.
 */
function trainingKey(args, warm) {
  const words = args.filter((a) => !a.startsWith('-'));
  // The command groups of src/commands/registry.ts (commandGroups): one more word names the command.
  const command = ['config', 'warm'].includes(words[0]) ? words.slice(0, 2) : words.slice(0, 1);
  return [...command, args.includes('--json') ? 'json' : 'human', warm ? 'warm' : 'cold'].join(' ');
}

function readKeys(file) {
  try {
    const keys = JSON.parse(fs.readFileSync(file, 'utf8'));
    return Array.isArray(keys) ? keys : [];
  } catch {
    return [];
  }
}

function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/**
 * Writes the caches that were missing or rejected, and those this kind of command line (`key`,
 * from `trainingKey`) has not added to yet; call once the command has run.
 */
function saveCaches(key) {
  for (const { script, cacheFile, fresh } of loaded.splice(0)) {
    try {
      const keysFile = `${cacheFile}.keys`;
      const keys = fresh ? [] : readKeys(keysFile);
      if (!fresh && (key === undefined || keys.includes(key) || keys.length >= MAX_KEYS)) continue;
      writeAtomically(cacheFile, script.createCachedData());
      writeAtomically(keysFile, `${JSON.stringify(key === undefined ? keys : [...keys, key])}\n`);
    } catch {
      // read-only install: run without a cache
    }
  }
}

module.exports = { saveCaches, trainingKey };
