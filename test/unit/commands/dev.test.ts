import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { processPorts, runserverAddress } from '../../../src/commands/dev/ports.js';
import { processSpec, readySpec, selectProcesses } from '../../../src/commands/dev/process-spec.js';
import { formatDuration } from '../../../src/output/duration.js';
import { formatProcessTable } from '../../../src/commands/dev/status.js';
import type { ProcessStatus } from '../../../src/supervisor/types.js';

const config = parseConfig(
  `
version: 1
backend: { dir: backend, celery_app: tldr }
processes:
  web: { run: manage runserver 127.0.0.1:8000 --noreload, ready: { http: "http://127.0.0.1:8000/" }, stop_grace: 3 }
  worker: { run: celery worker -l info, ready: { log: "ready\\\\.", timeout: 20 }, restart: on-failure, restart_backoff: 0.5 }
  frontend: { dir: frontend, run: npm run dev, enabled: false, env: { API: "\${postgres.port}" }, ready: { tcp: "localhost:3000" } }
`,
  { file: 'tldr.config.yaml', env: {} },
);
const project = { config, root: '/repo', backendDir: '/repo/backend', env: {} };
const python = { argv: ['/repo/backend/.venv/bin/python'], kind: 'venv' as const, reason: 'test' };

describe('selectProcesses', () => {
  it('runs the enabled processes in config order by default', () => {
    expect(selectProcesses(config.processes)).toEqual(['web', 'worker']);
  });
  it('--only picks processes (disabled ones too) in config order', () => {
    expect(selectProcesses(config.processes, ['frontend', 'web', 'web'])).toEqual(['web', 'frontend']);
  });
  it('names the known processes when --only has a typo (exit 2)', () => {
    expect(() => selectProcesses(config.processes, ['wbe'])).toThrow(
      expect.objectContaining({ exitCode: 2, hint: expect.stringContaining('web, worker, frontend') }),
    );
  });
});

describe('processSpec', () => {
  it('turns a run string into argv with the managed env, unbuffered Python output, and durations in ms', () => {
    const spec = processSpec(project, python, 'worker', { DATABASE_URL: 'postgres://x' }, {});
    expect(spec).toMatchObject({
      file: '/repo/backend/.venv/bin/python',
      args: ['-m', 'celery', '-A', 'tldr', 'worker', '-l', 'info'],
      cwd: '/repo/backend',
      ready: { kind: 'log', pattern: 'ready\\.' },
      readyTimeoutMs: 20_000,
      restart: 'on-failure',
      restartBackoffMs: 500,
      stopGraceMs: 10_000,
    });
    expect(spec.env).toMatchObject({ DATABASE_URL: 'postgres://x', PYTHONUNBUFFERED: '1' });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });
  it('runs other programs from PATH in the process dir, with service expansions in its env', () => {
    const spec = processSpec(project, python, 'frontend', {}, { 'postgres.port': '5433' });
    expect(spec).toMatchObject({ file: 'npm', args: ['run', 'dev'], cwd: '/repo/frontend', ready: { kind: 'tcp', host: 'localhost', port: 3000 } });
    expect(spec.env.API).toBe('5433');
  });
  it('checks readiness regexes and tcp targets', () => {
    expect(readySpec('x', { tcp: 5173, timeout: 60 })).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 5173 });
    expect(readySpec('x', { tcp: '[::1]:80', timeout: 60 })).toEqual({ kind: 'tcp', host: '::1', port: 80 });
    expect(() => readySpec('x', { log: '(', timeout: 60 })).toThrow(/not a regular expression/);
  });
});

describe('ps table', () => {
  it('shows state, pid, uptime, restarts and readiness', () => {
    const row: ProcessStatus = {
      name: 'web',
      state: 'ready',
      pid: 123,
      startedAt: null,
      uptimeMs: 65_000,
      restarts: 1,
      ready: true,
      readiness: 'http http://127.0.0.1:8000/',
      readyAfterMs: 800,
      exitCode: null,
      signal: null,
      log: '/x/web.log',
    };
    const text = formatProcessTable([row, { ...row, name: 'worker', state: 'restarting', pid: null, uptimeMs: null }]);
    expect(text.split('\n')[0]).toMatch(/^NAME\s+STATE\s+PID\s+UPTIME\s+RESTARTS\s+READINESS$/);
    expect(text).toContain('web     ready       123  1m05s   1         http http://127.0.0.1:8000/ (ready after 0.8 s)');
    expect(text).toMatch(/worker\s+restarting\s+-\s+-/);
    expect(formatDuration(3_700_000)).toBe('1h01m');
  });
});

describe('process ports', () => {
  it('reads runserver addresses the way Django does', () => {
    expect(runserverAddress(['manage', 'runserver'])).toEqual({ host: '127.0.0.1', port: 8000 });
    expect(runserverAddress(['manage', 'runserver', '9000', '--noreload'])).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(runserverAddress(['manage', 'runserver', '--settings', 'x.y', '0:8080'])).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(runserverAddress(['manage', 'runserver', '-6'])).toEqual({ host: '::1', port: 8000 });
    expect(runserverAddress(['manage', 'runserver', '[::1]:7000'])).toEqual({ host: '::1', port: 7000 });
    expect(runserverAddress(['manage', 'runserver', 'localhost:7001'])).toEqual({ host: 'localhost', port: 7001 });
    expect(runserverAddress(['celery', 'worker'])).toBeUndefined();
  });
  it('merges the run string and the ready check of one address; leaves other machines out', () => {
    expect(processPorts('web', { run: 'manage runserver 127.0.0.1:8000', ready: { http: 'http://127.0.0.1:8000/health/', timeout: 60 } })).toEqual([
      { process: 'web', host: '127.0.0.1', port: 8000, keys: ['processes.web.run', 'processes.web.ready.http'] },
    ]);
    expect(processPorts('ui', { run: 'npm run dev', ready: { tcp: 5173, timeout: 60 } })).toEqual([
      { process: 'ui', host: '127.0.0.1', port: 5173, keys: ['processes.ui.ready.tcp'] },
    ]);
    expect(processPorts('api', { run: 'npm start', ready: { http: 'https://example.com/', timeout: 60 } })).toEqual([]);
    expect(processPorts('s', { run: 'x', ready: { http: 'https://localhost/', timeout: 60 } })).toEqual([
      { process: 's', host: 'localhost', port: 443, keys: ['processes.s.ready.http'] },
    ]);
  });
});
