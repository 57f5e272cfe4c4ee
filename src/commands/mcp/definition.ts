import { z } from 'zod';
import { defineCommand } from '../definition.js';

// Reserved: `tldr mcp` (issue 10) serves the command definitions as MCP tools; until then it says so (exit 2).
export const mcp = defineCommand({
  name: 'mcp',
  summary: 'MCP server over stdio for AI coding agents',
  input: z.object({ printConfig: z.boolean().default(false).describe('print the .mcp.json entry for this project') }),
  result: z.object({}),
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./mcp.js').then((m) => m.mcp),
});
