import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import * as lib from '../index.js';
import { callTool, type CallContext, type ProjectLocation } from './call.js';
import type { Diagnostics } from './diagnostics.js';
import { toolResult } from './result.js';
import { listedInput, outputSchema } from './schemas.js';
import { allowedTools, toolAnnotations, toolInput, type ToolSpec } from './tools.js';

export interface ServerSettings {
  where: ProjectLocation;
  /** The tools to list: `agent.tools` when the server started. */
  tools: readonly string[];
  /** The processes and services whose logs are resources. */
  logNames: readonly string[];
  version: string;
  diagnostics: Diagnostics;
  /** Aborted when the server shuts down: every call in flight stops its children. */
  shutdown: AbortSignal;
  /** Calls in flight, so shutdown can wait for their clean-up. */
  inFlight: Set<Promise<unknown>>;
}

const INSTRUCTIONS =
  'tldr runs the dev environment of this project: services (Postgres, Redis), migrations, tests and a detached dev loop. ' +
  'Every result is the JSON `tldr --json` prints last: ok, exitCode (0 ok, 1 the answer is no: findings or failed tests), summary, data. ' +
  'isError results carry a tldr error code and a hint. Start the dev loop with dev_start, poll dev_status and logs (since = the last offset, grep), stop it with dev_stop.';

/** One MCP server instance over the command definitions (the stdio entry makes one per connection). */
export function createServer(settings: ServerSettings): McpServer {
  const server = new McpServer({ name: 'tldr', version: settings.version }, { capabilities: { tools: {}, resources: {} }, instructions: INSTRUCTIONS });
  const specs = allowedTools(settings.tools);
  for (const spec of specs) registerTool(server, spec, settings);
  if (specs.some((s) => s.name === 'logs')) registerLogResources(server, settings);
  return server;
}

function registerTool(server: McpServer, spec: ToolSpec, settings: ServerSettings): void {
  const definition = lib.commandDefinition(spec.command)!;
  const input = toolInput(spec, definition);
  server.registerTool(
    spec.name,
    {
      title: `tldr ${spec.name.replace('_', ' ')}`,
      description: [definition.summary, spec.note].filter(Boolean).join('. '),
      inputSchema: listedInput(lib.inputJsonSchema({ input })),
      outputSchema: outputSchema(definition, lib.resultJsonSchema(definition)),
      annotations: toolAnnotations(spec, definition),
    },
    async (args: unknown, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      const context: CallContext = {
        signal: AbortSignal.any([ctx.mcpReq.signal, settings.shutdown]),
        ...(token !== undefined
          ? { sendProgress: (p) => void ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, ...p } }).catch(() => undefined) }
          : {}),
      };
      const call = callTool(spec, definition, input, args, settings.where, context, settings.diagnostics);
      settings.inFlight.add(call);
      try {
        return toolResult(await call);
      } finally {
        settings.inFlight.delete(call);
      }
    },
  );
}

const RESOURCE_TAIL = 200;

// tldr://logs/{name}: the newest lines of a dev process's .tldr/logs/<name>.log or of a service, as text.
function registerLogResources(server: McpServer, settings: ServerSettings): void {
  const spec: ToolSpec = { name: 'logs', command: 'logs' };
  const definition = lib.commandDefinition('logs')!;
  const template = new ResourceTemplate('tldr://logs/{name}', {
    list: () => ({
      resources: settings.logNames.map((name) => ({
        uri: `tldr://logs/${name}`,
        name: `${name} log`,
        mimeType: 'text/plain',
        description: `the last ${RESOURCE_TAIL} lines of ${name}`,
      })),
    }),
    complete: { name: (value) => settings.logNames.filter((n) => n.startsWith(value)) },
  });
  server.registerResource('logs', template, { title: 'tldr logs', description: 'process and service logs', mimeType: 'text/plain' }, async (uri, variables) => {
    const name = String(Array.isArray(variables.name) ? variables.name[0] : variables.name);
    const result = await callTool(
      spec,
      definition,
      definition.input,
      { name: decodeURIComponent(name), tail: RESOURCE_TAIL },
      settings.where,
      { signal: settings.shutdown },
      settings.diagnostics,
    );
    if (result.exitCode !== 0)
      throw new Error(result.error ? `${result.error.message}${result.error.hint ? ` (hint: ${result.error.hint})` : ''}` : result.summary);
    const data = result.data as lib.LogsData;
    return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: data.text.join('\n') }] };
  });
}
