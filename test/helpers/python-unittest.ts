import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export interface UnittestRun {
  exitCode: number;
  /** How many tests unittest says it ran (0 when it printed no summary). */
  ran: number;
  output: string;
}

/** The Django versions under test: the example venv's 5.2 and Debian's 3.2 (support.PYTHONS). */
export type Django = 'django52' | 'django32';

/**
 * Runs one module of test/python/warm (Python's unittest, Debian's python3) and reports its verdict.
 * Those tests drive tldr's Python helpers against the bare command with a real Postgres
 * container of their own (removed by id); they fail, never skip, without Docker.
 */
export async function runPythonTests(module: string, timeoutMs = 900_000, django?: Django): Promise<UnittestRun> {
  const run = await execa('/usr/bin/python3', ['-m', 'unittest', '-v', module], {
    cwd: join(repoRoot, 'test/python/warm'),
    env: { PYTHONDONTWRITEBYTECODE: '1', ...(django ? { TLDR_TEST_DJANGO: django } : {}) },
    reject: false,
    timeout: timeoutMs,
    all: true,
    stdin: 'ignore',
  });
  const output = String(run.all ?? '');
  const ran = Number(/^Ran (\d+) tests? in/m.exec(output)?.[1] ?? 0);
  return { exitCode: run.exitCode ?? -1, ran, output };
}

/**
 * Runs one module once per Django version, the versions side by side (each process has its own
 * Postgres container): on 2 cores that halves the wall time, as the tests mostly wait on
 * their children. Each run's verdict is returned, in version order.
 */
export function runPythonTestsPerDjango(module: string, timeoutMs = 900_000): Promise<UnittestRun[]> {
  return Promise.all((['django52', 'django32'] as const).map((django) => runPythonTests(module, timeoutMs, django)));
}
