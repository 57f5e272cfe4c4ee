import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { lastExitCode } from './session.js';
import { registerCommands } from './commands/index.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('tldr')
    .description('Typed dev-environment task runner for the tldr Django + Postgres + Celery/Redis monorepo.')
    .version(version(), '-V, --version', 'print the version')
    .option('--json', 'NDJSON events on stdout, ending with one result object (for agents and scripts)')
    .option('--config <path>', 'config file (default: tldr.config.yaml found from --cwd upwards)')
    .option('--cwd <dir>', 'run as if started in this folder')
    .option('--verbose', 'more detail: chosen python, commands run, stack traces')
    .option('--quiet', 'only findings, failures and the result')
    .addOption(new Option('--no-color', 'no ANSI colours (also NO_COLOR=1)'))
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok · 1 the answer is no (findings, failed tests) · 2 usage or config error ·\n' +
        '3 environment error · 4 a service or process failed · 5 internal error · 130 interrupted',
    );
  program.exitOverride();
  registerCommands(program);
  acceptGlobalFlagsAnywhere(program);
  return program;
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

/** Runs the CLI and resolves to the exit code (the bin sets process.exitCode). */
export async function main(argv: string[]): Promise<number> {
  // `tldr … | head` closes the pipe early; that is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const code = (error as { code?: string; exitCode?: number }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    throw error;
  }
  return lastExitCode();
}
