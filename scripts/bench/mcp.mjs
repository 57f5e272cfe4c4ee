// MCP figures (issue 10): a tool call's round trip (client call → result, the server already
// started and connected) against the CLI doing the same job, `tldr --json …`, both on the same
// throwaway project with services up. The MCP side saves the Node start, module load and config
// read a CLI run pays each time; `test` is dominated by Django either way.
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { benchConfig, bin, glueIn, removeBenchProject, tldrIn } from '../bench-lib.mjs';

export default async function (bench) {
  const name = `tldrbench-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tldr-bench-mcp-'));
  writeFileSync(join(dir, 'tldr.config.yaml'), [...benchConfig(name), ''].join('\n'));
  const cli = tldrIn(dir);
  const glue = glueIn(dir);
  const client = new Client({ name: 'tldr-bench', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  try {
    await glue('migrate');
    const env = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1' }).filter(([, v]) => v !== undefined));
    await client.connect(new StdioClientTransport({ command: bin, args: ['mcp'], cwd: dir, env, stderr: 'ignore' }));
    const call = async (tool, args) => {
      const result = await client.callTool({ name: tool, arguments: args }, { timeout: 600_000 });
      if (result.isError || result.structuredContent?.exitCode !== 0) throw new Error(`${tool}: ${result.content?.[0]?.text}`);
    };

    await bench.compare('MCP `status` round trip (server running) vs `tldr --json status`', {
      tldr: () => call('status', {}),
      bare: () => cli('--json', 'status'),
      runs: 15,
      warmup: 2,
      goal: '≤ 1× (no Node start per call)',
    });
    // What an agent's client pays once per session: spawn, handshake, tools/list (closing it is
    // untimed). The SDK client's default opening (`initialize`): pinned to 2026-07-28 it also starts
    // a sibling process of the server, which doubles this on two cores.
    let session;
    await bench.compare('`tldr mcp` start until tools/list answered (`initialize` opening) vs one `tldr --json status`', {
      tldr: async () => {
        session = new Client({ name: 'tldr-bench', version: '1.0.0' });
        await session.connect(new StdioClientTransport({ command: bin, args: ['mcp'], cwd: dir, env, stderr: 'ignore' }));
        await session.listTools();
      },
      bare: () => cli('--json', 'status'),
      after: async () => {
        await session?.close();
        session = undefined;
      },
      runs: 7,
      warmup: 1,
      goal: 'information',
    });
    await bench.compare('MCP `test` round trip vs `tldr --json test --keepdb documents`', {
      tldr: () => call('test', { labels: ['documents'], keepdb: true }),
      bare: () => cli('--json', 'test', '--keepdb', 'documents'),
      runs: 5,
      warmup: 1,
      goal: '≤ 1.05×',
    });
  } finally {
    await client.close().catch(() => undefined);
    await removeBenchProject(name);
    rmSync(dir, { recursive: true, force: true });
  }
}
