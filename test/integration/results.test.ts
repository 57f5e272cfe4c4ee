import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../src/commands/registry.js';
import { backendProject, type BackendProject } from '../helpers/backend.js';
import { checkedDefinitions } from '../helpers/result-schema.js';

// Every command, run for real with --json: runCli checks each result's data against the command's
// result schema (nothing missing, nothing undescribed). The other integration tests check the
// same on every --json run of theirs; this file makes sure no command is left out.
let project: BackendProject;

beforeAll(async () => {
  project = await backendProject({
    extraYaml: ['processes:', '  web: { run: "python -m http.server 0", enabled: false }', 'pipelines:', '  check: [manage, { run: "python -V" }]', ''].join(
      '\n',
    ),
  });
});
afterAll(async () => {
  await project?.cli(['stop']);
  await project?.[Symbol.asyncDispose]();
});

// Internal (plan on stdin), or checked elsewhere (ci: test/integration/ci.test.ts validates its --json results): not run here.
const noData = new Set(['ci', 'supervise']);

describe('every command’s --json result data matches its result schema', () => {
  it('runs each command once', async () => {
    const runs: Array<[string[], number]> = [
      [['config', 'validate'], 0],
      [['config', 'print'], 0],
      [['config', 'schema', '--events'], 0],
      [['doctor'], 0],
      [['mcp', '--print-config'], 0],
      [['up'], 0],
      [['status'], 0],
      [['env'], 0],
      [['psql', '-c', 'select 1'], 0],
      [['redis-cli', 'ping'], 0],
      [['migrate'], 0],
      [['makemigrations', 'sample_tests'], 0],
      [['migrate', '--check', '--no-reversibility'], 0],
      [['manage', 'check'], 0],
      [['python', '-c', 'pass'], 0],
      // celery's usage error (exit 2) ends the worker at once; its exit code passes through with the data.
      [['worker', '--no-such-celery-flag'], 2],
      [['test', 'sample_tests.tests.NoteModelTests'], 0],
      [['warm', 'start'], 0],
      [['warm', 'status'], 0],
      [['manage', 'check'], 0],
      [['warm', 'stop'], 0],
      [['run', 'check'], 0],
      [['dev', '--detach', '--only', 'web'], 0],
      [['ps'], 0],
      [['logs', 'web', '--tail', '5'], 0],
      [['logs', 'postgres', '--tail', '1'], 0],
      [['stop'], 0],
      [['down'], 0],
    ];
    for (const [args, code] of runs) {
      const run = await project.cli(['--json', ...args]);
      expect(run.exitCode, `${args.join(' ')}: ${run.result?.summary ?? run.stderr}`).toBe(code);
      expect(run.result?.data, args.join(' ')).toBeDefined();
    }
    const expected = commandDefinitions.map((d) => d.name).filter((name) => !noData.has(name));
    expect([...checkedDefinitions].sort()).toEqual(expected.sort());
  });
});
