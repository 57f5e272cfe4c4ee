import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { isSecretKey } from '../output/redact.js';
import { expand, ExpansionError } from './expand.js';
import { YamlIndex } from './locate.js';
import { quoteOpening } from './quote-opening.js';
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

/** A config file larger than this is refused: no real one comes near it, and parsing time and error text stay bounded. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** A config error report lists this many problems, then "… and N more". */
export const MAX_CONFIG_ERRORS = 10;

export function findConfigFile(cwd: string, configPath?: string): string {
  if (configPath) {
    const file = resolve(cwd, configPath);
    if (!existsSync(file)) {
      throw new ConfigError(`config file not found: ${file}`, { code: 'config-missing', hint: 'check the --config path' });
    }
    if (statSync(file).isDirectory()) {
      throw new ConfigError(`--config ${configPath} is a folder, not a config file`, {
        code: 'config-missing',
        hint: `pass the file itself, e.g. --config ${configPath.replace(/\/+$/, '')}/${CONFIG_FILE}, or --cwd ${configPath}`,
      });
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
  const text = readConfigText(file);
  const config = parseConfig(text, { file: relative(cwd, file) || basename(file), env: options.env ?? process.env });
  const root = dirname(file);
  return { config, file, root, name: config.name ?? defaultName(root) };
}

function readConfigText(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { code: 'config-unreadable', hint: 'check the file and its permissions' });
  }
  if (size > MAX_CONFIG_BYTES) {
    throw new ConfigError(`${file} is ${(size / 1024 / 1024).toFixed(1)} MB; a config file over ${MAX_CONFIG_BYTES / 1024 / 1024} MB is refused`, {
      code: 'config-too-large',
      hint: 'is this the right file? tldr.config.yaml is usually a few KB',
    });
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { code: 'config-unreadable', hint: 'check the file and its permissions' });
  }
}

function defaultName(root: string): string {
  return (
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'tldr'
  );
}

/** Parses and validates config text; every error names file:line:column and the key path. */
export function parseConfig(text: string, options: { file: string; env?: NodeJS.ProcessEnv }): Config {
  try {
    return parseAndValidate(text, options);
  } catch (error) {
    // The parser and the schema recurse per level: a document nested thousands deep is a config error too.
    if (!(error instanceof RangeError)) throw error;
    throw new ConfigError(`${options.file}: nested too deeply to read (${error.message})`, {
      code: 'config-yaml',
      hint: 'a config is a few levels deep; is this the right file?',
    });
  }
}

function parseAndValidate(text: string, options: { file: string; env?: NodeJS.ProcessEnv }): Config {
  if (text.includes('\u0000'))
    throw new ConfigError(`${options.file} contains NUL bytes: it is not a YAML text file`, {
      code: 'config-yaml',
      hint: 'is this the right file? --config takes tldr.config.yaml',
    });
  const lineCounter = new LineCounter();
  // uniqueKeys off: the library's own check compares every key with every other (32k keys: 11 s);
  // the index below finds duplicates in one pass and names them.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false });
  const index = new YamlIndex(doc, lineCounter);
  const at = (pos: { line: number; column: number } | undefined) => `${options.file}${pos ? `:${pos.line}:${pos.column}` : ''}`;
  const where = (path: readonly PropertyKey[], preferKey = false) => at(index.positionOf(path, preferKey));
  if (doc.errors.length > 0) {
    const lines = doc.errors.map((e) => {
      const message = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      const opening = e.code === 'MISSING_CHAR' && /quote/.test(message) ? quoteOpening(text, e.pos[0]) : undefined;
      if (opening !== undefined) return `${message.replace(/^Missing closing (["'])quote$/, 'unclosed $1 quote')}: it opens here (${at(index.at(opening))})`;
      const pos = e.linePos?.[0];
      return `${message} (${at(pos ? { line: pos.line, column: pos.col } : undefined)})`;
    });
    throw configError(`invalid YAML: `, lines, { code: 'config-yaml', hint: 'fix the YAML syntax at that position' });
  }
  if (index.duplicates.length > 0) {
    const lines = index.duplicates.map((d) => `${dotted(d.path)}: duplicate key (${at(d.again)}; first at line ${d.first.line})`);
    throw configError('', lines, { code: 'config-yaml', hint: 'keep one of them: YAML does not merge repeated keys' });
  }
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses documents whose aliases expand without bound (the "billion laughs").
    throw new ConfigError(`${options.file}: ${(error as Error).message}`, { code: 'config-yaml', hint: 'use fewer YAML aliases (*name); a config needs none' });
  }
  const raw = expandEnv(js ?? {}, options.env ?? process.env, [], where);
  // Parsed once per process: zod's compiled fast path would cost more to generate (~4 ms) than it saves.
  const result = configSchema.safeParse(raw, { jitless: true });
  if (result.success) return result.data;
  const lines = result.error.issues.flatMap((issue) => describeIssue(issue, raw, where));
  throw configError('', lines, {
    code: 'config-invalid',
    hint: 'fix the key named above; `tldr config schema` prints every key and its type',
  });
}

// The first few problems, then how many more: a broken file must not produce megabytes of text.
function configError(prefix: string, lines: string[], options: { code: string; hint: string }): ConfigError {
  const shown = lines.slice(0, MAX_CONFIG_ERRORS).map((line) => (line.length <= 200 ? line : `${line.slice(0, 150)}…${line.slice(-45)}`));
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return new ConfigError(`${prefix}${shown.join('\n')}`, options);
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, where: (path: readonly PropertyKey[], preferKey?: boolean) => string): string[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const full = [...path, key];
      return `${dotted(full)}: unknown key (${where(full, true)})`;
    });
  }
  const value = valueAt(raw, path);
  // A secret's value is never shown; the marker also keeps "API_TOKEN: …" from reading as an assignment.
  const secret = path.some((p) => typeof p === 'string' && isSecretKey(p));
  const got =
    value === undefined
      ? 'it is missing'
      : secret
        ? `got ${Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`}`
        : `got ${shorten(JSON.stringify(value) ?? String(value))}`;
  let message = issue.message;
  if (issue.code === 'invalid_value' && 'values' in issue) {
    message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  } else if (issue.code === 'invalid_union') {
    message = 'expected a step name, { run: "…" }, { parallel: [...] } or { sequence: [...] }';
  }
  return [`${dotted(path) || '(top level)'}${secret ? ' (value hidden)' : ''}: ${message}, ${got} (${where(path)})`];
}

function shorten(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 77)}…`;
}

function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path: PropertyKey[], where: (path: readonly PropertyKey[]) => string): unknown {
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
