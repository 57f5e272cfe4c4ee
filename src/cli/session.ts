import type { Command } from 'commander';
import type * as Lib from '../index.js';

export interface GlobalFlags {
  json?: boolean;
  config?: string;
  cwd?: string;
  verbose?: boolean;
  quiet?: boolean;
  color?: boolean;
}

/** What a command returns; the session turns it into the final `result` and the exit code. */
export interface CommandOutcome {
  exitCode: number;
  summary: string;
  data?: unknown;
}

export interface Session {
  lib: typeof Lib;
  flags: GlobalFlags;
  output: Lib.Output;
  signal: AbortSignal;
  cwd: string;
  /** Loads tldr.config.yaml (searching upwards from --cwd); config errors exit 2. */
  project(): Lib.Project;
}

export interface ActionOptions {
  /** Ctrl-C handling: 'abort' (default) aborts the signal; 'child' lets a foreground child take it. */
  interrupt?: 'abort' | 'child';
}

let exitCode = 0;
export const lastExitCode = () => exitCode;

/** Wraps a command body: output, signals, the one top-level catch, the final result and exit code. */
export function action<O = Record<string, unknown>>(
  body: (session: Session, opts: O, args: unknown[]) => Promise<CommandOutcome>,
  options: ActionOptions = {},
) {
  return async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const flags = globalFlags(command);
    const lib = await import('../index.js');
    const output = new lib.Output({ mode: flags.json ? 'json' : 'human', quiet: flags.quiet, verbose: flags.verbose, color: flags.color });
    const controller = new AbortController();
    let interrupted: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second Ctrl-C while stopping means "now" — unless a foreground child owns the terminal
      // (a REPL, `manage shell`): then every Ctrl-C is the child's, and exiting would orphan it.
      if (interrupted && options.interrupt !== 'child') process.exit(lib.ExitCode.interrupted);
      interrupted = signal;
      if (options.interrupt !== 'child') controller.abort(new lib.InterruptedError(signal));
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const s of signals) process.on(s, onSignal);
    const cwd = flags.cwd ?? process.cwd();
    let project: Lib.Project | undefined;
    const session: Session = {
      lib,
      flags,
      output,
      signal: controller.signal,
      cwd,
      project: () => (project ??= withSecrets(lib, output, lib.openProject({ cwd, configPath: flags.config }))),
    };
    try {
      const outcome = await body(session, args[args.length - 2] as O, args.slice(0, -2));
      await signalsDelivered();
      exitCode = interrupted ? lib.ExitCode.interrupted : outcome.exitCode;
      output.result({ ok: exitCode === 0, exitCode, summary: interrupted ? `interrupted by ${interrupted}` : outcome.summary, ...(outcome.data !== undefined ? { data: outcome.data } : {}) });
    } catch (error) {
      await signalsDelivered();
      exitCode = interrupted ? lib.ExitCode.interrupted : lib.exitCodeOf(error);
      reportError(lib, output, error, exitCode);
    } finally {
      for (const s of signals) process.off(s, onSignal);
    }
  };
}

// Known before the command prints anything: the config's own secrets are hidden by value everywhere.
function withSecrets(lib: typeof Lib, output: Lib.Output, project: Lib.Project): Lib.Project {
  output.secrets.addAll(lib.projectSecrets(project));
  return project;
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
    output.result({
      ok: false,
      exitCode: code,
      summary: message.split('\n')[0]!,
      error: { code: known ? error.code : 'internal', message, ...(known && error.hint ? { hint: error.hint } : {}) },
    });
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
