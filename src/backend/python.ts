import { existsSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import type { Project } from '../config/project.js';
import { capture } from '../process/capture.js';

export interface PythonChoice {
  /** argv prefix that runs Python: ['uv', 'run', 'python'], ['/…/.venv/bin/python'], ['python3']. */
  argv: string[];
  kind: 'uv' | 'venv' | 'python3' | 'configured';
  /** Why this one was chosen, for `tldr doctor` and `--verbose`. */
  reason: string;
}

export interface PythonProbe {
  onPath(command: string): boolean;
  exists(path: string): boolean;
}

export function pathProbe(env: NodeJS.ProcessEnv = process.env): PythonProbe {
  return {
    onPath: (command) => (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command))),
    exists: existsSync,
  };
}

/** DESIGN.md § Python resolution: uv + pyproject.toml, else backend/.venv, else python3. */
export function resolvePython(project: Pick<Project, 'config' | 'backendDir' | 'root' | 'env'>, probe: PythonProbe = pathProbe(project.env)): PythonChoice {
  const setting = project.config.backend.python;
  if (Array.isArray(setting)) {
    const [first, ...rest] = setting;
    // A relative path like .venv/bin/python is relative to the backend dir; a bare name is looked up on PATH.
    const head = first!.includes('/') ? resolve(project.backendDir, first!) : first!;
    return { argv: [head, ...rest], kind: 'configured', reason: `backend.python is set to ${JSON.stringify(setting)}` };
  }
  const pyproject = join(project.backendDir, 'pyproject.toml');
  if (setting === 'uv') return { argv: ['uv', 'run', 'python'], kind: 'uv', reason: 'backend.python is set to uv' };
  if (probe.onPath('uv') && probe.exists(pyproject)) {
    return { argv: ['uv', 'run', 'python'], kind: 'uv', reason: 'uv is on PATH and the backend has a pyproject.toml' };
  }
  const venv = join(project.backendDir, '.venv', 'bin', 'python');
  if (probe.exists(venv)) {
    const why = probe.onPath('uv') ? 'the backend has no pyproject.toml' : 'uv is not on PATH';
    return { argv: [venv], kind: 'venv', reason: `${why}; ${venv} exists` };
  }
  return { argv: ['python3'], kind: 'python3', reason: `uv is not usable and ${venv} does not exist; using python3 from PATH` };
}

/** Runs the chosen python once to report its Python and Django versions (for `tldr doctor`). */
export async function probePython(python: PythonChoice, cwd: string, env: NodeJS.ProcessEnv): Promise<{ ok: boolean; text?: string }> {
  const [file, ...args] = python.argv;
  const script = 'import sys, django; print("Python %d.%d.%d" % sys.version_info[:3], "Django", django.get_version())';
  const result = await capture(file!, [...args, '-c', script], { ...(existsSync(cwd) ? { cwd } : {}), env, timeoutMs: 20_000 });
  if (result.exitCode === 0) return { ok: true, text: result.stdout.trim() };
  const last = (result.stderr || result.message || '').trim().split('\n').pop();
  return { ok: false, ...(last ? { text: last } : {}) };
}
