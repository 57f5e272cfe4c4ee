import type { CommandResult } from '../definition.js';
import type { RunOptions } from '../../pipeline/context.js';
import { formatDuration } from '../../output/duration.js';
import { readLastRun } from '../../supervisor/last-run.js';
import { statesLine } from '../../supervisor/states.js';
import { reapAndReport } from './reap.js';
import type { PsData } from './schemas.js';
import { describeEnding, describeRunning, formatEnding, formatProcessTable } from './status.js';

/** `tldr ps`: the dev loop's processes (state, pid, uptime, restarts, readiness), after reaping leftovers. */
export async function ps(options: RunOptions): Promise<CommandResult<PsData>> {
  const { project, output } = options;
  const { running, reaped } = await reapAndReport(project, output);
  if (!running) {
    const last = readLastRun(project.stateDir);
    const summary = last ? `no dev loop is running; the last one ${describeEnding(last)}` : 'no dev loop is running';
    output.print(last ? formatEnding(last) : `${summary} (start one with \`tldr dev\` or \`tldr dev --detach\`)`);
    return { exitCode: 0, summary, data: { running: false, processes: [], reaped, ...(last ? { last } : {}) } };
  }
  const loop = await describeRunning(running, project.stateDir);
  output.print(formatProcessTable(loop.processes));
  const uptime = formatDuration(Date.now() - Date.parse(running.startedAt));
  const mode = running.detached ? 'in the background' : 'in the foreground';
  return {
    exitCode: 0,
    summary: `dev loop running ${mode} (pid ${running.owner.pid}, up ${uptime}): ${statesLine(loop.processes)}`,
    data: { running: true, supervisor: loop.supervisor, processes: loop.processes, reaped },
  };
}
