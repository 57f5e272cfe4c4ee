// node --import ./record-loads.mjs …: appends every resolved module URL to $TLDR_LOAD_LOG.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TLDR_LOAD_LOG, result.url + '\\n');
  return result;
}`)}`,
);
