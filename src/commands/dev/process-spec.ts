import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runWordsCommand } from '../../backend/commands.js';
import { pythonHelperDir } from '../../backend/helpers.js';
import type { PythonChoice } from '../../backend/python.js';
import { expand, ExpansionError, type ServiceValues } from '../../config/expand.js';
import type { Project } from '../../config/project.js';
import { splitRunString } from '../../config/run-string.js';
import type { ProcessConfig, ReadyConfig } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import type { ReadySpec, SupervisedProcess } from '../../supervisor/types.js';

/** The processes `tldr dev` runs, in config order: the enabled ones, or exactly `--only` (which may name disabled ones). */
export function selectProcesses(processes: Record<string, ProcessConfig>, only?: string[]): string[] {
  const all = Object.keys(processes);
  if (!only || only.length === 0) {
    const enabled = all.filter((name) => processes[name]!.enabled);
    if (enabled.length === 0) {
      throw new ConfigError('processes: nothing to run (no process is enabled)', {
        code: 'no-processes',
        hint: 'add a process under `processes:` in tldr.config.yaml, or pass --only NAME',
      });
    }
    return enabled;
  }
  const unknown = only.filter((name) => !all.includes(name));
  if (unknown.length) {
    throw new ConfigError(`--only: no process named ${unknown.join(', ')}`, {
      code: 'unknown-process',
      hint: all.length ? `processes in tldr.config.yaml: ${all.join(', ')}` : 'add processes under `processes:` in tldr.config.yaml',
    });
  }
  return all.filter((name) => only.includes(name));
}

export function readySpec(name: string, ready: ReadyConfig | undefined): ReadySpec | undefined {
  if (!ready) return undefined;
  if (ready.http) {
    let url: URL | undefined;
    try {
      url = new URL(ready.http);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      throw new ConfigError(`processes.${name}.ready.http: expected an http:// or https:// URL, got ${JSON.stringify(ready.http)}`, {
        code: 'config-invalid',
        hint: 'e.g. "http://127.0.0.1:8000/health/"',
      });
    }
    return { kind: 'http', url: ready.http };
  }
  if (ready.log) {
    try {
      new RegExp(ready.log);
    } catch (error) {
      throw new ConfigError(`processes.${name}.ready.log: not a regular expression: ${(error as Error).message}`, {
        code: 'config-invalid',
        hint: 'escape special characters, e.g. "ready\\\\."',
      });
    }
    return { kind: 'log', pattern: ready.log };
  }
  if (ready.tcp !== undefined) {
    if (typeof ready.tcp === 'number') return { kind: 'tcp', host: '127.0.0.1', port: ready.tcp };
    const match = /^(.*):(\d+)$/.exec(ready.tcp);
    if (!match)
      throw new ConfigError(`processes.${name}.ready.tcp: expected a port or host:port, got ${JSON.stringify(ready.tcp)}`, {
        code: 'config-invalid',
        hint: 'e.g. 5173 or "127.0.0.1:5173"',
      });
    return { kind: 'tcp', host: match[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port: Number(match[2]) };
  }
  return undefined;
}

/** A process's `run` string as argv words; an unbalanced quote or an empty string is a config error. */
export function runWords(name: string, run: string): string[] {
  let words: string[];
  try {
    words = splitRunString(run);
  } catch (error) {
    throw new ConfigError(`processes.${name}.run: ${(error as Error).message}`, {
      code: 'config-invalid',
      hint: 'close the quote, or escape a literal quote with a backslash (\\")',
    });
  }
  if (words.length === 0)
    throw new ConfigError(`processes.${name}.run: empty`, { code: 'config-invalid', hint: 'give the command to run, e.g. "manage runserver 127.0.0.1:8000"' });
  return words;
}

/** A process's own `env`, expanded; without `services` the service expansions are only checked, not resolved. */
export function processEnv(name: string, config: ProcessConfig, callerEnv: NodeJS.ProcessEnv, services?: ServiceValues): Record<string, string> {
  const own: Record<string, string> = {};
  for (const [key, value] of Object.entries(config.env)) {
    try {
      own[key] = expand(value, callerEnv, services);
    } catch (error) {
      if (error instanceof ExpansionError)
        throw new ConfigError(`processes.${name}.env.${key}: ${error.message}`, { code: 'config-expansion', hint: error.hint });
      throw error;
    }
  }
  return own;
}

/**
 * A process entry of the config as a fully resolved, serialisable spec: argv from the run string
 * (never a shell), the managed env plus the process's own `env` (service expansions resolved),
 * and every duration in ms. Python output is unbuffered so lines (and readiness) arrive live.
 */
export function processSpec(
  project: Pick<Project, 'config' | 'root' | 'backendDir' | 'env'>,
  python: PythonChoice,
  name: string,
  env: Record<string, string>,
  services: ServiceValues,
): SupervisedProcess {
  const config = project.config.processes[name]!;
  const words = runWords(name, config.run);
  const command = runWordsCommand(project, python, words, config.dir);
  const own = processEnv(name, config, project.env, services);
  return {
    name,
    file: command.file,
    args: command.args,
    cwd: command.cwd,
    env: { PYTHONUNBUFFERED: '1', ...env, ...own },
    ...(config.ready ? { ready: readySpec(name, config.ready) } : {}),
    readyTimeoutMs: (config.ready?.timeout ?? 60) * 1000,
    restart: config.restart,
    restartLimit: config.restart_limit,
    restartBackoffMs: config.restart_backoff * 1000,
    stopGraceMs: config.stop_grace * 1000,
    ...(words[0] === 'manage' ? { headStart: { bootstrap: join(pythonHelperDir(), 'tldr_bootstrap.py'), scriptAt: python.argv.length - 1 } } : {}),
  };
}

/** Same file text and same `--only` → the same dev loop: a second `tldr dev` just reports the running one. */
export function devConfigHash(configFile: string, names: string[]): string {
  return createHash('sha256').update(readFileSync(configFile)).update('\0').update(names.join(',')).digest('hex').slice(0, 16);
}
