import type { Project } from '../../config/project.js';
import type { Output } from '../../output/output.js';
import { reapLeftovers, type ReapOutcome } from '../../supervisor/reap.js';
import { stopDevWarm } from './warm.js';

/**
 * Every command that touches the dev loop starts here: whatever a dead supervisor left behind
 * (tldr was killed with -9) is stopped, and the caller is told what was cleaned.
 */
export async function reapAndReport(project: Pick<Project, 'stateDir'>, output: Output): Promise<ReapOutcome> {
  const outcome = await reapLeftovers(project.stateDir);
  if (!outcome.running) {
    const warm = await stopDevWarm(project.stateDir);
    if (warm?.stopped) output.note(`stopped the warm Django server (pid ${warm.pid}) of a dev loop that is gone`);
  }
  if (outcome.reaped.length) {
    const what = outcome.reaped.map(
      (g) => `${g.name} (pid ${g.pid}, ${g.processes} process${g.processes === 1 ? '' : 'es'}${g.killed ? ', needed SIGKILL' : ''})`,
    );
    output.note(`cleaned up after a dev loop that did not stop properly: stopped ${what.join(', ')}`);
  } else if (outcome.cleaned) {
    output.debug('removed the record of a dev loop that is no longer running');
  }
  return outcome;
}
