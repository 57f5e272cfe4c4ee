import { ServiceError } from '../errors.js';
import type { LogLimits } from '../output/rotating-log.js';
import { ProcessLog, processLogPath } from './process-log.js';
import type { ExitInfo, ProcessRun } from './process-run.js';
import { ProcessProbe } from './probe.js';
import type { ProcessState, ProcessStatus, ReadySpec, SupervisedProcess } from './types.js';

/** What the supervisor keeps per process across restarts. */
export interface Entry {
  spec: SupervisedProcess;
  probe: ProcessProbe;
  log: ProcessLog;
  state: ProcessState;
  run?: ProcessRun;
  restarts: number;
  consecutive: number;
  readyAt?: number;
  readyAfterMs?: number;
  lastExit?: ExitInfo;
}

/** The readiness strategy for a process's `ready` setting. */
export function probeFor(ready: ReadySpec | undefined): ProcessProbe {
  if (!ready) return ProcessProbe.none();
  if (ready.kind === 'http') return ProcessProbe.http(ready.url);
  if (ready.kind === 'tcp') return ProcessProbe.tcp(ready.host, ready.port);
  return ProcessProbe.log(ready.pattern);
}

export function createEntry(spec: SupervisedProcess, stateDir: string, redact?: (line: string) => string, limits?: LogLimits): Entry {
  return { spec, probe: probeFor(spec.ready), log: new ProcessLog(processLogPath(stateDir, spec.name), redact, limits), state: 'pending', restarts: 0, consecutive: 0 };
}

/** What `tldr ps` shows for a process. */
export function statusOf(entry: Entry): ProcessStatus {
  const run = entry.run;
  const alive = run?.running ?? false;
  return {
    name: entry.spec.name,
    state: entry.state,
    pid: alive ? (run!.pid ?? null) : null,
    startedAt: alive ? new Date(run!.startedAt).toISOString() : null,
    uptimeMs: alive ? Date.now() - run!.startedAt : null,
    restarts: entry.restarts,
    ready: entry.state === 'ready',
    readiness: entry.probe.description,
    readyAfterMs: entry.readyAfterMs ?? null,
    exitCode: entry.lastExit?.code ?? null,
    signal: entry.lastExit?.signal ?? null,
    log: entry.log.path,
  };
}

/** The error for a process that failed: what went wrong, what the probe saw, its last lines, where its log is. */
export function entryFailure(entry: Entry, message: string, code: string): ServiceError {
  const tail = entry.log.tail(20).filter((l) => !l.startsWith('[tldr] '));
  const seen = entry.probe.observation && !message.includes(entry.probe.observation) ? [entry.probe.observation] : [];
  return new ServiceError(message, {
    code,
    details: [...seen, ...(tail.length ? [`last lines of ${entry.spec.name}:`, ...tail.map((l) => `  ${l}`)] : [`${entry.spec.name} printed nothing`])],
    hint: `full log: ${entry.log.path}`,
  });
}
