import { Command, Option } from 'commander';
import type { CliCommand, CliModel, CliOption } from './model.js';

/** What a command's action gets from commander: the model it was built from, its positionals, and the command (options, parents). */
export type Invoke = (model: CliCommand, positionals: unknown[], command: Command) => Promise<void>;

const EXIT_CODES =
  '\nExit codes: 0 ok · 1 the answer is no (findings, failed tests) · 2 usage or config error ·\n' +
  '3 environment error · 4 a service or process failed · 5 internal error · 130 interrupted';

/**
 * The `tldr` program: global flags, then one commander command per model command, in order. Given
 * the command line, only the command it names is built (every start pays for one command's
 * options, not all of them); `--help`, `help` and unknown commands get the whole program.
 */
export function buildProgram(model: CliModel, version: string, invoke: Invoke, argv?: readonly string[]): Command {
  const program = new Command('tldr')
    .description('Typed dev-environment task runner for the tldr Django + Postgres + Celery/Redis monorepo.')
    .version(version, '-V, --version', 'print the version')
    .option('--json', 'NDJSON events on stdout, ending with one result object (for agents and scripts)')
    .option('--config <path>', 'config file (default: tldr.config.yaml found from --cwd upwards)')
    .option('--cwd <dir>', 'run as if started in this folder')
    .option('--verbose', 'more detail: chosen python, commands run, stack traces')
    .option('--quiet', 'only findings, failures and the result')
    .addOption(new Option('--no-color', 'no ANSI colours (also NO_COLOR=1)'))
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES);
  program.exitOverride();
  const groups = new Map<string, Command>();
  const named = argv && namedCommand(model, argv);
  for (const entry of named ? [named] : model.commands) {
    const [first, ...rest] = entry.words;
    let parent = program;
    if (rest.length) {
      parent = groups.get(first!) ?? program.command(first!).description(model.groups[first!] ?? '');
      groups.set(first!, parent);
    }
    addCommand(parent, entry, invoke);
  }
  acceptGlobalFlagsAnywhere(program);
  return program;
}

// Global flags that take a value: the word after them is not the command.
const VALUED = new Set(['--config', '--cwd']);

/** The model command a command line names (`tldr --json config validate …` → config validate), if any. Pure. */
export function namedCommand(model: CliModel, argv: readonly string[]): CliCommand | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return undefined;
    if (VALUED.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
    else if (words.length) break;
  }
  return (
    model.commands.find((c) => c.words.length === 1 && c.words[0] === words[0]) ??
    model.commands.find((c) => c.words.length === 2 && c.words[0] === words[0] && c.words[1] === words[1])
  );
}

function addCommand(parent: Command, model: CliCommand, invoke: Invoke): void {
  const command = parent.command(model.words.at(-1)!, model.hidden ? { hidden: true } : {}).description(model.summary);
  for (const arg of model.args) {
    const name = `${arg.name}${arg.variadic ? '...' : ''}`;
    command.argument(arg.required ? `<${name}>` : `[${name}]`, arg.description);
    if (arg.passThrough) command.passThroughOptions().allowUnknownOption();
    if (arg.passHelp) command.helpOption(false);
  }
  for (const option of model.options) addOption(command, option);
  for (const variant of model.variants) {
    command.addOption(new Option(`--${variant.flag}`, variant.summary));
    // A field both take (`--cold` of migrate and migrate --check) is one flag.
    for (const option of variant.options) if (!model.options.some((o) => o.key === option.key)) addOption(command, option);
  }
  if (model.help) command.addHelpText('after', `\n${model.help}`);
  command.action(async (...args: unknown[]) => invoke(model, args.slice(0, -2), args.at(-1) as Command));
}

// Values stay strings here: the command's input schema checks them (and names the flag when one is wrong).
function addOption(command: Command, option: CliOption): void {
  const added = new Option(option.flags, option.description);
  if (option.hidden) added.hideHelp();
  if (option.kind === 'list')
    added.argParser((value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      ...value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ]);
  command.addOption(added);
  if (option.negated) command.addOption(new Option(option.negated.flags, option.negated.description));
}

// Agents write `tldr status --json` as often as `tldr --json status`: every subcommand also takes
// the global flags (hidden from its help; the session merges them, the explicit one winning).
function acceptGlobalFlagsAnywhere(program: Command): void {
  const walk = (command: Command) => {
    for (const sub of command.commands) {
      sub.addOption(new Option('--json').hideHelp());
      sub.addOption(new Option('--config <path>').hideHelp());
      sub.addOption(new Option('--cwd <dir>').hideHelp());
      sub.addOption(new Option('--verbose').hideHelp());
      sub.addOption(new Option('--quiet').hideHelp());
      sub.addOption(new Option('--no-color').hideHelp());
      walk(sub);
    }
  };
  walk(program);
}
