/**
 * The layer rules of DESIGN.md, checked in `npm run check`:
 * cli/, agent/ → src/index.ts → commands/ → pipeline/, checks/, supervisor/, backend/, services/
 *   → readiness/, process/ → config/, output/, errors.ts
 * Each rule was checked against a planted violation (README § Development).
 */
const lowest = ['config', 'output'];
// process/: spawning, signals, process groups and identity; readiness/: the probes. readiness/ may use process/.
const low = ['readiness', 'process'];
const middle = ['pipeline', 'checks', 'supervisor', 'backend', 'services'];
const entries = ['cli', 'agent'];
// The background supervisor's entry point is an entry point like the CLI: it may use the public API (for `--down`).
const supervisorEntry = '^src/supervisor/main\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // A definition's load() imports its handler lazily and the handler imports the definition's types: no cycle at run time.
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only', 'dynamic-import'] } } },
    {
      name: 'cli-agent-use-the-public-api',
      comment: 'the CLI and the MCP server call exactly what a library user calls: src/index.ts',
      severity: 'error',
      from: { path: `^src/(${entries.join('|')})/` },
      to: { path: '^src/', pathNot: ['^src/index\\.ts$', `^src/(${entries.join('|')})/`] },
    },
    {
      name: 'index-only-re-exports-downward',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: `^src/(${entries.join('|')})/|${supervisorEntry}` },
    },
    {
      name: 'commands-import-downward',
      comment: 'commands/ use the layers below; the public API (index.ts) sits above them',
      severity: 'error',
      from: { path: '^src/commands/' },
      to: { path: `^src/(${entries.join('|')})/|^src/index\\.ts$|${supervisorEntry}` },
    },
    {
      name: 'middle-layers-import-downward',
      comment: 'pipeline/, checks/, supervisor/, backend/, services/ use readiness/, process/, config/, output/, errors.ts — not each other, not commands/',
      severity: 'error',
      from: { path: `^src/(${middle.join('|')})/`, pathNot: supervisorEntry },
      to: { path: `^src/(${entries.join('|')}|commands|${middle.join('|')})/|^src/index\\.ts$`, pathNot: '^src/$1/' },
    },
    {
      name: 'supervisor-entry-uses-the-public-api',
      severity: 'error',
      from: { path: supervisorEntry },
      to: { path: `^src/(${entries.join('|')}|commands|${middle.filter((m) => m !== 'supervisor').join('|')})/` },
    },
    {
      name: 'low-layers-import-downward',
      comment: 'readiness/ and process/ use config/, output/, errors.ts (and readiness/ uses process/)',
      severity: 'error',
      from: { path: `^src/(${low.join('|')})/` },
      to: { path: `^src/(${entries.join('|')}|commands|${middle.join('|')})/|^src/index\\.ts$` },
    },
    { name: 'process-below-readiness', severity: 'error', from: { path: '^src/process/' }, to: { path: '^src/readiness/' } },
    {
      name: 'lowest-layers-import-nothing-above',
      severity: 'error',
      from: { path: `^src/(${lowest.join('|')})/|^src/errors\\.ts$` },
      to: { path: `^src/(${entries.join('|')}|commands|${middle.join('|')}|${low.join('|')})/|^src/index\\.ts$` },
    },
    {
      name: 'definitions-do-not-load-their-handlers',
      comment: 'a command definition imports zod and schemas only; its handler is a dynamic import in load() (--help, MCP listings stay cheap)',
      severity: 'error',
      from: { path: '^src/commands/[a-z-]*/?(definitions?|registry)\\.ts$' },
      to: {
        path: '^src/',
        pathNot: [
          '^src/commands/[a-z-]*/?(definitions?|schemas|same-type|once)\\.ts$',
          '^src/(checks/document|backend/django-args|services/provider|config/schema|errors)\\.ts$',
        ],
        dependencyTypesNot: ['dynamic-import', 'type-only'],
      },
    },
    { name: 'only-services-import-dockerode', severity: 'error', from: { pathNot: '^src/services/' }, to: { path: 'node_modules/(dockerode|docker-modem)/' } },
    { name: 'only-process-spawns', severity: 'error', from: { pathNot: '^src/process/' }, to: { path: ['node_modules/execa/', '^(node:)?child_process$'] } },
    { name: 'only-pipeline-output-import-listr2', severity: 'error', from: { pathNot: '^src/(pipeline|output)/' }, to: { path: 'node_modules/listr2/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '^(dist|test)/' },
  },
};
