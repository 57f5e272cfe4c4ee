// Entry of the detached dev-loop supervisor (`tldr dev --detach` runs `node dist/bundle/supervise.cjs`):
// the bundled supervisor with V8's code cache, saved once start-up code has compiled.
'use strict';
require('./polyfills.cjs');
const { saveCaches } = require('./code-cache.cjs');
require('./supervise-main.cjs');
setTimeout(saveCaches, 2000).unref();
