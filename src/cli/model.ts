import type { AnyDefinition, CliSpelling } from '../index.js';

// The CLI as data: what commander is built from. Computed from the command definitions and
// their input JSON Schemas — at build time into dist/cli-model.json (so `tldr --help` loads no
// zod), or at run time when that file is missing. Pure, and JSON all the way down.

/** A JSON Schema property, as far as the CLI reads it. */
interface Prop {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Prop[];
  items?: Prop;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  examples?: unknown[];
}

/** How a value is checked and told about: what it expects, whether digits become a number. */
export interface CliValue {
  key: string;
  /** `a whole number ≥ 0`, `one of postgres, redis`: for messages about a bad value. */
  expected: string;
  /** Digits on the command line are passed as a number (the schema takes numbers). */
  numeric: boolean;
  examples?: string[];
}

export interface CliOption extends CliValue {
  /** Commander's spelling: `-f, --follow`, `--tail <n>`, `--no-reversibility`. */
  flags: string;
  description: string;
  /** switch: `--x` = true · negated: `--no-x` = false · both: `--x` and `--no-x` · value: `--x <v>` · list: `--x <a,b>` (repeatable). */
  kind: 'switch' | 'negated' | 'both' | 'value' | 'list';
  /** For `both`: the `--no-x` spelling and its help. */
  negated?: { flags: string; description: string };
  /** Resolved against --cwd. */
  path?: boolean;
  hidden?: boolean;
}

export interface CliArgument extends CliValue {
  name: string;
  description: string;
  required: boolean;
  variadic: boolean;
  /** Every remaining word goes to the child, options included; `passHelp`: --help too. */
  passThrough?: boolean;
  passHelp?: boolean;
}

/** What a definition brings to a CLI command (one command may carry several: `migrate` and `migrate --check`). */
export interface CliTarget {
  definition: string;
  interrupt: 'abort' | 'child' | 'teardown';
  project: 'required' | 'optional' | 'none';
  longRunning?: boolean;
}

export interface CliCommand extends CliTarget {
  words: string[];
  summary: string;
  help?: string;
  hidden?: boolean;
  args: CliArgument[];
  options: CliOption[];
  /** Other definitions this command reaches through a switch: `migrate --check` → migrate-check. */
  variants: Array<CliTarget & { flag: string; summary: string; options: CliOption[] }>;
}

export interface CliModel {
  /** Group words (`config`) and their one line. */
  groups: Record<string, string>;
  commands: CliCommand[];
}

type SchemaOf = (definition: AnyDefinition) => Record<string, unknown>;

/** The CLI model of every definition (in their order), variants merged into the command they ride on. */
export function cliModel(definitions: readonly AnyDefinition[], groups: Readonly<Record<string, string>>, schemaOf: SchemaOf): CliModel {
  const commands: CliCommand[] = [];
  for (const definition of definitions.filter((d) => !d.via)) commands.push(command(definition, schemaOf(definition)));
  for (const definition of definitions.filter((d) => d.via)) {
    const { command: on, flag } = definition.via!;
    const host = commands.find((c) => c.words.join(' ') === on);
    if (!host) throw new Error(`definition ${definition.name}: no command "${on}" to ride on`);
    const options = command(definition, schemaOf(definition)).options.map((o) => ({ ...o, description: `with --${flag}: ${o.description}` }));
    host.variants.push({ ...target(definition), flag, summary: definition.summary, options });
  }
  return { groups: { ...groups }, commands };
}

function target(definition: AnyDefinition): CliTarget {
  return {
    definition: definition.name,
    interrupt: definition.interrupt,
    project: definition.project,
    ...(definition.longRunning ? { longRunning: true } : {}),
  };
}

// Every command also takes the global flags (before or after its name): a field may not take their name.
const GLOBAL_KEYS = new Set(['json', 'config', 'cwd', 'verbose', 'quiet', 'color', 'help', 'version']);

function command(definition: AnyDefinition, schema: Record<string, unknown>): CliCommand {
  const properties = (schema.properties ?? {}) as Record<string, Prop>;
  const shadowing = Object.keys(properties).find((key) => GLOBAL_KEYS.has(key));
  if (shadowing) throw new Error(`${definition.name}: input field "${shadowing}" is a global flag of the CLI; give it another name`);
  const required = new Set((schema.required ?? []) as string[]);
  const spelling = (definition.cli ?? {}) as Record<string, CliSpelling | undefined>;
  const positional = new Set<string>(definition.args ?? []);
  const args = [...positional].map((key) => argument(key, properties[key] ?? {}, required.has(key), spelling[key] ?? {}));
  const options = Object.keys(properties)
    .filter((key) => !positional.has(key))
    .map((key) => option(key, properties[key]!, spelling[key] ?? {}));
  return {
    ...target(definition),
    words: definition.name.split(' '),
    summary: definition.summary,
    ...(definition.help ? { help: definition.help } : {}),
    ...(definition.hidden ? { hidden: true } : {}),
    args,
    options,
    variants: [],
  };
}

function argument(key: string, prop: Prop, required: boolean, cli: CliSpelling): CliArgument {
  const variadic = prop.type === 'array';
  const element = variadic ? (prop.items ?? {}) : prop;
  return {
    ...value(key, element, prop),
    name: cli.placeholder ?? kebab(key),
    description: prop.description ?? '',
    required,
    variadic,
    ...(cli.passThrough ? { passThrough: true } : {}),
    ...(cli.passHelp ? { passHelp: true } : {}),
  };
}

function option(key: string, prop: Prop, cli: CliSpelling): CliOption {
  const flag = `--${kebab(key)}`;
  const short = cli.short ? `-${cli.short}, ` : '';
  const description = prop.description ?? '';
  const common = {
    ...value(key, prop.type === 'array' ? (prop.items ?? {}) : prop, prop),
    ...(cli.path ? { path: true } : {}),
    ...(cli.hidden ? { hidden: true } : {}),
  };
  if (prop.type === 'boolean') {
    const off = { flags: `--no-${kebab(key)}`, description: cli.negatedHelp ?? `turn off: ${description}` };
    if (cli.negate === 'also') return { ...common, flags: `${short}${flag}`, description, kind: 'both', negated: off };
    if (cli.negate === 'only' || prop.default === true) return { ...common, ...off, kind: 'negated' };
    return { ...common, flags: `${short}${flag}`, description, kind: 'switch' };
  }
  const placeholder = cli.placeholder ?? kebab(key);
  const list = prop.type === 'array';
  const shown = [
    description,
    choices(prop, list),
    prop.default !== undefined && !(Array.isArray(prop.default) && prop.default.length === 0) ? `(default: ${String(prop.default)})` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { ...common, flags: `${short}${flag} <${placeholder}${list ? ',…' : ''}>`, description: shown, kind: list ? 'list' : 'value' };
}

function value(key: string, element: Prop, prop: Prop): CliValue {
  const examples = (prop.examples ?? element.examples)?.map(String);
  return { key, expected: expected(element), numeric: numeric(element), ...(examples?.length ? { examples } : {}) };
}

function choices(prop: Prop, list: boolean): string {
  const values = (list ? prop.items : prop)?.enum;
  return values ? `(choices: ${values.join(', ')})` : '';
}

function numeric(prop: Prop): boolean {
  return prop.type === 'integer' || prop.type === 'number' || (prop.anyOf ?? []).some(numeric);
}

/** What a property takes, in words. Pure. */
export function expected(prop: Prop): string {
  if (prop.anyOf)
    return prop.anyOf
      .filter((p) => p.type !== 'null')
      .map(expected)
      .join(' or ');
  if (prop.const !== undefined) return JSON.stringify(prop.const);
  if (prop.enum) return `one of ${prop.enum.join(', ')}`;
  if (prop.type === 'integer' || prop.type === 'number') {
    const bounds = [
      prop.minimum !== undefined && prop.minimum > Number.MIN_SAFE_INTEGER ? `≥ ${prop.minimum}` : '',
      prop.maximum !== undefined && prop.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${prop.maximum}` : '',
    ].filter(Boolean);
    return `${prop.type === 'integer' ? 'a whole number' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`;
  }
  if (prop.type === 'boolean') return 'true or false';
  if (prop.type === 'array') return `a list of ${expected(prop.items ?? {})}`;
  return (prop.minLength ?? 0) > 0 ? 'a non-empty value' : 'a value';
}

/** `dryRun` → `dry-run`. Pure. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
