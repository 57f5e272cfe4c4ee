import { statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathProbe, resolvePython, type PythonProbe } from '../backend/python.js';
import type { Project } from '../config/project.js';
import { ConfigError, EnvironmentError, TldrError } from '../errors.js';
import { processEnv, readySpec, runWords } from './dev/process-spec.js';
import type { Plan, PlanNode } from '../pipeline/types.js';

/** What a command is about to use; each is checked before its first side effect. */
export interface Needs {
  /** `backend.dir`: present, and inside the project when written as a relative path. */
  backendDir?: boolean;
  /** `manage.py` in backend.dir (implies backendDir). */
  managePy?: boolean;
  /** The python backend commands run (a path that exists, or a command on PATH). */
  python?: boolean;
  /** These processes: run strings, dirs, ready checks, env expansions (`tldr dev`). */
  processes?: string[];
}

/** A command that runs manage.py: migrate, makemigrations, manage, test, migrate --check, dev. */
export const managePyNeeds: Needs = { backendDir: true, managePy: true, python: true };
/** A command that runs python in backend.dir without manage.py: python, worker. */
export const pythonNeeds: Needs = { backendDir: true, python: true };

export interface Problem {
  /** The config key to fix, e.g. `backend.dir`, `processes.web.run`. */
  key: string;
  code: string;
  message: string;
  hint?: string;
  /** 2: the config is wrong; 3: something is missing on the machine. */
  exitCode: 2 | 3;
}

export interface PreflightProbe extends PythonProbe {
  kind(path: string): 'file' | 'folder' | 'missing';
}

export const systemPreflightProbe = (env: NodeJS.ProcessEnv): PreflightProbe => ({
  ...pathProbe(env),
  kind(path) {
    try {
      return statSync(path).isDirectory() ? 'folder' : 'file';
    } catch {
      return 'missing';
    }
  },
});

/**
 * Everything `needs` names, checked without side effects (only stat calls): every problem found,
 * each with its config key and the fix. Commands call `preflight` with this first; `tldr doctor`
 * reports each problem.
 */
export function validateProject(
  project: Pick<Project, 'config' | 'root' | 'backendDir' | 'env'>,
  needs: Needs,
  probe: PreflightProbe = systemPreflightProbe(project.env),
): Problem[] {
  const problems: Problem[] = [];
  const { config, root, backendDir } = project;
  if (needs.backendDir || needs.managePy) {
    const folder = folderProblem('backend.dir', 'backend-dir', config.backend.dir, root, probe);
    if (folder) problems.push(folder);
    else if (needs.managePy && probe.kind(join(backendDir, 'manage.py')) !== 'file') {
      problems.push({
        key: 'backend.dir',
        code: 'manage-py-missing',
        message: `${backendDir} has no manage.py`,
        hint: 'set backend.dir to the folder that holds manage.py (relative to tldr.config.yaml)',
        exitCode: 2,
      });
    }
  }
  for (const name of needs.processes ?? []) problems.push(...processProblems(project, name, probe));
  if (needs.python) {
    const python = resolvePython(project, probe);
    const head = python.argv[0]!;
    const found = head.includes('/') ? probe.kind(head) === 'file' : probe.onPath(head);
    if (!found) {
      problems.push({
        key: 'backend.python',
        code: 'python-not-found',
        message: `${head} not found (${python.reason})`,
        hint: 'create the backend venv (python3 -m venv .venv) or set backend.python in tldr.config.yaml; `tldr doctor` shows the choice',
        exitCode: 3,
      });
    }
  }
  return problems;
}

/** Throws the problems `validateProject` finds: exit 2 when the config is at fault, else 3. */
export function preflight(project: Pick<Project, 'config' | 'root' | 'backendDir' | 'env'>, needs: Needs, probe?: PreflightProbe): void {
  const problems = validateProject(project, needs, probe);
  if (problems.length) throw problemsError(problems);
}

export function problemsError(problems: Problem[]): TldrError {
  const configProblems = problems.filter((p) => p.exitCode === 2);
  const first = (configProblems[0] ?? problems[0])!;
  const message = problems.map((p) => `${p.key}: ${p.message}`).join('\n');
  const details = problems.filter((p) => p !== first && p.hint).map((p) => `${p.key}: ${p.hint}`);
  const options = { code: first.code, ...(first.hint ? { hint: first.hint } : {}), details };
  return configProblems.length ? new ConfigError(message, options) : new EnvironmentError(message, options);
}

/** What the steps of a pipeline will use: anything but up/down runs in the backend. Pure. */
export function planNeeds(plan: Plan): Needs {
  const needs: Needs = {};
  const walk = (node: PlanNode): void => {
    if (node.kind === 'sequence' || node.kind === 'parallel') return node.children.forEach(walk);
    if (node.kind === 'step' && (node.name === 'up' || node.name === 'down')) return;
    const head = node.kind === 'run' ? node.words[0] : 'manage';
    needs.backendDir = true;
    if (head === 'manage') needs.managePy = true;
    if (head === 'manage' || head === 'python' || head === 'celery') needs.python = true;
  };
  walk(plan.root);
  return needs;
}

function processProblems(project: Pick<Project, 'config' | 'root' | 'env'>, name: string, probe: PreflightProbe): Problem[] {
  const config = project.config.processes[name]!;
  const problems: Problem[] = [];
  const attempt = (check: () => void) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof TldrError)) throw error;
      problems.push(fromError(error));
    }
  };
  let words: string[] = [];
  attempt(() => (words = runWords(name, config.run)));
  const folder = config.dir === undefined ? undefined : folderProblem(`processes.${name}.dir`, 'process-dir', config.dir, project.root, probe);
  if (folder) problems.push(folder);
  else if (config.dir !== undefined && words[0] === 'manage' && probe.kind(resolve(project.root, config.dir, 'manage.py')) !== 'file') {
    problems.push({
      key: `processes.${name}.dir`,
      code: 'manage-py-missing',
      message: `${resolve(project.root, config.dir)} has no manage.py`,
      hint: `a "manage …" run string runs manage.py in the process's dir: remove processes.${name}.dir or point it at the folder of manage.py`,
      exitCode: 2,
    });
  }
  attempt(() => readySpec(name, config.ready));
  attempt(() => processEnv(name, config, project.env));
  return problems;
}

// Absolute paths are the user's explicit choice (and symlinks are followed as they are); a
// relative path that climbs out of the project with `..` is almost always a mistake.
function folderProblem(key: string, code: string, written: string, root: string, probe: PreflightProbe): Problem | undefined {
  const path = resolve(root, written);
  const rel = relative(root, path);
  if (!isAbsolute(written) && (rel === '..' || rel.startsWith(`..${sep}`))) {
    return {
      key,
      code: `${code}-outside`,
      message: `${JSON.stringify(written)} is outside the project (${path}; relative paths start at ${root})`,
      hint: `keep ${key} inside the project folder, or write the absolute path when the folder really lives elsewhere`,
      exitCode: 2,
    };
  }
  const kind = probe.kind(path);
  if (kind === 'folder') return undefined;
  return {
    key,
    code: `${code}-missing`,
    message: kind === 'missing' ? `${path} does not exist` : `${path} is not a folder`,
    hint:
      key === 'backend.dir'
        ? 'set backend.dir to the folder of manage.py (relative to tldr.config.yaml)'
        : `create it, or fix ${key} (relative to tldr.config.yaml)`,
    exitCode: 2,
  };
}

// The config helpers word their errors `key: message`; a Problem keeps the two apart.
function fromError(error: TldrError): Problem {
  const match = /^([\w.-]+): ([\s\S]*)$/.exec(error.message);
  return {
    key: match?.[1] ?? 'config',
    code: error.code,
    message: match?.[2] ?? error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    exitCode: error.exitCode === 3 ? 3 : 2,
  };
}
