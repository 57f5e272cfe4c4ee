import { fstatSync } from 'node:fs';
import type { z } from 'zod';
import { projectEnvReport } from '../../config/env.js';
import { projectSecrets } from '../../config/secrets.js';
import { ConfigError } from '../../errors.js';
import type { RunOptions } from '../../pipeline/context.js';
import { inspectServices } from '../services/inspect.js';
import type { InspectedService } from '../services/schemas.js';
import type { CommandResult } from '../definition.js';
import type { EnvData, envInput } from './definition.js';

export type EnvCommandOptions = RunOptions & z.input<typeof envInput>;

/**
 * The environment backend processes get, computed from the config, the env files and
 * `.tldr/state.json` — services are looked at, never created or started. Redacted unless --export.
 */
export async function envCommand(options: EnvCommandOptions): Promise<CommandResult<EnvData>> {
  const { output, project } = options;
  if (options.export) refuseFileOutput();
  output.secrets.addAll(projectSecrets(project));
  const inspected = await inspectServices(project);
  const { env: full, warnings } = projectEnvReport(project, inspected.values, { unresolved: 'keep' });
  output.secrets.addEnv(full);
  const env = options.all ? full : Object.fromEntries(Object.entries(full).filter(([k, v]) => project.env[k] !== v));
  const keys = Object.keys(env).sort();
  const notRunning = describeNotRunning(inspected.services, inspected.problem);
  for (const line of [...warnings.map((w) => `warning: ${w}`), ...notRunning]) output.note(line);
  const shown = output.secrets.redactEnv(env);
  const data = { env: shown, services: inspected.services, notRunning, warnings };
  if (options.export) {
    // The one place secrets are printed on purpose: to a terminal or a pipe, for eval.
    for (const key of keys) output.terminal.stdout.write(`export ${key}=${shellQuote(env[key]!)}\n`);
    return { exitCode: 0, summary: `${keys.length} variables exported`, data };
  }
  if (keys.length) output.print(keys.map((key) => `${key}=${shown[key]}`).join('\n'));
  return { exitCode: 0, summary: `${keys.length} variables${notRunning.length ? ` (${notRunning.length} service(s) not running)` : ''}`, data };
}

function describeNotRunning(services: InspectedService[], problem: string | undefined): string[] {
  if (problem) return [`services not checked (${problem}): the values assume the configured ports`];
  return services
    .filter((s) => s.state !== 'running' && s.state !== 'external')
    .map((s) => {
      const where =
        s.port === undefined
          ? `it has no port yet, so its URL and port are missing (\${${s.name}.url} stays unexpanded)`
          : `the values point at port ${s.port}, where it will answer`;
      return `${s.name} is ${s.state === 'missing' ? 'not created' : s.state}: ${where}; \`tldr up\` starts it`;
    });
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
