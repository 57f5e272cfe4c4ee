import { describe, expect, it } from 'vitest';
import { runPythonTests, runPythonTestsPerDjango } from '../helpers/python-unittest.js';

// src/python/tldr_bootstrap.py (the cold path's head start) is tested in Python, against the bare
// `python manage.py …` on Django 5.2 and 3.2: test/python/warm/test_bootstrap.py and the pure logic
// it shares with the fork server, test/python/warm/test_start_units.py.
describe('the cold-path bootstrap', () => {
  it('runs manage.py exactly like the bare command: exit codes, output, signals, tracebacks; nothing on end of file', async () => {
    for (const run of await runPythonTestsPerDjango('test_bootstrap')) {
      expect(run.exitCode, run.output).toBe(0);
      expect(run.ran, run.output).toBeGreaterThanOrEqual(19);
    }
  }, 900_000);

  it('its start-up logic: manage.py templates, argv, recorded environment reads, exit codes', async () => {
    const run = await runPythonTests('test_start_units');
    expect(run.exitCode, run.output).toBe(0);
    expect(run.ran, run.output).toBeGreaterThanOrEqual(14);
  }, 120_000);
});
