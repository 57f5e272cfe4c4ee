import { resolve } from 'node:path';
import type { Project } from '../config/project.js';
import type { CommandSpec } from '../process/spawn.js';
import type { PythonChoice } from './python.js';

export type { CommandSpec } from '../process/spawn.js';

function withPython(python: PythonChoice, args: string[], cwd: string): CommandSpec {
  const [file, ...prefix] = python.argv;
  return { file: file!, args: [...prefix, ...args], cwd };
}

/** `<python> manage.py ARGS…` in backend.dir. */
export function manageCommand(project: Pick<Project, 'backendDir'>, python: PythonChoice, args: string[]): CommandSpec {
  return withPython(python, ['manage.py', ...args], project.backendDir);
}

/** `<python> -m celery -A <celery_app> ARGS…` in backend.dir. */
export function celeryCommand(project: Pick<Project, 'backendDir' | 'config'>, python: PythonChoice, args: string[]): CommandSpec {
  return withPython(python, ['-m', 'celery', '-A', project.config.backend.celery_app, ...args], project.backendDir);
}

/** `<python> ARGS…` in backend.dir. */
export function pythonCommand(project: Pick<Project, 'backendDir'>, python: PythonChoice, args: string[]): CommandSpec {
  return withPython(python, args, project.backendDir);
}

/**
 * A split `run` string as a command: `manage …`, `celery …`, `python …`, or a program on PATH.
 * `dir` (relative to the config root) overrides the working directory; the default is backend.dir.
 */
export function runWordsCommand(project: Pick<Project, 'backendDir' | 'config' | 'root'>, python: PythonChoice, words: string[], dir?: string): CommandSpec {
  const [head, ...rest] = words;
  const cwd = dir ? resolve(project.root, dir) : project.backendDir;
  const at = (spec: CommandSpec): CommandSpec => ({ ...spec, cwd });
  switch (head) {
    case 'manage':
      return at(manageCommand(project, python, rest));
    case 'celery':
      return at(celeryCommand(project, python, rest));
    case 'python':
      return at(pythonCommand(project, python, rest));
    default:
      return { file: head!, args: rest, cwd };
  }
}
