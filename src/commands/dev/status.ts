import { formatDuration } from '../../output/duration.js';
import { controlCall } from '../../supervisor/control-client.js';
import type { SupervisorInfo } from '../../supervisor/control-protocol.js';
import { processLogPath } from '../../supervisor/process-log.js';
import type { LoopEnding } from '../../supervisor/last-run.js';
import type { SupervisorRecordData } from '../../supervisor/record.js';
import type { ProcessStatus } from '../../supervisor/types.js';

export interface RunningLoop {
  supervisor: SupervisorInfo & { socket: string };
  processes: ProcessStatus[];
  /** False when the control socket did not answer (still starting up): states come from the record. */
  answered: boolean;
}

/** Asks a running supervisor for its state; falls back to what its record says. */
export async function describeRunning(record: SupervisorRecordData, stateDir: string): Promise<RunningLoop> {
  const base = {
    pid: record.owner.pid,
    startedAt: record.startedAt,
    configHash: record.configHash,
    configFile: record.configFile,
    detached: record.detached,
    processes: record.processes,
    socket: record.socket,
  };
  try {
    const answer = (await controlCall(record.socket, { op: 'ps' }, 3000)).find((m) => m.type === 'ps');
    if (answer?.type === 'ps') return { supervisor: { ...answer.supervisor, socket: record.socket }, processes: answer.processes, answered: true };
  } catch {
    // not listening yet: services or migrations are still running
  }
  const processes = record.processes.map((name): ProcessStatus => {
    const group = record.groups[name];
    return {
      name,
      state: group ? 'starting' : 'pending',
      pid: group?.pid ?? null,
      startedAt: group?.startedAt ?? null,
      uptimeMs: group ? Date.now() - Date.parse(group.startedAt) : null,
      restarts: 0,
      ready: false,
      readiness: 'unknown (supervisor still starting)',
      readyAfterMs: null,
      exitCode: null,
      signal: null,
      log: processLogPath(stateDir, name),
    };
  });
  return { supervisor: base, processes, answered: false };
}

/** `tldr ps` as a table for people. */
export function formatProcessTable(processes: ProcessStatus[]): string {
  const rows = [
    ['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'READINESS'],
    ...processes.map((p) => [
      p.name,
      p.state,
      p.pid === null ? '-' : String(p.pid),
      formatDuration(p.uptimeMs),
      String(p.restarts),
      `${p.readiness}${p.readyAfterMs !== null ? ` (ready after ${(p.readyAfterMs / 1000).toFixed(1)} s)` : ''}`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n');
}

/** `ended 3m ago (16:04:12): web crashed: signal SIGKILL`. */
export function describeEnding(ending: LoopEnding, now = Date.now()): string {
  const at = Date.parse(ending.endedAt);
  return `ended ${formatDuration(Math.max(0, now - at))} ago (${new Date(at).toLocaleTimeString()}): ${ending.summary}`;
}

/** What `tldr ps` prints when no loop runs: how the last one ended, and where to look. */
export function formatEnding(ending: LoopEnding, now = Date.now()): string {
  const mode = ending.detached ? 'in the background' : 'in the foreground';
  const lines = [`no dev loop is running; the last one (pid ${ending.pid}, ${mode}) ${describeEnding(ending, now)}`];
  if (ending.process) lines.push(`  ${ending.process.name} log: ${ending.process.log}  (tldr logs ${ending.process.name})`);
  if (ending.supervisorLog && ending.reason !== 'stopped' && ending.reason !== 'exited') lines.push(`  supervisor log: ${ending.supervisorLog}`);
  lines.push('  start it again with `tldr dev` or `tldr dev --detach`');
  return lines.join('\n');
}
