// Bundles the CLI (dist/cli/main.js and what it lazily imports) into dist/bundle/ with esbuild.
// Why: Node's ESM loader pays per file, and tldr + zod are ~550 small modules; one bundle with
// split chunks starts a command ~200 ms sooner, keeping `--help` light (its chunk has no zod).
// dockerode and pg stay external: they load lazily, and only on the paths that need them.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

rmSync('dist/bundle', { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/cli/main.js', 'supervise-main': 'dist/pipelines/supervise-main.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external: ['dockerode', 'pg', 'cpu-features', 'ssh2'],
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: { js: "import { createRequire as __tldrRequire } from 'node:module'; const require = __tldrRequire(import.meta.url);" },
  logLevel: 'warning',
});
writeFileSync('dist/bundle/package.json', '{ "type": "module" }\n');
