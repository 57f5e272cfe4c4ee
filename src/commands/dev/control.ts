import { existsSync } from 'node:fs';
import { ConfigError } from '../../errors.js';
import { controlCall } from '../../supervisor/control-client.js';
import { isAlive } from '../../process/process-table.js';
import { signalProcess } from '../../process/signals.js';
import { sleep } from '../../process/sleep.js';
import { reapLeftovers, type ReapedGroup } from '../../supervisor/reap.js';
import type { SupervisorRecordData } from '../../supervisor/record.js';
import { processLogPath } from '../../supervisor/process-log.js';
import type { ProcessStatus } from '../../supervisor/types.js';
import type { RunOptions } from '../../pipeline/context.js';
import { reapAndReport } from './reap.js';
import { formatDuration } from '../../output/duration.js';
import { statesLine } from '../../supervisor/states.js';
import { describeEnding, describeRunning, formatEnding, formatProcessTable, type RunningLoop } from './status.js';
import { readLastRun, type LoopEnding } from '../../supervisor/last-run.js';
import { readLastLines } from '../../output/log-file.js';
import { followLog } from '../../process/file-follower.js';
import { serviceLogs } from '../services/logs.js';

export interface PsData {
  running: boolean;
  supervisor?: RunningLoop['supervisor'];
  processes: ProcessStatus[];
  reaped: ReapedGroup[];
  /** When no loop runs: how the last one ended (which process, how, when, its log). */
  last?: LoopEnding;
}

/** `tldr ps`: the dev loop's processes (state, pid, uptime, restarts, readiness), after reaping leftovers. */
export async function ps(options: RunOptions): Promise<{ exitCode: number; summary: string; data: PsData }> {
  const { project, output } = options;
  const { running, reaped } = await reapAndReport(project, output);
  if (!running) {
    const last = readLastRun(project.stateDir);
    const summary = last ? `no dev loop is running; the last one ${describeEnding(last)}` : 'no dev loop is running';
    if (!output.json) output.stdout.write(`${last ? formatEnding(last) : `${summary} (start one with \`tldr dev\` or \`tldr dev --detach\`)`}\n`);
    return { exitCode: 0, summary, data: { running: false, processes: [], reaped, ...(last ? { last } : {}) } };
  }
  const loop = await describeRunning(running, project.stateDir);
  if (!output.json) output.stdout.write(`${formatProcessTable(loop.processes)}\n`);
  const uptime = formatDuration(Date.now() - Date.parse(running.startedAt));
  const mode = running.detached ? 'in the background' : 'in the foreground';
  return {
    exitCode: 0,
    summary: `dev loop running ${mode} (pid ${running.owner.pid}, up ${uptime}): ${statesLine(loop.processes)}`,
    data: { running: true, supervisor: loop.supervisor, processes: loop.processes, reaped },
  };
}

export interface StopData {
  stopped: boolean;
  supervisor?: { pid: number };
  processes: ProcessStatus[];
  reaped: ReapedGroup[];
}

/** `tldr stop`: ends the dev loop (foreground or background), processes in reverse order; services stay up. */
export async function stop(options: RunOptions): Promise<{ exitCode: number; summary: string; data: StopData }> {
  const { project, output } = options;
  const { running, reaped } = await reapAndReport(project, output);
  if (!running) return { exitCode: 0, summary: reaped.length ? `no dev loop was running; cleaned up ${reaped.map((g) => g.name).join(', ')}` : 'no dev loop is running', data: { stopped: false, processes: [], reaped } };
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

export interface LogsOptions extends RunOptions {
  /** A process (web, worker, …) or a service (postgres, redis). */
  name: string;
  /** @default 100 */
  tail?: number;
  /** Keep printing new lines until the signal aborts (Ctrl-C). */
  follow?: boolean;
}

/** `tldr logs NAME`: a process's `.tldr/logs/NAME.log` (also after the loop ended), or a service's logs. */
export async function processLogs(options: LogsOptions): Promise<{ exitCode: number; summary: string; data: { name: string; file?: string; lines: number } }> {
  const { project, output, name } = options;
  await reapAndReport(project, output);
  const tail = options.tail ?? 100;
  if (name === 'postgres' || name === 'redis') return serviceLogs({ project, output, name, tail, ...(options.follow ? { follow: true } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const known = Object.keys(project.config.processes);
  if (!known.includes(name)) {
    throw new ConfigError(`no process or service named "${name}"`, { code: 'unknown-process', hint: `processes: ${known.join(', ') || '(none)'}; services: postgres, redis` });
  }
  const file = processLogPath(project.stateDir, name);
  const emit = (line: string) => (output.json ? output.log(name, line) : output.stdout.write(`${line}\n`));
  if (!existsSync(file) && !options.follow) return { exitCode: 0, summary: `${name} has no log yet (it has not run under tldr dev)`, data: { name, file, lines: 0 } };
  const lines = readLastLines(file, tail);
  lines.forEach(emit);
  let count = lines.length;
  if (options.follow && options.signal) count += await followLog(file, emit, options.signal);
  return { exitCode: 0, summary: `${count} line(s) of ${name}`, data: { name, file, lines: count } };
}
