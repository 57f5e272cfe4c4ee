import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseDotenv } from './dotenv.js';
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
  /** Parsed env_files, in config order (later files win). */
  files: Array<Record<string, string>>;
  env: Record<string, string>;
}

/** Lowest precedence first: caller, service-derived values, DJANGO_SETTINGS_MODULE, env_files, env. Pure. */
export function mergeEnv(layers: EnvLayers): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(layers.caller)) if (v !== undefined) out[k] = v;
  Object.assign(out, serviceEnv(layers.services));
  if (layers.settings) out.DJANGO_SETTINGS_MODULE = layers.settings;
  for (const file of layers.files) Object.assign(out, expandAll(file, layers));
  Object.assign(out, expandAll(layers.env, layers));
  return out;
}

function expandAll(vars: Record<string, string>, layers: EnvLayers): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([key, value]) => {
      try {
        return [key, expand(value, layers.caller, layers.services)];
      } catch (error) {
        if (error instanceof ExpansionError) throw new ConfigError(`env.${key}: ${error.message}`, { code: 'config-expansion', hint: error.hint });
        throw error;
      }
    }),
  );
}

/** Reads the project's env_files; a missing file is skipped (and listed in `skipped`). */
export function readEnvFiles(project: Project): { files: Array<Record<string, string>>; skipped: string[] } {
  const files: Array<Record<string, string>> = [];
  const skipped: string[] = [];
  for (const name of project.config.env_files) {
    const path = resolve(project.root, name);
    if (!existsSync(path)) {
      skipped.push(name);
      continue;
    }
    try {
      files.push(parseDotenv(readFileSync(path, 'utf8')));
    } catch (error) {
      throw new ConfigError(`env_files: ${name}: ${(error as Error).message}`, { code: 'config-env-file', hint: 'use KEY=value lines (dotenv format)' });
    }
  }
  return { files, skipped };
}

/** The environment every backend process gets, given the running services' values. */
export function projectEnv(project: Project, services: ServiceValues): Record<string, string> {
  const { files } = readEnvFiles(project);
  return mergeEnv({ caller: project.env, services, settings: project.config.backend.settings, files, env: project.config.env });
}
