import { nulSeparated, runGit, type GitRunner } from '../../backend/git.js';

/**
 * The base the run's diff is taken against: TLDR_CI_DIFF_BASE, the pull request's base branch
 * (GITHUB_BASE_REF), the merge request's base (CI_MERGE_REQUEST_DIFF_BASE_SHA), else the
 * previous commit. Pure.
 */
export function diffBase(env: NodeJS.ProcessEnv): string {
  if (env.TLDR_CI_DIFF_BASE) return env.TLDR_CI_DIFF_BASE;
  if (env.GITHUB_BASE_REF) return `origin/${env.GITHUB_BASE_REF}`;
  if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) return env.CI_MERGE_REQUEST_DIFF_BASE_SHA;
  return 'HEAD~1';
}

export interface RepoView {
  /** The repository root (annotation paths are relative to it), when `cwd` is in one. */
  top?: string;
  /** Files the run's diff changed, relative to `top`, plus uncommitted ones. */
  changed: Set<string>;
}

/**
 * The repository around `cwd` and what the run's diff changed. Only used to name and order
 * annotations: any git problem (a shallow clone without the base, no git) gives an empty set, never an error.
 */
export async function repoView(cwd: string, env: NodeJS.ProcessEnv, git: GitRunner = runGit): Promise<RepoView> {
  const base = diffBase(env);
  const files = new Set<string>();
  try {
    const top = await git(['rev-parse', '--show-toplevel'], cwd);
    if (top.outcome.exitCode !== 0 || !top.stdout[0]) return { changed: files };
    if (base.startsWith('-')) return { top: top.stdout[0], changed: files };
    for (const args of [
      ['diff', '--name-only', '-z', `${base}...HEAD`, '--'],
      ['diff', '--name-only', '-z', 'HEAD', '--'],
    ]) {
      const out = await git(args, cwd);
      if (out.outcome.exitCode === 0) for (const f of nulSeparated(out.stdout)) files.add(f);
    }
    return { top: top.stdout[0], changed: files };
  } catch {
    return { changed: files }; // no git: nothing to order by
  }
}
