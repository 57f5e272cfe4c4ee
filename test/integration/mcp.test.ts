import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendProject, type BackendProject } from '../helpers/backend.js';
import { repoRoot } from '../helpers/cli.js';
import { connectMcp, pidAlive, toolCommands, waitForExit, type McpSession } from '../helpers/mcp.js';

// One project for the file: a copy of example/backend (a migration and a slow test are added to
// it), docker services on free ports, one dev process. One MCP server (the built CLI, spawned by
// the SDK's client over stdio) serves the whole scenario, as it would serve an agent's session.
let project: BackendProject;
let mcp: McpSession;
let marker: string;

// Many short tests: a cancelled run stops after the running one (the runner's Ctrl-C rule), at once.
const slowTest = `import os, time
from django.test import TestCase


class SlowTests(TestCase):
    pass


def _step(self):
    with open(os.environ["TLDR_MCP_PID_FILE"], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(0.2)


for i in range(600):
    setattr(SlowTests, "test_step_%03d" % i, _step)
`;

const probeMigration = `from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]
    operations = [migrations.RunSQL("CREATE TABLE mcp_probe (id integer)", "DROP TABLE mcp_probe")]
`;

const ticker = `import sys, time
print("ticker ready", flush=True)
n = 0
while True:
    n += 1
    print(("ERROR tick %d" if n % 5 == 0 else "tick %d") % n, flush=True)
    time.sleep(0.1)
`;

beforeAll(async () => {
  project = await backendProject({
    copyBackend: true,
    extraYaml: 'processes:\n  web: { run: "python -u ticker.py", ready: { log: "ticker ready", timeout: 60 } }\n',
  });
  project.dir.write('backend/documents/tests_mcp_slow.py', slowTest);
  project.dir.write('backend/documents/migrations/0002_mcp_probe.py', probeMigration);
  project.dir.write('backend/ticker.py', ticker);
  marker = join(project.dir.path, 'pwned');
  mcp = await connectMcp({ cwd: project.dir.path, env: { TLDR_MCP_PID_FILE: join(project.dir.path, 'slow.pid') } });
}, 120_000);

afterAll(async () => {
  await mcp?.[Symbol.asyncDispose]();
  await project?.cli(['stop']);
  await project?.[Symbol.asyncDispose]();
}, 120_000);

const expectedAnnotations: Record<string, { readOnlyHint: boolean; destructiveHint: boolean; idempotentHint: boolean }> = {
  status: { readOnlyHint: true, destructiveHint: false, idempotentHint: false },
  up: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  migrate_check: { readOnlyHint: true, destructiveHint: false, idempotentHint: false },
  makemigrations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  // Forward only, but a forward migration may still drop a column: what it says is what it does.
  migrate: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
  test: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  dev_start: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  dev_status: { readOnlyHint: true, destructiveHint: false, idempotentHint: false },
  dev_stop: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
  logs: { readOnlyHint: true, destructiveHint: false, idempotentHint: false },
  run_pipeline: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
};

describe('tldr mcp with the SDK client over stdio (example backend, real Docker services)', () => {
  it('lists every tool of agent.tools with its input and output schema (from the definitions) and annotations', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(Object.keys(toolCommands));
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.inputSchema.additionalProperties, tool.name).toBe(false);
      expect(tool.annotations, tool.name).toEqual({ ...expectedAnnotations[tool.name], openWorldHint: false });
      // outputSchema = the result envelope; its data is the exported schema/results/<command>.schema.json
      const exported = JSON.parse(readFileSync(join(repoRoot, `schema/results/${toolCommands[tool.name]}.schema.json`), 'utf8'));
      const { $schema: _s, title: _t, $defs, ...data } = exported;
      expect(tool.outputSchema?.required, tool.name).toEqual(['v', 'type', 'ts', 'ok', 'exitCode', 'summary', 'data']);
      expect((tool.outputSchema?.properties as Record<string, unknown>).data, tool.name).toEqual(data);
      expect((tool.outputSchema as Record<string, unknown>).$defs, tool.name).toEqual($defs);
    }
    const input = (name: string) => Object.keys((tools.find((t) => t.name === name)!.inputSchema.properties ?? {}) as object);
    expect(input('logs')).toEqual(['name', 'tail', 'since', 'grep']); // no follow
    expect(input('dev_start')).toEqual(['only']); // always detached
    expect(input('test')).not.toContain('junit'); // writes no file where an agent says
  });

  it('status, up (idempotent), migrate_check, migrate forward, makemigrations: results as the CLI gives them', async () => {
    const status = await mcp.call('status');
    expect(status.structuredContent).toMatchObject({ ok: true, exitCode: 0 });
    const progress: unknown[] = [];
    const up = await mcp.call('up', {}, { onprogress: (p) => progress.push(p) });
    expect(up.structuredContent).toMatchObject({ ok: true, exitCode: 0 });
    expect(progress.length).toBeGreaterThan(0);
    expect((await mcp.call('up')).structuredContent?.exitCode).toBe(0);
    // the password never reaches a result
    expect(JSON.stringify(up)).not.toContain('s3cret-pass');
    const check = await mcp.call('migrate_check', { reversibility: false });
    expect([0, 1]).toContain(check.structuredContent?.exitCode);
    expect(check.isError).toBeFalsy();
    const migrate = await mcp.call('migrate');
    expect(migrate.structuredContent, JSON.stringify(migrate)).toMatchObject({ ok: true, exitCode: 0 });
    const make = await mcp.call('makemigrations', { apps: ['documents'] });
    expect(make.structuredContent).toMatchObject({ exitCode: 0 });
    expect(readdirSync(join(project.backendDir, 'documents/migrations')).filter((f) => f.endsWith('.py'))).toEqual([
      '0001_initial.py',
      '0002_mcp_probe.py',
      '__init__.py',
    ]);
  }, 240_000);

  it('migrate to an earlier migration is refused with a tool error, and the schema is unchanged', async () => {
    const db = await project.db();
    try {
      const rows = async () => (await db.query("SELECT name FROM django_migrations WHERE app = 'documents' ORDER BY name")).rows.map((r) => r.name);
      expect(await rows()).toEqual(['0001_initial', '0002_mcp_probe']);
      for (const migration of ['0001', '0001_initial', 'zero']) {
        const refused = await mcp.call('migrate', { app: 'documents', migration });
        expect(refused.isError, migration).toBe(true);
        expect(refused.structuredContent).toMatchObject({
          ok: false,
          exitCode: 2,
          error: { code: 'migrate-backwards-refused', hint: expect.stringMatching(/terminal/) },
        });
        expect(refused.content[0]?.text).toMatch(/^migrate-backwards-refused \(exit 2\): .*would unapply.*\nhint: /s);
      }
      expect(await rows()).toEqual(['0001_initial', '0002_mcp_probe']);
      expect((await db.query("SELECT to_regclass('mcp_probe') AS t")).rows[0].t).toBe('mcp_probe');
      // forward to where it already is: allowed
      expect((await mcp.call('migrate', { app: 'documents', migration: '0002' })).structuredContent?.exitCode).toBe(0);
    } finally {
      await db.end();
    }
  }, 120_000);

  it('a failing test run is a normal result with exit code 1, progress tests done of total, a few KB', async () => {
    const progress: Array<{ progress: number; total?: number }> = [];
    const run = await mcp.call('test', { labels: ['sample_tests'] }, { onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true });
    expect(run.isError).toBeFalsy();
    expect(run.structuredContent).toMatchObject({ ok: false, exitCode: 1, data: { counts: { total: 6, failed: 1, errors: 1 } } });
    const failures = (run.structuredContent!.data as { failures: Array<{ id: string }> }).failures.map((f) => f.id);
    expect(failures).toEqual(expect.arrayContaining(['sample_tests.tests.OutcomeTests.test_deliberate_failure']));
    expect(JSON.stringify(run.structuredContent).length).toBeLessThan(8 * 1024);
    const last = progress.at(-1)!;
    expect(last.total).toBe(last.progress);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
  }, 240_000);

  it('arguments carrying shell syntax reach children as argv only: no file is created', async () => {
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['test', { labels: [`$(touch ${marker})`, `sample_tests; touch ${marker}`] }],
      ['makemigrations', { name: `x; touch ${marker}` }],
      ['logs', { name: `\`touch ${marker}\`` }],
      ['migrate', { app: `documents && touch ${marker}` }],
      ['run_pipeline', { name: `ci | touch ${marker}` }],
    ];
    for (const [tool, args] of attempts) {
      const result = await mcp.call(tool, args);
      expect(result.structuredContent?.ok, tool).toBe(false);
      expect(existsSync(marker), tool).toBe(false);
    }
    expect(readdirSync(project.dir.path).filter((f) => f.includes('pwned'))).toEqual([]);
  }, 240_000);

  it('cancelling a test call stops its processes; the server keeps serving', async () => {
    const pidFile = join(project.dir.path, 'slow.pid');
    const controller = new AbortController();
    const call = mcp.call('test', { labels: ['documents.tests_mcp_slow'] }, { signal: controller.signal }).catch((error: Error) => error);
    const deadline = Date.now() + 90_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pidAlive(pid)).toBe(true);
    controller.abort();
    expect(await call).toBeInstanceOf(Error);
    expect(await waitForExit(pid, 30_000), `test process ${pid} still running after the call was cancelled`).toBe(true);
    expect((await mcp.call('status')).structuredContent?.exitCode).toBe(0);
  }, 180_000);

  it('dev_start → dev_status → logs (grep, since, resource) → dev_stop; the loop outlives the server; no process is left', async () => {
    const start = await mcp.call('dev_start');
    expect(start.structuredContent, JSON.stringify(start)).toMatchObject({ ok: true, exitCode: 0 });
    const supervisor = (start.structuredContent!.data as { supervisor: { pid: number } }).supervisor.pid;

    // The server exits; the detached dev loop keeps running and the next server talks to it.
    const serverPid = mcp.pid;
    await mcp[Symbol.asyncDispose]();
    expect(pidAlive(serverPid)).toBe(false);
    expect(pidAlive(supervisor)).toBe(true);
    mcp = await connectMcp({ cwd: project.dir.path, era: 'legacy' });

    const status = await mcp.call('dev_status');
    const state = status.structuredContent!.data as { running: boolean; processes: Array<{ name: string; pid: number; state: string }> };
    expect(state.running).toBe(true);
    const web = state.processes.find((p) => p.name === 'web')!;
    expect(web.state).toBe('ready');

    await new Promise((r) => setTimeout(r, 1500));
    const errors = await mcp.call('logs', { name: 'web', grep: 'error', tail: 5 });
    const first = errors.structuredContent!.data as { text: string[]; offset: number; lines: number };
    expect(first.text.length).toBeGreaterThan(0);
    expect(first.text.length).toBeLessThanOrEqual(5);
    for (const line of first.text) expect(line).toMatch(/^ERROR tick \d+$/);
    await new Promise((r) => setTimeout(r, 600));
    const newer = (await mcp.call('logs', { name: 'web', since: first.offset, tail: 1000 })).structuredContent!.data as { text: string[]; offset: number };
    expect(newer.text.length).toBeGreaterThan(0);
    expect(newer.text).not.toContain('ticker ready');
    expect(newer.offset).toBeGreaterThan(first.offset);
    const badGrep = await mcp.call('logs', { name: 'web', grep: '(' });
    expect(badGrep.structuredContent).toMatchObject({ exitCode: 2, error: { code: 'usage' } });

    const resource = await mcp.client.readResource({ uri: 'tldr://logs/web' });
    expect((resource.contents[0] as { text: string }).text).toMatch(/tick \d+/);

    const stop = await mcp.call('dev_stop');
    expect(stop.structuredContent).toMatchObject({ ok: true, data: { stopped: true } });
    expect(await waitForExit(web.pid, 20_000)).toBe(true);
    expect(await waitForExit(supervisor, 20_000)).toBe(true);
    expect((await mcp.call('dev_status')).structuredContent?.data).toMatchObject({ running: false });
  }, 240_000);

  it('run_pipeline shows a plan (dry run) and diagnostics went to .tldr/logs/mcp.log, never to stdout', async () => {
    const plan = await mcp.call('run_pipeline', { name: 'ci', dryRun: true });
    expect(plan.structuredContent).toMatchObject({ ok: true, data: { pipeline: 'ci' } });
    const log = readFileSync(join(project.dir.path, '.tldr/logs/mcp.log'), 'utf8');
    expect(log).toMatch(/serving 11 tool\(s\)/);
    expect(log).toMatch(/run_pipeline: exit 0/);
    expect(log).not.toContain('s3cret-pass');
  });
});
