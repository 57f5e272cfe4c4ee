import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

export interface UnittestRun {
  exitCode: number;
  /** How many tests unittest says it ran (0 when it printed no summary). */
  ran: number;
  output: string;
}

/**
 * Runs one module of test/python/warm (Python's unittest, Debian's python3) and reports its verdict.
 * Those tests drive tldr's Python helpers against the bare command with a real Postgres
 * container of their own (removed by id); they fail, never skip, without Docker.
 */
export async function runPythonTests(module: string, timeoutMs = 900_000): Promise<UnittestRun> {
  const run = await execa('/usr/bin/python3', ['-m', 'unittest', '-v', module], {
    cwd: join(repoRoot, 'test/python/warm'),
    env: { PYTHONDONTWRITEBYTECODE: '1' },
    reject: false,
    timeout: timeoutMs,
    all: true,
    stdin: 'ignore',
  });
  const output = String(run.all ?? '');
  const ran = Number(/^Ran (\d+) tests? in/m.exec(output)?.[1] ?? 0);
  return { exitCode: run.exitCode ?? -1, ran, output };
}
