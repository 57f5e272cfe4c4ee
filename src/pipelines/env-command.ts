import { fstatSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { redactEnv } from '../output/redact.js';
import { createStepContext, type RunOptions } from './context.js';

export interface EnvCommandOptions extends RunOptions {
  /** `export KEY='value'` lines, unredacted, for `eval "$(tldr env --export)"`. */
  export?: boolean;
  /** Only the variables tldr adds or changes (default), or the whole environment. */
  all?: boolean;
}

/** The environment backend processes get (services brought up first). Redacted unless --export. */
export async function envCommand(options: EnvCommandOptions): Promise<{ exitCode: number; summary: string; data: { env: Record<string, string> } }> {
  const { output, project } = options;
  if (options.export) refuseFileOutput();
  const full = await createStepContext(options).env();
  const env = options.all ? full : Object.fromEntries(Object.entries(full).filter(([k, v]) => project.env[k] !== v));
  const keys = Object.keys(env).sort();
  if (options.export) {
    for (const key of keys) output.stdout.write(`export ${key}=${shellQuote(env[key]!)}\n`);
    return { exitCode: 0, summary: `${keys.length} variables exported`, data: { env: redactEnv(env) } };
  }
  const shown = redactEnv(env);
  if (!output.json) for (const key of keys) output.stdout.write(`${key}=${shown[key]}\n`);
  return { exitCode: 0, summary: `${keys.length} variables`, data: { env: shown } };
}

// Secrets may go to a terminal or a pipe (eval), never silently into a file.
function refuseFileOutput(): void {
  let isFile = false;
  try {
    isFile = fstatSync(1).isFile();
  } catch {
    // no stdout
  }
  if (isFile) {
    throw new ConfigError('tldr env --export writes secrets; it prints only to a terminal or a pipe, not to a file', {
      code: 'secrets-to-file',
      hint: 'use it as eval "$(tldr env --export)", or run `tldr env` for the redacted view',
    });
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
