// Bundles what starts as a process, with esbuild, so a command pays for one file, not ~550:
// - dist/bundle/tldr.cjs: the CLI layer (commander and the command files) — all `--help` loads;
// - dist/bundle/lib.cjs: the library (src/index.ts), which a command's action imports lazily.
//   CommonJS so that dist/bundle/code-cache.cjs can give both V8's code cache: compiling tldr + zod
//   + yaml on every start was ~90 ms of a ~230 ms `tldr config validate`.
// - dist/bundle/early.cjs: src/process/early-start.ts alone, which bin/tldr.js runs first;
// - dist/bundle/agent.cjs: the MCP server and its SDK, which only `tldr mcp` loads;
// - dist/bundle/supervise-main.cjs: the detached dev-loop supervisor, started by dist/bundle/supervise.cjs.
// dockerode and pg stay external: they load lazily, on the paths that need them.
// It also writes dist/cli-model.json: the CLI's commands and flags, computed from the command
// definitions, so the CLI builds --help and parses flags without loading them (or zod).
import { build } from 'esbuild';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';

const lib = await import('../dist/index.js');
const { cliModel } = await import('../dist/cli/model.js');
writeFileSync('dist/cli-model.json', `${JSON.stringify(cliModel(lib.commandDefinitions, lib.commandGroups, lib.inputJsonSchema))}\n`);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['dockerode', 'pg', 'cpu-features', 'ssh2'],
  logLevel: 'warning',
  sourcemap: 'linked',
};

// zod ships ~40 translations of its messages (~390 KB, a fifth of the library bundle, read and
// deserialised on every start); tldr's messages are English: only zod's `en` is bundled.
const englishZod = {
  name: 'english-zod',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'english-zod', pluginData: args.resolveDir } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'english-zod' }, (args) => ({
      contents: "export { default as en } from './en.js';\n",
      resolveDir: `${args.pluginData}/../locales`,
    }));
  },
};

rmSync('dist/bundle', { recursive: true, force: true });
const commonjs = {
  ...common,
  plugins: [englishZod],
  format: 'cjs',
  // import() becomes require(): a vm.Script has no ESM loader on older Node 20s.
  supported: { 'dynamic-import': false },
  // The bundles sit at the same depth as dist/cli/, so import.meta.url-relative paths still resolve.
  define: { 'import.meta.url': '__tldrModuleUrl' },
  // Whitespace and syntax only (names stay: errors report `new.target.name`): the library bundle
  // goes from 1.7 to 1.2 MB, which Node reads and V8 checks against its code cache on every start
  // (~15 ms of `require('lib.cjs')` here, 135 → 121 ms with Node's own start).
  minifyWhitespace: true,
  minifySyntax: true,
  banner: { js: "const __tldrModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
// The CLI's lazy import('../index.js') stays a separate file: --help must not load zod or yaml.
const libraryAsSibling = {
  name: 'library-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './lib.cjs', external: true }));
  },
};
// The MCP server (and the SDK) is its own file too: only `tldr mcp` loads it.
const agentAsSibling = {
  name: 'agent-as-sibling',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/agent\/serve\.js$/ }, () => ({ path: './agent.cjs', external: true }));
  },
};
await build({ ...commonjs, entryPoints: ['dist/cli/main.js'], outfile: 'dist/bundle/tldr.cjs', plugins: [englishZod, libraryAsSibling, agentAsSibling] });
await build({ ...commonjs, entryPoints: ['dist/agent/serve.js'], outfile: 'dist/bundle/agent.cjs', plugins: [englishZod, libraryAsSibling] });
await build({ ...commonjs, entryPoints: ['dist/index.js'], outfile: 'dist/bundle/lib.cjs' });
// The cold path's earliest head start, which bin/tldr.js runs before the CLI loads: builtins only.
await build({ ...commonjs, entryPoints: ['dist/process/early-start.js'], outfile: 'dist/bundle/early.cjs' });
// The supervisor reaches the library (for `--down` only) through the same lazy sibling.
await build({ ...commonjs, entryPoints: ['dist/supervisor/main.js'], outfile: 'dist/bundle/supervise-main.cjs', plugins: [englishZod, libraryAsSibling] });
writeFileSync('dist/bundle/package.json', '{ "type": "module" }\n');
copyFileSync('scripts/code-cache.cjs', 'dist/bundle/code-cache.cjs');
copyFileSync('scripts/supervise.cjs', 'dist/bundle/supervise.cjs');
copyFileSync('scripts/polyfills.cjs', 'dist/bundle/polyfills.cjs');
