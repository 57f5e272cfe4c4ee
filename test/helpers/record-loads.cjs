// node --require ./record-loads.cjs …: on exit, appends every CommonJS module loaded to $TLDR_LOAD_LOG.
const { appendFileSync } = require('node:fs');
const { pathToFileURL } = require('node:url');

process.on('exit', () => {
  const files = Object.keys(require.cache).map((file) => pathToFileURL(file).href);
  appendFileSync(process.env.TLDR_LOAD_LOG, `${files.join('\n')}\n`);
});
