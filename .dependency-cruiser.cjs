/**
 * The layer rules of DESIGN.md, checked in `npm test`:
 * cli/, agent/ → src/index.ts → pipelines/ → checks/, supervisor/, backend/, services/ → readiness/, process/ → config/, output/, errors.ts
 */
const lowest = ['config', 'output'];
// process/: spawning, signals, process groups and identity; readiness/: the probes. readiness/ may use process/.
const low = ['readiness', 'process'];
const middle = ['checks', 'supervisor', 'backend', 'services'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, dependencyTypesNot: ['type-only'] } },
    {
      name: 'cli-agent-use-the-public-api',
      comment: 'the CLI and the MCP server call exactly what a library user calls: src/index.ts',
      severity: 'error',
      from: { path: '^src/(cli|agent)/' },
      to: { path: '^src/', pathNot: ['^src/index\\.ts$', '^src/(cli|agent)/'] },
    },
    {
      name: 'index-only-re-exports-downward',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/(cli|agent)/' },
    },
    {
      name: 'pipelines-import-downward',
      severity: 'error',
      from: { path: '^src/pipelines/' },
      to: { path: ['^src/(cli|agent)/', '^src/index\\.ts$'] },
    },
    {
      name: 'middle-layers-import-downward',
      comment: 'checks/, supervisor/, backend/, services/ use config/, output/, errors.ts — not each other, not pipelines/',
      severity: 'error',
      from: { path: `^src/(${middle.join('|')})/` },
      to: { path: `^src/(cli|agent|pipelines|${middle.join('|')})/|^src/index\\.ts$`, pathNot: '^src/$1/' },
    },
    {
      name: 'low-layers-import-downward',
      comment: 'readiness/ and process/ use config/, output/, errors.ts (and readiness/ uses process/)',
      severity: 'error',
      from: { path: `^src/(${low.join('|')})/` },
      to: { path: `^src/(cli|agent|pipelines|${middle.join('|')})/|^src/index\\.ts$` },
    },
    { name: 'process-below-readiness', severity: 'error', from: { path: '^src/process/' }, to: { path: '^src/readiness/' } },
    {
      name: 'lowest-layers-import-nothing-above',
      severity: 'error',
      from: { path: `^src/(${lowest.join('|')})/|^src/errors\\.ts$` },
      to: { path: `^src/(cli|agent|pipelines|${middle.join('|')}|${low.join('|')})/|^src/index\\.ts$` },
    },
    { name: 'only-services-import-dockerode', severity: 'error', from: { pathNot: '^src/services/' }, to: { path: 'node_modules/(dockerode|docker-modem)/' } },
    { name: 'only-process-spawns', severity: 'error', from: { pathNot: '^src/process/' }, to: { path: ['node_modules/execa/', '^(node:)?child_process$'] } },
    { name: 'only-pipelines-output-import-listr2', severity: 'error', from: { pathNot: '^src/(pipelines|output)/' }, to: { path: 'node_modules/listr2/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '^(dist|test)/' },
  },
};
