import { readFileSync } from 'node:fs';
import { cliModel, type CliModel } from './model.js';
import { buildProgram } from './program.js';
import { invoke, lastExitCode } from './session.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The CLI model: dist/cli-model.json, written by the build from the command definitions (so
 * `--help` and commander's own errors need no zod); computed from the definitions when it is missing.
 */
async function model(): Promise<CliModel> {
  try {
    return JSON.parse(readFileSync(new URL('../cli-model.json', import.meta.url), 'utf8')) as CliModel;
  } catch {
    const lib = await import('../index.js');
    return cliModel(lib.commandDefinitions, lib.commandGroups, lib.inputJsonSchema);
  }
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
  const program = buildProgram(await model(), version(), invoke, argv);
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
