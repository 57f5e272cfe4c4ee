import { Writable } from 'node:stream';
import * as lib from '../index.js';
import type { Diagnostics } from './diagnostics.js';
import { ProgressRelay, type SendProgress } from './progress.js';
import { describeArguments } from './schemas.js';
import type { ToolSpec } from './tools.js';

/** Where the project is, read again on every call (an edited tldr.config.yaml applies to the next call). */
export interface ProjectLocation {
  cwd: string;
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CallContext {
  signal: AbortSignal;
  /** Only when the client sent a progress token. */
  sendProgress?: SendProgress;
}

// NDJSON goes nowhere: stdout is the protocol's, and the result arrives through a listener.
const nowhere = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/**
 * One tool call: the arguments checked against the tool's schema, then the definition's
 * input (defaults, cross-field rules), then the handler the CLI calls, with this call's abort
 * signal. What comes back is the `result` object `tldr --json` prints last, redacted the same way.
 */
export async function callTool(
  spec: ToolSpec,
  definition: lib.AnyDefinition,
  input: lib.AnyDefinition['input'],
  args: unknown,
  where: ProjectLocation,
  context: CallContext,
  diagnostics: Diagnostics,
): Promise<lib.ResultEvent> {
  const started = Date.now();
  let result: lib.ResultEvent | undefined;
  const relay = context.sendProgress ? new ProgressRelay(context.sendProgress) : undefined;
  const output = new lib.Output({
    mode: 'json',
    stdout: nowhere(),
    stderr: nowhere(),
    listeners: [(event) => (event.type === 'result' ? (result = event) : relay?.event(event))],
    ...(relay ? { onProgress: (p: lib.OutputProgress) => relay.progress(p) } : {}),
  });
  try {
    const project = lib.openProject({
      cwd: where.cwd,
      ...(where.configPath ? { configPath: where.configPath } : {}),
      ...(where.env ? { env: where.env } : {}),
    });
    output.secrets.addAll(lib.projectSecrets(project));
    const value = checkArguments(spec, definition, input, args);
    const handler = await definition.load();
    // The definition was looked up by name: its handler takes exactly what its own input schema just parsed.
    const outcome = await handler({ output, signal: context.signal, project, ...spec.options, ...value } as never);
    const exitCode = context.signal.aborted ? lib.ExitCode.interrupted : outcome.exitCode;
    output.result({ ok: exitCode === 0, exitCode, summary: context.signal.aborted ? 'cancelled' : outcome.summary, data: outcome.data });
  } catch (error) {
    const exitCode = context.signal.aborted ? lib.ExitCode.interrupted : lib.exitCodeOf(error);
    if (!(error instanceof lib.TldrError) && error instanceof Error)
      diagnostics.line(output.secrets.redact(`${spec.name}: internal error: ${error.stack ?? error.message}`));
    output.result(lib.errorResult(error, exitCode, exitCode === lib.ExitCode.interrupted ? 'interrupted' : 'internal'));
  }
  diagnostics.line(`${spec.name}: exit ${result!.exitCode} after ${Date.now() - started} ms: ${result!.summary}`);
  return result!;
}

function checkArguments(spec: ToolSpec, definition: lib.AnyDefinition, input: lib.AnyDefinition['input'], args: unknown): Record<string, unknown> {
  const shape = lib.parseInput({ input }, args ?? {});
  if (!shape.ok) throw argumentError(spec, shape.problems);
  const parsed = lib.parseInput(definition, { ...(args as Record<string, unknown>), ...spec.fixed });
  if (!parsed.ok) throw argumentError(spec, parsed.problems);
  return parsed.value;
}

function argumentError(spec: ToolSpec, problems: lib.InputProblem[]): lib.TldrError {
  const { message, hint } = describeArguments(spec.name, problems);
  return lib.usageError(message, hint);
}
