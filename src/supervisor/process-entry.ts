import { ServiceError } from '../errors.js';
import type { LogLimits } from '../output/rotating-log.js';
import { ProcessLog, processLogPath } from './process-log.js';
import type { ListenerOwner } from '../process/proc-sockets.js';
import type { LineFeed } from '../readiness/log.js';
import type { ReadinessProbe, WaitOptions } from '../readiness/probe.js';
import { Probe } from '../readiness/probes.js';
import type { ExitInfo, ProcessRun } from './process-run.js';
import type { ProcessState, ProcessStatus, ReadySpec, SupervisedProcess } from './types.js';

/** What the supervisor keeps per process across restarts. */
export interface Entry {
  spec: SupervisedProcess;
  /** The readiness check in words, e.g. `http http://127.0.0.1:8000/`. */
  readiness: string;
  /** What the last readiness wait saw that did not count (another program answering on the port). */
  observation?: string;
  log: ProcessLog;
  state: ProcessState;
  run?: ProcessRun;
  restarts: number;
  consecutive: number;
  readyAt?: number;
  readyAfterMs?: number;
  lastExit?: ExitInfo;
}

/** What a process's readiness probe watches: its output, and who holds a socket that answers. */
export interface ProbeTarget {
  name: string;
  lines: LineFeed;
  owner?(ip: string, port: number): ListenerOwner;
}

/** The readiness probe for a process's `ready` setting (create it before the spawn; dispose it after). */
export function processProbe(ready: ReadySpec | undefined, target: ProbeTarget): ReadinessProbe {
  if (!ready) return Probe.none();
  if (ready.kind === 'http') return Probe.http(ready.url, target);
  if (ready.kind === 'tcp') return Probe.tcp(ready.host, ready.port, target);
  return Probe.log(ready.pattern, target.lines);
}

// Most processes are ready within a second or two: poll tightly then (a refused connection costs
// microseconds), and back off for the slow ones.
export const processWait: Pick<WaitOptions, 'pause' | 'attemptMs'> = {
  pause: (elapsedMs) => (elapsedMs < 2000 ? 10 : elapsedMs < 5000 ? 25 : 100),
  attemptMs: 2000,
};

const silent: LineFeed = { subscribe: () => () => undefined };

export function createEntry(spec: SupervisedProcess, stateDir: string, redact?: (line: string) => string, limits?: LogLimits): Entry {
  using probe = processProbe(spec.ready, { name: spec.name, lines: silent });
  return {
    spec,
    readiness: probe.description,
    log: new ProcessLog(processLogPath(stateDir, spec.name), redact, limits),
    state: 'pending',
    restarts: 0,
    consecutive: 0,
  };
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
    readiness: entry.readiness,
    readyAfterMs: entry.readyAfterMs ?? null,
    exitCode: entry.lastExit?.code ?? null,
    signal: entry.lastExit?.signal ?? null,
    log: entry.log.path,
  };
}

/** The error for a process that failed: what went wrong, what the probe saw, its last lines, where its log is. */
export function entryFailure(entry: Entry, message: string, code: string): ServiceError {
  const tail = entry.log.tail(20).filter((l) => !l.startsWith('[tldr] '));
  const seen = entry.observation && !message.includes(entry.observation) ? [entry.observation] : [];
  return new ServiceError(message, {
    code,
    details: [...seen, ...(tail.length ? [`last lines of ${entry.spec.name}:`, ...tail.map((l) => `  ${l}`)] : [`${entry.spec.name} printed nothing`])],
    hint: `full log: ${entry.log.path}`,
  });
}
