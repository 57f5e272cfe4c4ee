import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import * as lib from '../index.js';
import type { ProjectLocation } from './call.js';
import { Diagnostics } from './diagnostics.js';
import { createServer } from './server.js';

export interface ServeOptions extends ProjectLocation {
  project: lib.Project;
}

// dist/agent/ and dist/bundle/ sit at the same depth below the package root.
function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * `tldr mcp`: serves the tools over stdio until the client closes stdin (exit 0) or a signal
 * arrives (exit 130). Both clients that open with `server/discover` and those that still send
 * `initialize` are served (the SDK's legacy mode). Calls in flight are cancelled first and their
 * clean-up is waited for: no child outlives the server, but a detached dev loop (dev_start) does.
 */
export async function serveMcp(options: ServeOptions): Promise<number> {
  const { project } = options;
  const diagnostics = new Diagnostics(join(project.stateDir, 'logs', 'mcp.log'));
  const shutdown = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  const settings = {
    where: { cwd: options.cwd, ...(options.configPath ? { configPath: options.configPath } : {}), ...(options.env ? { env: options.env } : {}) },
    tools: project.config.agent.tools,
    logNames: [...Object.keys(project.config.processes), 'postgres', 'redis'],
    version: version(),
    diagnostics,
    shutdown: shutdown.signal,
    inFlight,
  };
  let ended!: (code: number) => void;
  const end = new Promise<number>((resolve) => (ended = resolve));
  const handle = serveStdio(() => createServer(settings), { legacy: 'serve', onerror: (error) => diagnostics.line(`protocol: ${error.message}`) });
  diagnostics.line(`serving ${settings.tools.length} tool(s) for ${project.name} (${project.file}), pid ${process.pid}`);
  const onSignal = (signal: NodeJS.Signals) => {
    diagnostics.line(`${signal}: stopping`);
    ended(lib.ExitCode.interrupted);
  };
  for (const s of lib.STOP_SIGNALS) process.on(s, onSignal);
  process.stdin.once('end', () => ended(0));
  process.stdin.once('close', () => ended(0));
  const code = await end;
  for (const s of lib.STOP_SIGNALS) process.off(s, onSignal);
  if (inFlight.size) diagnostics.line(`cancelling ${inFlight.size} call(s) in flight`);
  shutdown.abort(new lib.InterruptedError());
  await Promise.allSettled([...inFlight]);
  await handle.close().catch(() => undefined);
  diagnostics.line(`stopped (exit ${code})`);
  return code;
}
