import { randomBytes } from 'node:crypto';

/**
 * The run id in a CI run's instance name: the CI system's own id (GitHub's run id and attempt,
 * GitLab's job id) so containers can be traced to the job, plus a random part, because several
 * jobs of one run (a shard matrix) may share a host. Lowercase letters, digits and dashes. Pure but for `random`.
 */
export function ciRunId(env: NodeJS.ProcessEnv, random: () => string = () => randomBytes(2).toString('hex')): string {
  const gh = env.GITHUB_RUN_ID
    ? `gh${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `.${env.GITHUB_RUN_ATTEMPT}` : ''}`
    : undefined;
  const gl = env.CI_JOB_ID ? `gl${env.CI_JOB_ID}` : undefined;
  const base = (gh ?? gl ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24);
  return base ? `${base}-${random()}` : `${random()}${random()}`;
}
