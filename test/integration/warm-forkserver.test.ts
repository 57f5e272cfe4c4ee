import { describe, expect, it } from 'vitest';
import { runPythonTestsPerDjango } from '../helpers/python-unittest.js';

// src/python/tldr_forkserver (the warm path) is tested in Python against the cold command on
// Django 5.2 and 3.2 with a real Postgres: test/python/warm/test_forkserver.py — same output, exit
// codes, test events and migration-check documents; stale after a model, settings, env file,
// new module, migration, lock file or environment change; no connection (pg_stat_activity) and
// one thread in the parent; killed or abandoned children leave it serving; Ctrl-C of a test run
// tears its test database down.
describe('the warm fork server', () => {
  it('serves commands exactly as they run cold, and is never stale', async () => {
    for (const run of await runPythonTestsPerDjango('test_forkserver')) {
      expect(run.exitCode, run.output).toBe(0);
      expect(run.ran, run.output).toBeGreaterThanOrEqual(32);
    }
  }, 900_000);
});
