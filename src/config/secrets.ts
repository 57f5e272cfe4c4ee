import { envSecrets, urlPasswords } from '../output/redact.js';
import { resolveDotenv } from './dotenv.js';
import { readEnvFiles } from './env.js';
import type { Project } from './project.js';

/**
 * Every secret value a project holds before anything runs: the Postgres password, values of
 * secret-named keys in `env`, `processes.*.env`, env_files and the caller's environment, and the
 * password of any URL in the config. Output hides them by value (`output.secrets.addAll`).
 */
export function projectSecrets(project: Project): string[] {
  const { config } = project;
  const out: string[] = [];
  const pg = config.services.postgres;
  // A password that is also a public name (the default `tldr` is the project, user and database
  // name) would turn every `tldr-postgres` into `***-postgres`; in URLs it is still hidden.
  if (![project.name, pg.user, pg.db, 'postgres', 'redis'].some((name) => name.includes(pg.password))) out.push(pg.password);
  walkStrings(config, (text) => out.push(...urlPasswords(text)));
  out.push(...envSecrets(config.env));
  for (const process of Object.values(config.processes)) out.push(...envSecrets(process.env));
  out.push(...envSecrets(project.env));
  try {
    // Interpolated from the caller's environment only: values that use the services' come in with the full env.
    for (const file of readEnvFiles(project).files) out.push(...envSecrets(resolveDotenv(file.entries, project.env)));
  } catch {
    // an unreadable env file is reported by the command that needs it
  }
  return out;
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const v of value) walkStrings(v, visit);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) walkStrings(v, visit);
}
