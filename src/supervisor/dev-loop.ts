import { InterruptedError, TldrError } from '../errors.js';
import type { ControlTarget } from './control-server.js';
import { serveControl, type ControlServer } from './control-server.js';
import type { StartupOutcome, SupervisorInfo } from './control-protocol.js';
import type { Stream } from './process-log.js';
import { endedProcesses, writeLastRun, type LoopEndReason } from './last-run.js';
import type { SupervisorRecord } from './record.js';
import type { LogLimits } from '../output/rotating-log.js';
import { Supervisor, type SupervisorDeps } from './supervisor.js';
import type { ProcessStatus, SupervisedProcess } from './types.js';

export interface DevLoopOptions {
  stateDir: string;
  specs: SupervisedProcess[];
  record: SupervisorRecord;
  redact: (line: string) => string;
  /** Every process line (already redacted): the terminal, or nothing in the background. */
  onLine?: (name: string, line: string, stream: Stream) => void;
  onState?: (status: ProcessStatus, message?: string) => void;
  /** The background supervisor's own log, for the record of how the loop ended. */
  supervisorLog?: string;
  /** Size and count of each process's log files (config `logs:`). */
  logLimits?: LogLimits;
  /** How processes are spawned (the background supervisor adopts its head starts). */
  deps?: SupervisorDeps;
}

/**
 * A Supervisor plus its control socket and its record in `.tldr/supervisor.json`: the part of
 * `tldr dev` that is the same in the foreground and in the background supervisor.
 */
export class DevLoop implements AsyncDisposable {
  readonly supervisor: Supervisor;
  private control: ControlServer | undefined;
  private readonly stateListeners = new Set<(status: ProcessStatus, message?: string) => void>();
  private settleStartup!: (outcome: StartupOutcome) => void;
  private readonly startup = new Promise<StartupOutcome>((resolve) => (this.settleStartup = resolve));
  private stopRequested = false;

  constructor(private readonly options: DevLoopOptions) {
    const { record } = options;
    this.supervisor = new Supervisor(
      options.specs,
      {
        stateDir: options.stateDir,
        redact: options.redact,
        ...(options.logLimits ? { logLimits: options.logLimits } : {}),
        hooks: {
          line: (name, line, stream) => options.onLine?.(name, line, stream),
          state: (status, message) => {
            options.onState?.(status, message);
            for (const listener of this.stateListeners) listener(status, message);
          },
          spawned: (name, group) => record.addGroup(name, group),
          ended: (name, pid) => record.current.groups[name]?.pid === pid && record.removeGroup(name),
        },
      },
      options.deps,
    );
  }

  /** True once `tldr stop` (the control socket) asked the loop to end. */
  get stoppedByRequest(): boolean {
    return this.stopRequested;
  }

  async serve(info: () => SupervisorInfo): Promise<void> {
    const supervisor = this.supervisor;
    const target: ControlTarget = {
      info,
      status: () => supervisor.status(),
      tail: (name, lines) => (supervisor.names.includes(name) ? supervisor.tail(name, lines) : undefined),
      subscribe: (listener) => supervisor.subscribe(listener),
      subscribeStates: (listener) => {
        this.stateListeners.add(listener);
        return () => this.stateListeners.delete(listener);
      },
      startup: this.startup,
      stop: async () => {
        this.stopRequested = true;
        await supervisor.stop();
        return supervisor.status();
      },
    };
    this.control = await serveControl(this.options.record.current.socket, target);
  }

  /** Start-up is over: `wait` clients (a `tldr dev --detach` caller) get this answer. */
  startupSettled(outcome: StartupOutcome): void {
    this.settleStartup(outcome);
  }

  /** Runs until `tldr stop`, the signal, or a crash (which rejects with a ServiceError). */
  async run(signal: AbortSignal): Promise<void> {
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await Promise.race([this.supervisor.done, aborted]);
    await this.supervisor.stop();
    await this.supervisor.done;
  }

  /** Writes how the loop ended (`.tldr/last-loop.json`): what `tldr ps` reports once it is gone. */
  recordEnding(error: unknown, signal: AbortSignal): void {
    const { record, stateDir, redact } = this.options;
    const failed = this.supervisor.failedProcess;
    const reason = endReason(error, signal, this.stopRequested);
    const blame = (reason === 'crashed' || reason === 'failed') && failed;
    try {
      writeLastRun(stateDir, {
        version: 1,
        pid: record.current.owner.pid,
        detached: record.current.detached,
        startedAt: record.current.startedAt,
        endedAt: new Date().toISOString(),
        reason,
        summary: redact(endSummary(reason, error, signal)),
        ...(blame ? { process: { name: failed.name, exitCode: failed.exitCode, signal: failed.signal, log: failed.log } } : {}),
        processes: endedProcesses(this.supervisor.status()),
        ...(this.options.supervisorLog ? { supervisorLog: this.options.supervisorLog } : {}),
      });
    } catch {
      // .tldr/ not writable: the loop's own output said how it ended
    }
  }

  async close(): Promise<void> {
    this.settleStartup({ ok: false, error: { code: 'stopped', message: 'the dev loop stopped during start-up', exitCode: 4 } });
    await this.supervisor.stop().catch(() => undefined);
    await this.control?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function endReason(error: unknown, signal: AbortSignal, stopRequested: boolean): LoopEndReason {
  if (error instanceof InterruptedError || (signal.aborted && !(error instanceof TldrError && error.code === 'process-crashed'))) return 'interrupted';
  if (error instanceof TldrError && error.code === 'dev-stopped') return 'stopped';
  if (error instanceof TldrError && error.code === 'process-crashed') return 'crashed';
  if (error) return 'failed';
  return stopRequested ? 'stopped' : 'exited';
}

function endSummary(reason: LoopEndReason, error: unknown, signal: AbortSignal): string {
  if (reason === 'interrupted')
    return (signal.reason instanceof Error ? signal.reason.message : undefined) ?? (error instanceof Error ? error.message : 'interrupted');
  if (reason === 'stopped') return 'stopped by `tldr stop`';
  if (reason === 'exited') return 'every process exited with code 0';
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
