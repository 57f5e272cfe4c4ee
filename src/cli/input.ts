import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { InputProblem } from '../index.js';
import type { CliArgument, CliCommand, CliOption, CliTarget, CliValue } from './model.js';

/** Which definition a command line reaches: the command's own, or a variant's through its switch. */
export interface Selected extends CliTarget {
  words: string[];
  options: CliOption[];
  /** The command's positionals belong to its own definition only. */
  args: CliArgument[];
}

/** A mistake in how a command line combines things (a variant's flag without its switch): exit 2. */
export class CombinationError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const given = (command: Command, key: string) => command.getOptionValueSource(key) === 'cli';

/** The definition this command line means, refusing flags that belong to another. Pure over commander's values. */
export function selectTarget(model: CliCommand, command: Command, positionals: unknown[]): Selected {
  const variant = model.variants.find((v) => given(command, v.flag));
  const own: Selected = { ...model, options: model.options, args: model.args };
  if (!variant) {
    const shared = (o: CliOption) => model.options.some((own) => own.key === o.key);
    const stray = model.variants.flatMap((v) => v.options.filter((o) => given(command, o.key) && !shared(o)).map((o) => ({ v, o })));
    if (stray.length) {
      const flags = stray.map(({ o }) => spelled(o, command)).join(', ');
      throw new CombinationError(
        `${flags} can only be used with --${stray[0]!.v.flag}`,
        `run \`tldr ${model.words.join(' ')} --${stray[0]!.v.flag} ${stray.map(({ o }) => spelled(o, command)).join(' ')}\``,
      );
    }
    return own;
  }
  const positional = model.args.filter((_, i) => positionals[i] !== undefined && !(Array.isArray(positionals[i]) && positionals[i].length === 0));
  if (positional.length) {
    throw new CombinationError(
      `${model.words.join(' ')} --${variant.flag} takes no ${model.args.map((a) => a.name.toUpperCase()).join(' or ')}`,
      `run \`tldr ${model.words.join(' ')} --${variant.flag}\` without them`,
    );
  }
  const mixed = model.options.filter((o) => given(command, o.key) && !variant.options.some((v) => v.key === o.key));
  if (mixed.length)
    throw new CombinationError(
      `${mixed.map((o) => spelled(o, command)).join(', ')} cannot be used with --${variant.flag}`,
      `run \`tldr ${model.words.join(' ')} --${variant.flag}\` without them`,
    );
  return { ...variant, words: model.words, options: variant.options, args: [] };
}

/** The raw input from the command line: given flags only (defaults are the schema's), digits as numbers, paths resolved. */
export function rawInput(selected: Selected, command: Command, positionals: unknown[], cwd: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  selected.args.forEach((arg, i) => {
    const value = positionals[i];
    if (value !== undefined) raw[arg.key] = convert(arg, value);
  });
  for (const option of selected.options) {
    if (!given(command, option.key)) continue;
    const value = convert(option, command.getOptionValue(option.key));
    raw[option.key] = option.path && typeof value === 'string' ? resolve(cwd, value) : value;
  }
  return raw;
}

function convert(model: CliValue, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(model, v));
  return model.numeric && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}

/** A bad value, in the user's words: `--tail: expected a whole number ≥ 0, got "abc"`, and a hint. */
export function describeProblem(selected: Selected, problem: InputProblem, raw: Record<string, unknown>, command: Command): { message: string; hint: string } {
  const [key, index] = problem.path;
  const option = selected.options.find((o) => o.key === key);
  const arg = selected.args.find((a) => a.key === key);
  const field: CliValue | undefined = option ?? arg;
  const label = option ? spelled(option, command) : arg ? arg.name.toUpperCase() : String(key ?? 'input');
  const value = typeof index === 'number' ? (raw[String(key)] as unknown[] | undefined)?.[index] : raw[String(key)];
  const what = problem.code === 'custom' || !field ? problem.message : `expected ${field.expected}`;
  const got = value === undefined ? '' : `, got ${JSON.stringify(value)}`;
  const example = field?.examples?.map((e) => (option ? `${option.flags.replace(/ <.*$/, '').replace(/^-\w, /, '')} ${e}` : e)).join(' or ');
  return { message: `${label}: ${what}${got}`, hint: problem.hint ?? (example ? `e.g. ${example}` : `see \`tldr ${selected.words.join(' ')} --help\``) };
}

function spelled(option: CliOption, command: Command): string {
  if (option.kind === 'negated') return option.flags;
  if (option.kind === 'both' && command.getOptionValue(option.key) === false) return option.negated!.flags;
  return option.flags.replace(/ <.*$/, '').replace(/^-\w, /, '');
}
