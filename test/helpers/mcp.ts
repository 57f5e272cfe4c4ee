import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { expect } from 'vitest';
import { commandDefinition } from '../../src/commands/registry.js';
import { binPath } from './cli.js';

/** The definition each MCP tool is generated from. */
export const toolCommands: Record<string, string> = {
  status: 'status',
  up: 'up',
  migrate_check: 'migrate-check',
  makemigrations: 'makemigrations',
  migrate: 'migrate',
  test: 'test',
  dev_start: 'dev',
  dev_status: 'ps',
  dev_stop: 'stop',
  logs: 'logs',
  run_pipeline: 'run',
};

export interface McpSession extends AsyncDisposable {
  client: Client;
  /** The server's pid (the built CLI running `tldr mcp`). */
  pid: number;
  stderr(): string;
  /** Calls a tool; a normal result's structuredContent is checked against the command's result schema. */
  call(name: string, args?: Record<string, unknown>, options?: Parameters<Client['callTool']>[1]): Promise<ToolResult>;
}

export interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string }>;
  structuredContent?: { ok: boolean; exitCode: number; summary: string; data?: unknown; error?: { code: string; message: string; hint?: string } };
}

/**
 * The SDK's own client over stdio, spawning the built CLI as an agent's client would. `modern`
 * pins the 2026-07-28 revision; `legacy` opens with `initialize` (the SDK client's default).
 */
export async function connectMcp(options: { cwd: string; args?: string[]; env?: Record<string, string>; era?: 'modern' | 'legacy' }): Promise<McpSession> {
  const client = new Client({ name: 'tldr-tests', version: '1.0.0' }, options.era === 'legacy' ? {} : { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  const env = Object.fromEntries(Object.entries({ ...process.env, NO_COLOR: '1', ...options.env }).filter((e): e is [string, string] => e[1] !== undefined));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [binPath, ...(options.args ?? []), 'mcp'],
    cwd: options.cwd,
    env,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
  await client.connect(transport);
  const pid = transport.pid!;
  return {
    client,
    pid,
    stderr: () => stderr,
    async call(name, args = {}, callOptions) {
      const result = (await client.callTool({ name, arguments: args }, { timeout: 170_000, ...callOptions })) as ToolResult;
      if (!result.isError) checkStructured(name, result);
      return result;
    },
    async [Symbol.asyncDispose]() {
      await client.close().catch(() => undefined);
      await waitForExit(pid, 30_000);
    },
  };
}

/** structuredContent = the CLI's result object: data valid against (and fully described by) the exported result schema, the same JSON as text. */
export function checkStructured(tool: string, result: ToolResult): void {
  const structured = result.structuredContent!;
  expect(structured, `${tool}: structuredContent`).toMatchObject({
    v: 1,
    type: 'result',
    ok: expect.any(Boolean),
    exitCode: expect.any(Number),
    summary: expect.any(String),
  });
  const schema = commandDefinition(toolCommands[tool]!)!.result;
  const parsed = schema.safeParse(structured.data);
  expect(parsed.success, `${tool}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  expect(parsed.data, `${tool}: data has fields the schema does not describe`).toEqual(structured.data);
  expect(result.content[0]?.text).toBe(structured.summary);
  expect(JSON.parse(result.content[1]!.text!)).toEqual(structured);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
