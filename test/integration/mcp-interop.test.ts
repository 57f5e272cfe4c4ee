import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot, runCli } from '../helpers/cli.js';
import { requireDocker } from '../helpers/docker.js';
import { tempDir, uniqueName, type TempDir } from '../helpers/fixtures.js';
import { connectMcp, waitForExit } from '../helpers/mcp.js';

// The protocol side of `tldr mcp`, on a project whose services are never started: other clients
// (the official Python SDK, a bare `initialize`), agent.tools, a missing Docker daemon, stdout
// carrying protocol only, how the server ends.
let dir: TempDir;
const pythonSdk = join(repoRoot, '.venv-mcp/bin/python');

beforeAll(async () => {
  await requireDocker();
  dir = tempDir('tldr-mcp-');
  const name = uniqueName('tldrmcp');
  const base = [
    'version: 1',
    `name: ${name}`,
    'services:',
    '  provider: docker',
    '  postgres: { image: tldr-test/postgres:15, port: 0 }',
    '  redis: { image: tldr-test/redis:7, port: 0 }',
  ];
  dir.write('tldr.config.yaml', [...base, 'processes:', '  web: { run: "python -V" }'].join('\n'));
  dir.write('limited.yaml', [...base, 'agent: { tools: [status, logs] }'].join('\n'));
  if (!existsSync(pythonSdk)) await execa('bash', [join(repoRoot, 'scripts/setup-mcp-python.sh')]);
});

afterAll(() => dir?.[Symbol.dispose]());

function startServer() {
  const server = spawn(process.execPath, [binPath, 'mcp'], { cwd: dir.path, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  server.stdout.on('data', (c: Buffer) => (out += c));
  server.stderr.on('data', (c: Buffer) => (err += c));
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  return { server, exited, stdout: () => out, stderr: () => err };
}

describe('tldr mcp: clients, agent.tools, errors, stdout', () => {
  it('the official Python MCP SDK (2.x) lists the tools and calls them, modern and legacy (initialize) alike', async () => {
    for (const mode of ['auto', 'legacy']) {
      const run = await execa(pythonSdk, [join(repoRoot, 'test/python/mcp_interop.py'), mode, dir.path, process.execPath, binPath, 'mcp'], {
        reject: false,
        timeout: 60_000,
      });
      expect(run.exitCode, run.stderr).toBe(0);
      const seen = JSON.parse(run.stdout);
      expect(Object.keys(seen.tools)).toHaveLength(11);
      expect(seen.tools.status).toEqual({ readOnly: true, output: true });
      expect(seen.status.isError).toBe(false);
      expect(seen.status.structured).toMatchObject({ type: 'result', ok: true, exitCode: 0, data: { provider: 'docker' } });
      expect(seen.status.text[0]).toBe(seen.status.structured.summary);
      expect(seen.bad.isError).toBe(true);
      expect(seen.bad.text[0]).toMatch(/^usage \(exit 2\): logs: name: .*\nhint: /);
      expect(seen.resources).toEqual(['tldr://logs/web', 'tldr://logs/postgres', 'tldr://logs/redis']);
    }
  }, 120_000);

  it('only the tools in agent.tools are listed; calling another is a protocol error', async () => {
    await using mcp = await connectMcp({ cwd: dir.path, args: ['--config', 'limited.yaml'] });
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['status', 'logs']);
    for (const name of ['test', 'migrate', 'dev_start', 'down']) await expect(mcp.client.callTool({ name, arguments: {} }), name).rejects.toThrow(/not found/);
    expect((await mcp.call('status')).structuredContent?.exitCode).toBe(0);
  }, 60_000);

  it('no Docker daemon: an isError result with the tldr error code, exit code and hint', async () => {
    await using mcp = await connectMcp({ cwd: dir.path, env: { DOCKER_HOST: `unix://${dir.path}/no-docker.sock` } });
    const up = await mcp.call('up');
    expect(up.isError).toBe(true);
    expect(up.structuredContent).toMatchObject({ ok: false, exitCode: 3, error: { code: 'docker-unavailable', hint: expect.stringContaining('DOCKER_HOST') } });
    expect(up.content[0]?.text).toMatch(/^docker-unavailable \(exit 3\): no Docker daemon answered\nhint: /);
  }, 60_000);

  it('a bare `initialize` client gets protocol lines only on stdout; stdin closed → exit 0, SIGTERM → exit 130', async () => {
    const requests = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'status', arguments: {} } },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'logs', arguments: { name: 'web' } } },
    ];
    const started = startServer();
    for (const request of requests) started.server.stdin.write(`${JSON.stringify(request)}\n`);
    // A client keeps stdin open until it has its answers (calls in flight at EOF are cancelled).
    while (started.stdout().split('\n').filter(Boolean).length < 3) await new Promise((r) => setTimeout(r, 50));
    started.server.stdin.end();
    expect(await started.exited, started.stderr()).toBe(0);
    const out = started.stdout().split('\n').filter(Boolean);
    for (const line of out) expect(JSON.parse(line).jsonrpc).toBe('2.0');
    const byId = Object.fromEntries(out.map((l) => JSON.parse(l)).map((m) => [m.id, m]));
    expect(byId[1].result.serverInfo).toMatchObject({ name: 'tldr' });
    expect(byId[2].result.structuredContent).toMatchObject({ ok: true, exitCode: 0 });
    expect(byId[3].result.structuredContent).toMatchObject({ ok: true, data: { name: 'web', lines: 0, text: [] } });
    expect(started.stderr()).toMatch(/tldr mcp: serving 11 tool\(s\)/);

    const second = startServer();
    while (!second.stderr().includes('serving')) await new Promise((r) => setTimeout(r, 50));
    second.server.kill('SIGTERM');
    expect(await second.exited).toBe(130);
    expect(await waitForExit(second.server.pid!, 1000)).toBe(true);
  }, 90_000);

  it('tldr mcp --print-config prints the .mcp.json entry and how other clients take it', async () => {
    const human = await runCli(['mcp', '--print-config'], { cwd: dir.path });
    expect(human.exitCode, human.stderr).toBe(0);
    expect(JSON.parse(human.stdout)).toEqual({ mcpServers: { tldr: { type: 'stdio', command: binPath, args: ['mcp'] } } });
    expect(human.stderr).toMatch(/Claude Code: merge the entry into .*\.mcp\.json/);
    const json = await runCli(['--json', 'mcp', '--print-config'], { cwd: dir.path });
    expect(json.result).toMatchObject({ ok: true, data: { file: join(dir.path, '.mcp.json'), tools: expect.arrayContaining(['status', 'run_pipeline']) } });
  }, 60_000);
});
