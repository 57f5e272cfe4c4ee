import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { expand, ExpansionError } from './expand.js';
import { positionOf } from './locate.js';
import { configSchema, type Config } from './schema.js';

export const CONFIG_FILE = 'tldr.config.yaml';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the config file. */
  file: string;
  /** Directory of the config file: relative paths in the config start here. */
  root: string;
  /** `name` from the config, or the root folder's name. */
  name: string;
}

export interface LoadOptions {
  cwd?: string;
  /** An explicit `--config PATH`; otherwise tldr.config.yaml is searched from cwd upwards. */
  configPath?: string;
  env?: NodeJS.ProcessEnv;
}

export function findConfigFile(cwd: string, configPath?: string): string {
  if (configPath) {
    const file = resolve(cwd, configPath);
    if (!existsSync(file)) {
      throw new ConfigError(`config file not found: ${file}`, { code: 'config-missing', hint: 'check the --config path' });
    }
    return file;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = resolve(dir, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new ConfigError(`no ${CONFIG_FILE} in ${resolve(cwd)} or any parent folder`, {
    code: 'config-missing',
    hint: `create ${CONFIG_FILE} (see the README's config reference) or pass --config PATH`,
  });
}

export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const file = findConfigFile(cwd, options.configPath);
  const text = readFileSync(file, 'utf8');
  const config = parseConfig(text, { file: relative(cwd, file) || basename(file), env: options.env ?? process.env });
  const root = dirname(file);
  return { config, file, root, name: config.name ?? defaultName(root) };
}

function defaultName(root: string): string {
  return basename(root).toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'tldr';
}

/** Parses and validates config text; every error names file:line:column and the key path. */
export function parseConfig(text: string, options: { file: string; env?: NodeJS.ProcessEnv }): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const where = (path: readonly PropertyKey[], preferKey = false) => {
    const pos = positionOf(doc, lineCounter, path, preferKey);
    return pos ? `${options.file}:${pos.line}:${pos.column}` : options.file;
  };
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')} (${options.file}${pos ? `:${pos.line}:${pos.col}` : ''})`;
    });
    throw new ConfigError(`invalid YAML: ${lines.join('\n')}`, { code: 'config-yaml', hint: 'fix the YAML syntax at that position' });
  }
  const raw = expandEnv(doc.toJS() ?? {}, options.env ?? process.env, [], where);
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, raw, where));
  throw new ConfigError(lines.join('\n'), {
    code: 'config-invalid',
    hint: 'fix the key named above; `tldr config schema` prints every key and its type',
  });
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, where: (path: readonly PropertyKey[], preferKey?: boolean) => string): string {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const full = [...path, key];
        return `${dotted(full)}: unknown key (${where(full, true)})`;
      })
      .join('\n');
  }
  const value = valueAt(raw, path);
  const got = value === undefined ? 'it is missing' : `got ${JSON.stringify(value)}`;
  let message = issue.message;
  if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'invalid_union') {
    message = 'expected a step name, { run: "…" }, { parallel: [...] } or { sequence: [...] }';
  }
  return `${dotted(path) || '(top level)'}: ${message}, ${got} (${where(path)})`;
}

function dotted(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function expandEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[],
  where: (path: readonly PropertyKey[]) => string,
): unknown {
  if (typeof value === 'string') {
    try {
      return expand(value, env);
    } catch (error) {
      if (!(error instanceof ExpansionError)) throw error;
      throw new ConfigError(`${dotted(path)}: ${error.message} (${where(path)})`, { code: 'config-expansion', hint: error.hint });
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, [...path, i], where));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], where)]));
  }
  return value;
}

export type { Document };
