import { describe, expect, it } from 'vitest';
import { celeryCommand, manageCommand, pythonCommand, runWordsCommand } from '../../src/backend/commands.js';
import { resolvePython, type PythonProbe } from '../../src/backend/python.js';
import type { Project } from '../../src/config/project.js';

type Python = Project['config']['backend']['python'];

function project(python: Python): Pick<Project, 'config' | 'backendDir' | 'root' | 'env'> {
  return {
    root: '/repo',
    backendDir: '/repo/backend',
    env: {},
    config: { backend: { dir: 'backend', python, celery_app: 'tldr' } } as Project['config'],
  };
}

function probe({ uv = false, pyproject = false, venv = false }): PythonProbe {
  return {
    onPath: (command) => command === 'uv' && uv,
    exists: (path) => (path === '/repo/backend/pyproject.toml' && pyproject) || (path === '/repo/backend/.venv/bin/python' && venv),
  };
}

describe('resolvePython', () => {
  it('auto: uv run python when uv is on PATH and the backend has a pyproject.toml', () => {
    const choice = resolvePython(project('auto'), probe({ uv: true, pyproject: true, venv: true }));
    expect(choice).toEqual({ argv: ['uv', 'run', 'python'], kind: 'uv', reason: 'uv is on PATH and the backend has a pyproject.toml' });
  });

  it('auto: the backend venv when uv is missing, saying so', () => {
    const choice = resolvePython(project('auto'), probe({ pyproject: true, venv: true }));
    expect(choice.argv).toEqual(['/repo/backend/.venv/bin/python']);
    expect(choice.kind).toBe('venv');
    expect(choice.reason).toBe('uv is not on PATH; /repo/backend/.venv/bin/python exists');
  });

  it('auto: the backend venv when uv is there but there is no pyproject.toml', () => {
    const choice = resolvePython(project('auto'), probe({ uv: true, venv: true }));
    expect(choice.kind).toBe('venv');
    expect(choice.reason).toContain('the backend has no pyproject.toml');
  });

  it('auto: python3 from PATH as the last resort', () => {
    const choice = resolvePython(project('auto'), probe({}));
    expect(choice).toMatchObject({ argv: ['python3'], kind: 'python3' });
    expect(choice.reason).toContain('/repo/backend/.venv/bin/python does not exist');
  });

  it('uv: always uv run python, even when uv is not installed (the spawn then says so)', () => {
    expect(resolvePython(project('uv'), probe({}))).toMatchObject({ argv: ['uv', 'run', 'python'], kind: 'uv', reason: 'backend.python is set to uv' });
  });

  it('a command list: relative paths are relative to backend.dir, bare names stay PATH lookups', () => {
    expect(resolvePython(project(['.venv/bin/python', '-X', 'dev']), probe({})).argv).toEqual(['/repo/backend/.venv/bin/python', '-X', 'dev']);
    expect(resolvePython(project(['/usr/bin/python3']), probe({})).argv).toEqual(['/usr/bin/python3']);
    expect(resolvePython(project(['python3.12']), probe({})).argv).toEqual(['python3.12']);
    expect(resolvePython(project(['python3.12']), probe({})).reason).toBe('backend.python is set to ["python3.12"]');
  });
});

describe('command builders on the uv path', () => {
  const uv = resolvePython(project('uv'), probe({}));
  const p = project('uv');

  it('manage.py runs as `uv run python manage.py …` in backend.dir', () => {
    expect(manageCommand(p, uv, ['migrate', '--noinput'])).toEqual({
      file: 'uv',
      args: ['run', 'python', 'manage.py', 'migrate', '--noinput'],
      cwd: '/repo/backend',
    });
  });

  it('celery runs as `uv run python -m celery -A <celery_app> …`', () => {
    expect(celeryCommand(p, uv, ['worker', '-l', 'info'])).toEqual({
      file: 'uv',
      args: ['run', 'python', '-m', 'celery', '-A', 'tldr', 'worker', '-l', 'info'],
      cwd: '/repo/backend',
    });
  });

  it('python passes its arguments as argv elements, never shell text', () => {
    expect(pythonCommand(p, uv, ['-c', 'print(1); import os'])).toEqual({
      file: 'uv',
      args: ['run', 'python', '-c', 'print(1); import os'],
      cwd: '/repo/backend',
    });
  });

  it('run words: manage / celery / python / a program, in `dir` when given', () => {
    expect(runWordsCommand(p, uv, ['manage', 'check', '--deploy']).args).toEqual(['run', 'python', 'manage.py', 'check', '--deploy']);
    expect(runWordsCommand(p, uv, ['celery', 'beat']).args).toEqual(['run', 'python', '-m', 'celery', '-A', 'tldr', 'beat']);
    expect(runWordsCommand(p, uv, ['npm', 'run', 'dev'], 'frontend')).toEqual({ file: 'npm', args: ['run', 'dev'], cwd: '/repo/frontend' });
  });
});
