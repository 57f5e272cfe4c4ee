import type { z } from 'zod';
import type { Output } from '../output/output.js';
import type { RunOptions } from '../pipeline/context.js';

/** What every command handler returns; the CLI turns it into the final `result` event and the exit code. */
export interface CommandResult<D = unknown> {
  exitCode: number;
  /** One line for people and agents. */
  summary: string;
  /** `result.data`: valid against the command's result schema. */
  data: D;
}

/**
 * Where a command's project comes from: `required` — the caller loads tldr.config.yaml (a bad
 * one is exit 2 before anything runs); `optional` — the command looks for it itself and works
 * without one (doctor); `none` — it needs no project at all (config schema).
 */
export type ProjectNeed = 'required' | 'optional' | 'none';

/** What the CLI (and later the MCP server) passes besides the input, whatever the project need. */
export interface CallerOptions {
  output: Output;
  /** Aborts the command: Ctrl-C, SIGTERM, a cancelled tool call. */
  signal?: AbortSignal;
  /**
   * Pass SIGINT/SIGTERM/SIGHUP this process receives on to the child, once: set by the CLI for
   * commands whose `interrupt` is 'child' (it leaves Ctrl-C to the child instead of aborting).
   */
  forwardSignals?: boolean;
  /** Asks a person and returns the answer; only given at a terminal (destructive commands confirm with it). */
  ask?: (question: string) => Promise<string | undefined>;
}

/** For `project: 'optional'`: where to look for the config. */
export interface LookupOptions {
  /** @default process.cwd() */
  cwd?: string;
  configPath?: string;
}

/** The options a handler gets besides its input, by its project need. */
export type ContextOf<P extends ProjectNeed> = CallerOptions & (P extends 'required' ? RunOptions : P extends 'optional' ? LookupOptions : unknown);

// A method's parameters are compared bivariantly: a list of definitions of different inputs type-checks.
export type Handler<I extends z.ZodObject, D extends z.ZodType, P extends ProjectNeed = 'required'> = {
  run(options: ContextOf<P> & z.input<I>): Promise<CommandResult<z.output<D>>>;
}['run'];

/** How one input field is spelled on the command line where zod cannot say it; keyed by the field. */
export interface CliSpelling {
  /** A one-letter alias: `f` → `-f, --follow`. */
  short?: string;
  /** The value's name in --help: `i/n` → `--shard <i/n>`; a positional's name. @default the key in kebab-case */
  placeholder?: string;
  /**
   * Booleans: `only` — just `--no-x` (the value is false when given, the default otherwise);
   * `also` — both `--x` and `--no-x`. A boolean defaulting to true is `--no-x` by itself.
   */
  negate?: 'only' | 'also';
  /** The help of `--no-x` (for `negate`): what turning it off does. */
  negatedHelp?: string;
  /** A path: resolved against `--cwd` before the handler gets it. */
  path?: boolean;
  /** The last positional takes every remaining word, options included, for the child (`tldr manage check --deploy`). */
  passThrough?: boolean;
  /** With `passThrough`: `--help` / `-h` go to the child too (psql's `-h` is its host). */
  passHelp?: boolean;
  hidden?: boolean;
}

/**
 * One command, as data: the CLI builds its flags and --help from it, the MCP server its tool
 * (`inputSchema` from `input`, `outputSchema` from `result`, annotations from the flags), and
 * the library exports the handler `load()` resolves to. Nothing about an option is written twice.
 */
export interface CommandDefinition<I extends z.ZodObject = z.ZodObject, D extends z.ZodType = z.ZodType, P extends ProjectNeed = ProjectNeed> {
  /** CLI words (`test`, `config validate`); also the definition's id. */
  name: string;
  /** One line, for --help and tool lists. */
  summary: string;
  /** More text after --help's options. */
  help?: string;
  /** Options and positionals: a plain object (MCP tools derive from it with `.omit()` / `.extend()`), each field with `.describe()` and its default. */
  input: I;
  /** The positional keys of `input`, in order; the last may be an array (variadic). */
  args?: ReadonlyArray<keyof z.input<I> & string>;
  /** CLI-only spelling, by input field. */
  cli?: Partial<Record<keyof z.input<I> & string, CliSpelling>>;
  /** Cross-field rules the object cannot hold: each problem as `{ path, message }` (exit 2 at the CLI). */
  refine?(input: z.output<I>): InputProblem[];
  /** The schema of `result.data`. */
  result: D;
  /** Changes nothing (MCP readOnlyHint). */
  readOnly: boolean;
  /** Can drop data (MCP destructiveHint). */
  destructive: boolean;
  /**
   * Ctrl-C: 'abort' aborts the signal and the command cleans up (a second signal exits at once);
   * 'child' leaves it to a foreground child that owns the terminal; 'teardown' is 'abort' for a
   * command whose clean-up must run whatever happens (`tldr ci`): a second signal cuts the
   * children's stop grace short (SIGKILL now) so the teardown runs at once, and only a third exits.
   */
  interrupt: 'abort' | 'child' | 'teardown';
  project: P;
  /** Hidden from --help and tool lists (the background supervisor's own command). */
  hidden?: boolean;
  /** Reached on the CLI through another command's switch: `migrate-check` is `tldr migrate --check`. */
  via?: { command: string; flag: string };
  /** Runs until stopped (`tldr dev`): output errors after the terminal went away must not end it early. */
  longRunning?: boolean;
  /** The handler, imported on first use: definitions never import their handlers' modules. */
  load(): Promise<Handler<I, D, P>>;
}

/** One problem with an input, by the field it is about. */
export interface InputProblem {
  path: Array<string | number>;
  message: string;
  /** zod's issue code (`invalid_type`, `too_small`, `custom`, …). */
  code?: string;
  /** How to fix it, when the rule knows. */
  hint?: string;
}

export type AnyDefinition = CommandDefinition<z.ZodObject, z.ZodType, ProjectNeed>;

/** A definition with its types checked: `load()` must resolve to a handler of exactly this input and result. */
export function defineCommand<I extends z.ZodObject, D extends z.ZodType, P extends ProjectNeed>(
  definition: CommandDefinition<I, D, P>,
): CommandDefinition<I, D, P> {
  return definition;
}

/**
 * The input a caller gave (flags, tool arguments), checked against the definition: the parsed
 * value with defaults, or every problem found (schema and `refine` alike).
 */
export function parseInput<I extends z.ZodObject>(
  definition: Pick<CommandDefinition<I>, 'input' | 'refine'>,
  raw: unknown,
): { ok: true; value: z.output<I> } | { ok: false; problems: InputProblem[] } {
  const parsed = definition.input.safeParse(raw, { jitless: true }); // once per call: no compiled fast path
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({ path: i.path.filter((p): p is string | number => typeof p !== 'symbol'), message: i.message, code: i.code })),
    };
  const problems = definition.refine?.(parsed.data) ?? [];
  return problems.length ? { ok: false, problems } : { ok: true, value: parsed.data };
}
