import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// tldr_queries (the test runner's query recording): the SQL shape normaliser, the call-site
// finder, the relation hints, settings, ignore entries and the recorder on an in-memory sqlite
// database — test/python/test_*.py, Python's unittest, on Django 5.2 (the example venv) and 3.2
// (Debian's python3). No server: the end-to-end check on PostgreSQL is test/python/e2e_nplusone.py.

const repo = join(import.meta.dirname, '../..');
const pythons = [
  ['Django 5.2', join(repo, 'example/backend/.venv/bin/python'), /^5\.2/],
  ['Django 3.2', '/usr/bin/python3', /^3\.2/],
] as const;

describe('query recording (Python unit tests)', () => {
  for (const [label, python, version] of pythons) {
    it(`${label}: every case passes`, () => {
      const django = spawnSync(python, ['-c', 'import django; print(django.get_version())'], { encoding: 'utf8' });
      expect(django.stdout.trim()).toMatch(version);
      const run = spawnSync(python, ['-m', 'unittest'], {
        cwd: join(repo, 'test/python'),
        encoding: 'utf8',
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      });
      expect(run.stderr.slice(-4000)).toMatch(/\nOK\s*$/);
      expect(run.status).toBe(0);
      expect(Number(/Ran (\d+) tests?/.exec(run.stderr)?.[1])).toBeGreaterThanOrEqual(85);
    });
  }
});
