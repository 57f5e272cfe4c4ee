import { z } from 'zod';
import { once } from '../once.js';
import { defineCommand } from '../definition.js';

/** The result schema of `tldr mcp --print-config`, built on first use. */
const mcpResults = once(() => {
  const serverEntry = z.object({
    type: z.literal('stdio'),
    command: z.string().describe('the tldr executable: relative to the project folder when it is inside it'),
    args: z.array(z.string()),
  });
  const mcpData = z.object({
    file: z.string().describe("the project's .mcp.json (where Claude Code and other clients read project servers)"),
    entry: z.object({ mcpServers: z.object({ tldr: serverEntry }) }).describe('what to merge into it'),
    tools: z.array(z.string()).describe('the tools the server lists (agent.tools)'),
    clients: z.array(z.string()).describe('how other clients take the same entry'),
  });
  return { serverEntry, mcpData };
});

export type McpData = z.output<ReturnType<typeof mcpResults>['mcpData']>;

export const mcp = defineCommand({
  name: 'mcp',
  summary: 'MCP server over stdio for AI coding agents (tools: agent.tools of tldr.config.yaml)',
  help: 'Stdout carries only MCP messages; diagnostics go to stderr and .tldr/logs/mcp.log. Start it from the project folder (or pass --cwd).',
  input: z.object({ printConfig: z.boolean().default(false).describe('print the .mcp.json entry for this project and how other clients take it') }),
  get result() {
    return mcpResults().mcpData;
  },
  readOnly: true,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./mcp.js').then((m) => m.mcp),
});
