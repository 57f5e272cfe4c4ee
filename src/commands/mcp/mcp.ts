import { dirname, join, relative, resolve, sep } from 'node:path';
import { usageError } from '../../errors.js';
import type { RunOptions } from '../../pipeline/context.js';
import type { CommandResult } from '../definition.js';
import type { McpData } from './definition.js';

export interface McpOptions extends RunOptions {
  printConfig?: boolean;
}

/**
 * `tldr mcp --print-config`: the `.mcp.json` entry that starts this tldr as the project's MCP
 * server. Serving itself is the MCP server's (src/agent/, started by the CLI): a library caller
 * that wants one uses the CLI entry.
 */
export async function mcp(options: McpOptions, bin: string = process.argv[1] ?? 'tldr'): Promise<CommandResult<McpData>> {
  if (!options.printConfig)
    throw usageError('the MCP server runs from the command line only', 'run `tldr mcp` (stdio), or `tldr mcp --print-config` for the .mcp.json entry');
  const { project, output } = options;
  const command = serverCommand(project.root, bin);
  const entry = { mcpServers: { tldr: { type: 'stdio' as const, command, args: ['mcp'] } } };
  const clients = [
    `Claude Code: merge the entry into ${join(project.root, '.mcp.json')} (or: claude mcp add tldr -- ${command} mcp)`,
    'Cursor: the same entry in .cursor/mcp.json; VS Code: under "servers" in .vscode/mcp.json; other clients: a stdio server running `' +
      `${command} mcp` +
      '` in this folder',
    'Without MCP: `tldr --json COMMAND` prints NDJSON events and one final result object (same data, same exit codes)',
  ];
  const json = `${JSON.stringify(entry, null, 2)}\n`;
  output.print(json);
  for (const line of clients) output.note(line);
  return {
    exitCode: 0,
    summary: `.mcp.json entry for ${project.name}: ${command} mcp (${project.config.agent.tools.length} tools)`,
    data: { file: join(project.root, '.mcp.json'), entry, tools: project.config.agent.tools, clients },
  };
}

// Inside the project (a dev dependency, or this repository) a relative command keeps .mcp.json shareable.
function serverCommand(root: string, bin: string): string {
  const absolute = resolve(bin);
  const modules = `${join(root, 'node_modules')}${sep}`;
  if (absolute.startsWith(modules)) return 'node_modules/.bin/tldr';
  const inside = relative(root, absolute);
  if (!inside.startsWith('..') && !inside.startsWith(sep)) return `./${inside.split(sep).join('/')}`;
  return dirname(absolute) === absolute ? 'tldr' : absolute;
}
