import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseDotenvEntries, resolveDotenv, type DotenvEntry } from './dotenv.js';
import { expand, ExpansionError, type ServiceValues } from './expand.js';
import type { Project } from './project.js';

/** The variables derived from running services (DESIGN.md § Environment). */
export function serviceEnv(values: ServiceValues): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('DATABASE_URL', values['postgres.url']);
  set('POSTGRES_HOST', values['postgres.host']);
  set('POSTGRES_PORT', values['postgres.port']);
  set('POSTGRES_DB', values['postgres.db']);
  set('POSTGRES_USER', values['postgres.user']);
  set('POSTGRES_PASSWORD', values['postgres.password']);
  set('REDIS_URL', values['redis.url']);
  set('CELERY_BROKER_URL', values['redis.url']);
  return out;
}

export interface EnvLayers {
  caller: NodeJS.ProcessEnv;
  services: ServiceValues;
  settings?: string | undefined;
  /** The statements of each env file, in config order (later files win). */
  files: Array<readonly DotenvEntry[]>;
  env: Record<string, string>;
  /**
   * A `${postgres.*}` / `${redis.*}` in `env` whose service has no value yet: 'error' (exit 2,
   * "run `tldr up` first") or 'keep' it as written (inspection commands, which start nothing).
   * @default 'error'
   */
  unresolved?: 'error' | 'keep';
}

/**
 * Lowest precedence first: caller, service-derived values, DJANGO_SETTINGS_MODULE, env_files,
 * env. env_files interpolate the way python-dotenv does (from their earlier keys and everything
 * below them, never an error); only `env` values take tldr's `${…}` expansions. Pure.
 */
export function mergeEnv(layers: EnvLayers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(layers.caller)) if (v !== undefined) out[k] = v;
  Object.assign(out, serviceEnv(layers.services));
  if (layers.settings) out.DJANGO_SETTINGS_MODULE = layers.settings;
  for (const file of layers.files) Object.assign(out, resolveDotenv(file, out));
  Object.assign(out, expandAll(layers.env, layers));
  return out;
}

function expandAll(vars: Record<string, string>, layers: EnvLayers): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => {
      try {
        return [key, expand(value, layers.caller, layers.services, { unresolved: layers.unresolved ?? 'error' })];
      } catch (error) {
        if (error instanceof ExpansionError) throw new ConfigError(`env.${key}: ${error.message}`, { code: 'config-expansion', hint: error.hint });
        throw error;
      }
    }),
  );
}

export interface EnvFile {
  /** As written in `env_files`. */
  name: string;
  entries: DotenvEntry[];
}

export interface EnvFiles {
  files: EnvFile[];
  /** Files that do not exist (skipped). */
  skipped: string[];
  /** One line per statement python-dotenv would skip, naming file:line — tldr skips it too. */
  warnings: string[];
}

/** Reads the project's env_files; a missing file is skipped (and listed in `skipped`). */
export function readEnvFiles(project: Pick<Project, 'config' | 'root'>): EnvFiles {
  const out: EnvFiles = { files: [], skipped: [], warnings: [] };
  for (const name of project.config.env_files) {
    const path = resolve(project.root, name);
    let text: string;
    try {
      if (statSync(path).isDirectory())
        throw new ConfigError(`env_files: ${name} is a folder, not a dotenv file`, { code: 'config-env-file', hint: 'name a file of KEY=value lines' });
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        out.skipped.push(name);
        continue;
      }
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`env_files: cannot read ${name}: ${(error as Error).message}`, {
        code: 'config-env-file',
        hint: 'check the file and its permissions',
      });
    }
    const { entries, problems } = parseDotenvEntries(text);
    out.files.push({ name, entries });
    for (const p of problems) {
      const lines = p.endLine > p.line ? `lines ${p.line}–${p.endLine}` : `line ${p.line}`;
      out.warnings.push(`env_files: ${name}:${p.line}: ${p.reason} — python-dotenv skips ${lines}, and so does tldr`);
    }
  }
  return out;
}

export interface ProjectEnvOptions {
  /** @see EnvLayers.unresolved */
  unresolved?: 'error' | 'keep';
}

/** The environment every backend process gets, given the running services' values. */
export function projectEnv(project: Project, services: ServiceValues, options: ProjectEnvOptions = {}): Record<string, string> {
  return projectEnvReport(project, services, options).env;
}

/** `projectEnv` plus what reading the env files had to say (skipped files, skipped statements). */
export function projectEnvReport(
  project: Project,
  services: ServiceValues,
  options: ProjectEnvOptions = {},
): { env: Record<string, string> } & Omit<EnvFiles, 'files'> {
  const { files, skipped, warnings } = readEnvFiles(project);
  const env = mergeEnv({
    caller: project.env,
    services,
    settings: project.config.backend.settings,
    files: files.map((f) => f.entries),
    env: project.config.env,
    ...(options.unresolved ? { unresolved: options.unresolved } : {}),
  });
  return { env, skipped, warnings };
}
