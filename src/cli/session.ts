import type { Command } from 'commander';
import type * as Lib from '../index.js';
import { CombinationError, describeProblem, rawInput, selectTarget } from './input.js';
import type { CliCommand } from './model.js';

export interface GlobalFlags {
  json?: boolean;
  config?: string;
  cwd?: string;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
}

let exitCode = 0;
export const lastExitCode = () => exitCode;

/**
 * One command line: the definition it reaches, its input checked against the definition's
 * schema (a bad value is exit 2 naming the flag, before anything else), then the handler the
 * library exports. The session owns output, signals, the one top-level catch, the final
 * result and the exit code.
 */
export async function invoke(model: CliCommand, positionals: unknown[], command: Command): Promise<void> {
  const flags = globalFlags(command);
  const lib = await import('../index.js');
  const output = new lib.Output({ mode: flags.json ? 'json' : 'human', quiet: flags.quiet, verbose: flags.verbose, color: flags.color });
  const cwd = flags.cwd ?? process.cwd();
  let selected;
  try {
    selected = selectTarget(model, command, positionals);
  } catch (error) {
    exitCode = lib.ExitCode.usage;
    return reportError(lib, output, error instanceof CombinationError ? lib.usageError(error.message, error.hint) : error, exitCode);
  }
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const childOwnsCtrlC = selected.interrupt === 'child';
  let hurried = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A command that must tear down (tldr ci) takes a second signal as "hurry": its children are
    // killed now and the teardown runs; a third exits.
    if (interrupted && selected.interrupt === 'teardown' && !hurried) {
      hurried = true;
      output.note(`${signal} again: stopping every child now, then tearing down (a third signal exits at once)`);
      lib.hurryStops();
      return;
    }
    // A second Ctrl-C while stopping means "now" — unless a foreground child owns the terminal
    // (a REPL, `manage shell`): then every Ctrl-C is the child's, and exiting would orphan it.
    if (interrupted && !childOwnsCtrlC) process.exit(lib.ExitCode.interrupted);
    interrupted = signal;
    if (!childOwnsCtrlC) controller.abort(new lib.InterruptedError(signal));
  };
  for (const s of lib.STOP_SIGNALS) process.on(s, onSignal);
  // A closed terminal (SIGHUP) must not turn a long-running command's orderly stop into a crash on the next write.
  if (selected.longRunning) for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  try {
    const definition = lib.commandDefinition(selected.definition)!;
    const raw = rawInput(selected, command, positionals, cwd);
    const parsed = lib.parseInput(definition, raw);
    if (!parsed.ok) {
      const { message, hint } = describeProblem(selected, parsed.problems[0]!, raw, command);
      throw lib.usageError(message, hint);
    }
    const context = {
      output,
      signal: controller.signal,
      ...(childOwnsCtrlC ? { forwardSignals: true } : {}),
      // Only a person at a terminal can answer; scripts and agents pass --yes.
      ...(process.stdin.isTTY && process.stderr.isTTY && !flags.json ? { ask } : {}),
      ...projectOptions(lib, output, selected.project, cwd, flags.config),
    };
    // `tldr mcp` turns this process into the MCP server: stdout is the protocol's from here on, no result line follows.
    if (definition.name === 'mcp' && !parsed.value.printConfig) {
      const { serveMcp } = await import('../agent/serve.js');
      exitCode = await serveMcp({
        project: (context as unknown as { project: Lib.Project }).project,
        cwd,
        ...(flags.config ? { configPath: flags.config } : {}),
      });
      return;
    }
    const handler = await definition.load();
    // The definition was found by name at run time: its handler takes exactly what its own input schema just parsed.
    const outcome = await handler({ ...context, ...parsed.value } as never);
    await signalsDelivered();
    exitCode = interrupted ? lib.ExitCode.interrupted : outcome.exitCode;
    output.result({
      ok: exitCode === 0,
      exitCode,
      summary: interrupted ? `interrupted by ${interrupted}` : outcome.summary,
      ...(outcome.data !== undefined ? { data: outcome.data } : {}),
    });
  } catch (error) {
    await signalsDelivered();
    exitCode = interrupted ? lib.ExitCode.interrupted : lib.exitCodeOf(error);
    reportError(lib, output, error, exitCode);
  } finally {
    for (const s of lib.STOP_SIGNALS) process.off(s, onSignal);
  }
}

// `required`: loaded here (searching upwards from --cwd; a bad config is exit 2), its secrets hidden
// by value before anything prints; `optional`: the command looks itself; `none`: nothing.
function projectOptions(
  lib: typeof Lib,
  output: Lib.Output,
  need: CliCommand['project'],
  cwd: string,
  configPath: string | undefined,
): Record<string, unknown> {
  if (need === 'none') return {};
  if (need === 'optional') return { cwd, ...(configPath !== undefined ? { configPath } : {}) };
  const project = lib.openProject({ cwd, configPath });
  output.secrets.addAll(lib.projectSecrets(project));
  return { project };
}

async function ask(question: string): Promise<string | undefined> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

// A signal that arrived during synchronous work (reading and validating a big config) is
// delivered in the event loop's next poll phase: two check-phase turns always span one.
async function signalsDelivered(): Promise<void> {
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}

const globalKeys = ['json', 'config', 'cwd', 'verbose', 'quiet', 'color'] as const;

/** Global flags given before or after the subcommand; a value typed on the command line beats a default. */
function globalFlags(command: Command): GlobalFlags {
  const flags: Record<string, unknown> = {};
  for (const key of globalKeys) {
    for (let c: Command | null = command; c; c = c.parent) {
      const value = c.getOptionValue(key);
      if (value === undefined) continue;
      if (flags[key] === undefined || c.getOptionValueSource(key) === 'cli') flags[key] = value;
      if (c.getOptionValueSource(key) === 'cli') break;
    }
  }
  return flags as GlobalFlags;
}

function reportError(lib: typeof Lib, output: Lib.Output, error: unknown, code: number): void {
  const known = error instanceof lib.TldrError;
  const message = error instanceof Error ? error.message : String(error);
  if (output.json) {
    output.result(lib.errorResult(error, code));
    return;
  }
  const lines = [`tldr: ${message}`];
  if (known) {
    for (const d of error.details) lines.push(`  ${d}`);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
  } else if (error instanceof Error && error.stack) {
    lines.push(output.verbose ? error.stack : '  this is a bug in tldr; run again with --verbose for the stack trace');
  }
  output.stderr.write(`${output.secrets.redact(lines.join('\n'))}\n`);
}
