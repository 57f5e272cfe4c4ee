import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { tldrEvent, type TldrEvent } from '../../src/output/events.js';
import { checkResultData } from './result-schema.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const binPath = `${repoRoot}bin/tldr.js`;

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed NDJSON lines (only with --json); each one validated against the event schema, the result's data against the command's result schema. */
  events: TldrEvent[];
  result: Extract<TldrEvent, { type: 'result' }> | undefined;
}

/** Runs the built CLI (`npm run build` first) as a user would. */
export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  const child = await execa(process.execPath, [binPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { NO_COLOR: '1', ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 170_000,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
  });
  const stdout = String(child.stdout);
  const events = args.includes('--json')
    ? stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => tldrEvent.parse(JSON.parse(line)))
    : [];
  const result = events.findLast((e): e is Extract<TldrEvent, { type: 'result' }> => e.type === 'result');
  if (result) checkResultData(args, result.data);
  return { exitCode: child.exitCode ?? -1, stdout, stderr: String(child.stderr), events, result };
}
