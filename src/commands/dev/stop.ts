import type { CommandResult } from '../definition.js';
import type { RunOptions } from '../../pipeline/context.js';
import { isAlive } from '../../process/process-table.js';
import { signalProcess } from '../../process/signals.js';
import { sleep } from '../../process/sleep.js';
import { controlCall } from '../../supervisor/control-client.js';
import { reapLeftovers } from '../../supervisor/reap.js';
import type { SupervisorRecordData } from '../../supervisor/record.js';
import { statesLine } from '../../supervisor/states.js';
import type { ProcessStatus } from '../../supervisor/types.js';
import { reapAndReport } from './reap.js';
import { stopDevWarm } from './warm.js';
import type { StopData } from './schemas.js';

/** `tldr stop`: ends the dev loop (foreground or background), processes in reverse order; services stay up. */
export async function stop(options: RunOptions): Promise<CommandResult<StopData>> {
  const { project, output } = options;
  const { running, reaped } = await reapAndReport(project, output);
  if (!running)
    return {
      exitCode: 0,
      summary: reaped.length ? `no dev loop was running; cleaned up ${reaped.map((g) => g.name).join(', ')}` : 'no dev loop is running',
      data: { stopped: false, processes: [], reaped },
    };
  const graceMs = Object.values(running.groups).reduce((sum, g) => sum + g.stopGraceMs, 0);
  let processes: ProcessStatus[] = [];
  try {
    const messages = await controlCall(running.socket, { op: 'stop' }, graceMs + 15_000);
    const stopped = messages.find((m) => m.type === 'stopped');
    if (stopped?.type === 'stopped') processes = stopped.processes;
  } catch {
    // No control socket yet (still in services or migrations): SIGTERM, which it handles the same way.
    signalOwner(running, 'SIGTERM');
  }
  if (!(await ownerGone(running, graceMs + 15_000))) {
    signalOwner(running, 'SIGKILL');
    await ownerGone(running, 2000);
  }
  const late = await reapLeftovers(project.stateDir);
  await stopDevWarm(project.stateDir); // the loop stops it itself; this covers a loop that needed SIGKILL
  const cleaned = [...reaped, ...late.reaped];
  return {
    exitCode: 0,
    summary: `dev loop stopped (pid ${running.owner.pid})${processes.length ? `: ${statesLine(processes)}` : ''}`,
    data: { stopped: true, supervisor: { pid: running.owner.pid }, processes, reaped: cleaned },
  };
}

function signalOwner(record: SupervisorRecordData, signal: NodeJS.Signals): void {
  if (isAlive(record.owner)) signalProcess(record.owner.pid, signal);
}

async function ownerGone(record: SupervisorRecordData, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (isAlive(record.owner)) {
    if (Date.now() > until) return false;
    await sleep(25);
  }
  return true;
}
