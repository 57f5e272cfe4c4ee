import { ConfigError } from '../errors.js';
import type { CommandSpec } from '../process/spawn.js';
import { runCommand, type RunOutcome } from '../process/spawn.js';

export type GitRunner = (args: string[], cwd: string) => Promise<{ outcome: RunOutcome; stdout: string[]; stderr: string[] }>;

/** Runs git with its output captured (paths unquoted, no pager, no prompts). */
export const runGit: GitRunner = async (args, cwd) => {
  const spec: CommandSpec = { file: 'git', args: ['-c', 'core.quotePath=false', ...args], cwd };
  const stdout: string[] = [];
  const stderr: string[] = [];
  const env = { ...(process.env as Record<string, string>), GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
  const outcome = await runCommand(spec, { env, onLine: (line, stream) => (stream === 'stdout' ? stdout : stderr).push(line) });
  return { outcome, stdout, stderr };
};

/**
 * Files added since `ref` as seen from `cwd`, relative to it: added between the merge base of
 * `ref` and HEAD and the working tree (committed, staged or not), plus untracked files. A ref
 * git does not know is a usage error naming it.
 */
export async function gitAddedFiles(cwd: string, ref: string, git: GitRunner = runGit): Promise<string[]> {
  if (ref.startsWith('-')) throw badRef(ref, 'a ref cannot start with "-"');
  const verify = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  if (verify.outcome.exitCode !== 0) {
    const notRepo = verify.stderr.find((l) => /not a git repository/i.test(l));
    if (notRepo)
      throw new ConfigError(`--since ${ref}: ${cwd} is not inside a git repository`, {
        code: 'not-a-git-repo',
        hint: 'run it in a git checkout, or drop --since (and migrations.since) to check the unapplied migrations',
      });
    throw badRef(ref, `git knows no commit named ${JSON.stringify(ref)}`);
  }
  const base = await git(['merge-base', verify.stdout[0]!.trim(), 'HEAD'], cwd);
  if (base.outcome.exitCode !== 0 || !base.stdout[0]) throw badRef(ref, `${JSON.stringify(ref)} has no common history with HEAD`);
  // -z: NUL-separated and never quoted, so a file name may hold any character (spaces, commas, quotes, newlines).
  const added = await git(['diff', '--name-only', '-z', '--diff-filter=A', '--relative', '--no-renames', base.stdout[0].trim(), '--'], cwd);
  const untracked = await git(['ls-files', '-z', '--others', '--exclude-standard', '--', '.'], cwd);
  for (const step of [added, untracked]) {
    if (step.outcome.exitCode !== 0)
      throw new ConfigError(`--since ${ref}: git failed: ${step.stderr.join(' ').trim() || `exit ${step.outcome.exitCode}`}`, { code: 'git-failed' });
  }
  return [...new Set([...nulSeparated(added.stdout), ...nulSeparated(untracked.stdout)])].sort();
}

/** `-z` output, read back from the lines the runner split it into. */
export function nulSeparated(lines: string[]): string[] {
  return lines.join('\n').split('\0').filter(Boolean);
}

function badRef(ref: string, why: string): ConfigError {
  return new ConfigError(`--since ${ref}: ${why}`, {
    code: 'unknown-git-ref',
    hint: 'give a branch, tag or commit git knows (e.g. --since origin/main; `git fetch` first in a shallow CI clone)',
  });
}
