import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { planNeeds, preflight, problemsError, validateProject, type PreflightProbe } from '../../../src/commands/preflight.js';
import { planPipeline } from '../../../src/pipeline/plan.js';

const root = '/work/app';

function project(yaml: string) {
  const config = parseConfig(`version: 1\n${yaml}`, { file: 'tldr.config.yaml', env: {} });
  return { config, root, backendDir: `${root}/${config.backend.dir}`.replace(/\/[^/]+\/\.\.\//, '/'), env: { PATH: '/usr/bin' } };
}

/** A file system of exactly these paths (folders end with /). */
function probe(paths: string[], onPath: string[] = ['python3']): PreflightProbe {
  return {
    kind: (path) => (paths.includes(`${path}/`) ? 'folder' : paths.includes(path) ? 'file' : 'missing'),
    exists: (path) => paths.includes(path) || paths.includes(`${path}/`),
    onPath: (command) => onPath.includes(command),
  };
}

const good = probe([`${root}/backend/`, `${root}/backend/manage.py`, `${root}/frontend/`]);

describe('validateProject', () => {
  it('finds nothing wrong with a complete project', () => {
    const p = project(
      'processes:\n  web: { run: manage runserver, ready: { http: "http://127.0.0.1:8000/" } }\n  frontend: { dir: frontend, run: npm run dev }',
    );
    expect(validateProject(p, { managePy: true, python: true, processes: ['web', 'frontend'] }, good)).toEqual([]);
  });

  it('names every problem with its key, at once', () => {
    const p = project(
      [
        'backend: { dir: nope }',
        'processes:',
        '  web: { run: "manage runserver \'8000", ready: { http: "localhost:8000" } }',
        '  worker: { run: "celery worker", ready: { log: "(" } }',
        '  frontend: { dir: ../outside, run: npm run dev }',
      ].join('\n'),
    );
    const problems = validateProject(p, { managePy: true, processes: ['web', 'worker', 'frontend'] }, good);
    expect(problems.map((x) => [x.key, x.code])).toEqual([
      ['backend.dir', 'backend-dir-missing'],
      ['processes.web.run', 'config-invalid'],
      ['processes.web.ready.http', 'config-invalid'],
      ['processes.worker.ready.log', 'config-invalid'],
      ['processes.frontend.dir', 'process-dir-outside'],
    ]);
    expect(problems[1]!.message).toMatch(/^unterminated ' quote/);
  });

  it('a relative path may not climb out of the project; an absolute one may point anywhere', () => {
    const climbing = validateProject(project('backend: { dir: ../backend }'), { backendDir: true }, probe(['/work/backend/']));
    expect(climbing).toMatchObject([{ key: 'backend.dir', code: 'backend-dir-outside', exitCode: 2 }]);
    const absolute = { ...project('backend: { dir: /srv/backend }'), backendDir: '/srv/backend' };
    expect(validateProject(absolute, { managePy: true }, probe(['/srv/backend/', '/srv/backend/manage.py']))).toEqual([]);
    expect(validateProject(project('backend: { dir: ./sub/../backend }'), { backendDir: true }, good)).toEqual([]);
  });

  it('manage.py must be where a manage command runs; a file is not a folder', () => {
    expect(validateProject(project(''), { managePy: true }, probe([`${root}/backend/`]))).toMatchObject([{ code: 'manage-py-missing' }]);
    expect(validateProject(project(''), { backendDir: true }, probe([`${root}/backend`]))).toMatchObject([{ message: `${root}/backend is not a folder` }]);
    const p = project('processes:\n  api: { dir: frontend, run: manage runserver }');
    expect(validateProject(p, { processes: ['api'] }, good)).toMatchObject([{ key: 'processes.api.dir', code: 'manage-py-missing' }]);
  });

  it('a python that is not there is an environment problem (exit 3), after the config ones', () => {
    const p = project('backend: { python: [".venv/bin/python"] }');
    expect(validateProject(p, { python: true }, good)).toMatchObject([{ key: 'backend.python', code: 'python-not-found', exitCode: 3 }]);
    expect(validateProject(project(''), { python: true }, probe([], []))).toMatchObject([{ message: expect.stringMatching(/^python3 not found/) }]);
    expect(() => preflight(p, { python: true }, good)).toThrow(expect.objectContaining({ exitCode: 3 }));
    expect(() => preflight(p, { python: true, managePy: true }, probe([]))).toThrow(expect.objectContaining({ exitCode: 2, code: 'backend-dir-missing' }));
  });
});

describe('problemsError', () => {
  it('lists every problem; the code and hint are the first config problem’s', () => {
    const error = problemsError([
      { key: 'backend.python', code: 'python-not-found', message: 'x not found', hint: 'install it', exitCode: 3 },
      { key: 'backend.dir', code: 'backend-dir-missing', message: '/a does not exist', hint: 'fix it', exitCode: 2 },
    ]);
    expect(error).toMatchObject({
      exitCode: 2,
      code: 'backend-dir-missing',
      hint: 'fix it',
      message: 'backend.python: x not found\nbackend.dir: /a does not exist',
      details: ['backend.python: install it'],
    });
  });
});

describe('planNeeds', () => {
  const plan = (steps: Parameters<typeof planPipeline>[1]) =>
    planNeeds(planPipeline('p', steps, { up: 'up', down: 'down', test: 'test', 'migrate-check': 'm' }));
  it('up and down need no backend; everything else does', () => {
    expect(plan(['up', 'down'])).toEqual({});
    expect(plan(['up', { parallel: ['test'] }])).toEqual({ backendDir: true, managePy: true, python: true });
    expect(plan([{ run: 'python x.py' }])).toEqual({ backendDir: true, python: true });
    expect(plan([{ run: 'npm test' }])).toEqual({ backendDir: true });
  });
});
