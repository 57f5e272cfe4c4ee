import { ServiceError } from '../errors.js';
import { listenerOwner } from '../process/proc-sockets.js';
import { sleep } from '../process/sleep.js';
import { ProbeTimeout } from '../readiness/probe.js';
import type { LogLimits } from '../output/rotating-log.js';
import { ExitGuard } from './exit-guard.js';
import { groupOwnerCheck, type ListenerLookup } from './group-owner.js';
import { createEntry, entryFailure, processProbe, processWait, statusOf, type Entry } from './process-entry.js';
import type { Stream } from './process-log.js';
import { ProcessRun, type ExitInfo, type ProcessRunDeps } from './process-run.js';
import { decideRestart, describeExit, STABLE_RUN_MS } from './restart-policy.js';
import type { GroupRecord } from './record.js';
import type { ProcessState, ProcessStatus, SupervisedProcess } from './types.js';

/** Where the supervisor reports; the record file is kept in step through it. */
export interface SupervisorHooks {
  line?(name: string, line: string, stream: Stream): void;
  state?(status: ProcessStatus, message?: string): void;
  spawned?(name: string, group: GroupRecord): void;
  ended?(name: string, pid: number): void;
}

export interface SupervisorOptions {
  /** `.tldr/`: logs go to `logs/<name>.log`. */
  stateDir: string;
  /** Applied to every line before it reaches a file, a listener or the terminal. */
  redact?: (line: string) => string;
  /** Size and count of each process's log files. @default DEFAULT_LOG_LIMITS (20 MB, 3 kept) */
  logLimits?: LogLimits;
  hooks?: SupervisorHooks;
}

export interface SupervisorDeps extends ProcessRunDeps {
  /** Where the last-resort 'exit' hook is installed. @default process */
  exitHooks?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /** Who holds a listening socket. @default process/proc-sockets' `listenerOwner` (/proc) */
  listenerOwner?: ListenerLookup;
}

/**
 * Long-running process groups for `tldr dev`: start in order (each waits for its readiness),
 * restart on failure with backoff or fail fast, stop in reverse order. Nothing outlives it:
 * `stop()` (or `await using`) stops every group, and an 'exit' hook covers uncaught errors.
 */
export class Supervisor implements AsyncDisposable {
  private readonly entries: Entry[];
  private readonly stopController = new AbortController();
  private stopping: Promise<void> | undefined;
  private failure: ServiceError | undefined;
  private culprit: Entry | undefined;
  private settle!: { resolve: () => void; reject: (error: unknown) => void };
  /** Settles when the loop is over: resolves after `stop()` or when every process ended cleanly; rejects on a crash. */
  readonly done: Promise<void>;
  private readonly guard: ExitGuard;

  constructor(
    specs: SupervisedProcess[],
    private readonly options: SupervisorOptions,
    private readonly deps: SupervisorDeps = {},
  ) {
    this.entries = specs.map((spec) => createEntry(spec, options.stateDir, options.redact, options.logLimits));
    for (const entry of this.entries) entry.log.subscribe((line, stream) => options.hooks?.line?.(entry.spec.name, line, stream));
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => undefined);
    // process 'exit' cannot wait: what still runs is stopped synchronously (after a second Ctrl-C: at once).
    this.guard = new ExitGuard(
      () => this.entries.flatMap((e) => (e.run?.running && e.run.identity ? [e.run.identity] : [])),
      () => (this.stopping ? 0 : Math.min(5000, Math.max(...this.entries.map((e) => e.spec.stopGraceMs)))),
      deps.table,
      deps.exitHooks,
    );
  }

  get names(): string[] {
    return this.entries.map((e) => e.spec.name);
  }

  /** Starts one process and waits for its readiness; a failure stops it and throws (ServiceError, exit 4). */
  async start(name: string, signal?: AbortSignal): Promise<ProcessStatus> {
    const entry = this.entry(name);
    await this.launch(entry, signal);
    return statusOf(entry);
  }

  /** Starts every process in order, each after the previous one is ready. */
  async startAll(signal?: AbortSignal): Promise<ProcessStatus[]> {
    for (const entry of this.entries) await this.launch(entry, signal);
    return this.status();
  }

  status(): ProcessStatus[] {
    return this.entries.map((e) => statusOf(e));
  }

  /** The process whose failure (at start-up or later) ended the loop, if one did. */
  get failedProcess(): ProcessStatus | undefined {
    return this.culprit && statusOf(this.culprit);
  }

  tail(name: string, lines: number): string[] {
    return this.entry(name).log.tail(lines);
  }

  /** Every line of every process (already redacted), until the returned function is called. */
  subscribe(listener: (name: string, line: string, stream: Stream) => void): () => void {
    const offs = this.entries.map((e) => e.log.subscribe((line, stream) => listener(e.spec.name, line, stream)));
    return () => offs.forEach((off) => off());
  }

  /** Stops every process in reverse start order (SIGTERM, SIGKILL after its stop_grace). Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async stopAll(): Promise<void> {
    this.stopController.abort();
    for (const entry of [...this.entries].reverse()) {
      const run = entry.run;
      if (!run) continue;
      const wasRunning = run.running;
      if (wasRunning) this.setState(entry, 'stopping');
      const outcome = await run.stop();
      if (wasRunning) {
        entry.log.mark(
          `stopped in ${(outcome.durationMs / 1000).toFixed(1)} s${outcome.killed ? ` (SIGKILL after stop_grace ${entry.spec.stopGraceMs / 1000} s)` : ''}`,
        );
        this.setState(entry, 'stopped');
      }
    }
    this.guard.release();
    await Promise.all(this.entries.map((e) => e.log.close()));
    if (this.failure) this.settle.reject(this.failure);
    else this.settle.resolve();
  }

  private async launch(entry: Entry, signal?: AbortSignal): Promise<void> {
    const { spec } = entry;
    this.setState(entry, 'starting');
    let run: ProcessRun | undefined;
    const owner = groupOwnerCheck(this.deps.listenerOwner ?? listenerOwner, () => run?.pid, this.deps.table);
    // Listening before the spawn: a ready line printed at once is not missed.
    using probe = processProbe(spec.ready, { name: spec.name, lines: entry.log, owner });
    entry.observation = undefined;
    try {
      run = new ProcessRun(spec, (line, stream) => entry.log.write(line, stream), this.deps);
    } catch (error) {
      this.setState(entry, 'crashed');
      this.culprit ??= entry;
      throw error;
    }
    const started = run;
    entry.run = run;
    entry.readyAt = undefined;
    if (run.identity) {
      const { pid, startTime } = run.identity;
      entry.log.mark(`started, pid ${pid}${run.note ? ` (${run.note})` : ''}`);
      this.options.hooks?.spawned?.(spec.name, { pid, startTime, startedAt: new Date(run.startedAt).toISOString(), stopGraceMs: spec.stopGraceMs });
    }
    void run.exited.then((exit) => {
      entry.lastExit = exit;
      if (started.pid !== undefined) this.options.hooks?.ended?.(spec.name, started.pid);
    });
    const local = new AbortController();
    const cancel = AbortSignal.any([local.signal, this.stopController.signal, ...(signal ? [signal] : [])]);
    type Outcome = { kind: 'ready' } | { kind: 'timeout' } | { kind: 'exit'; exit: ExitInfo } | { kind: 'aborted'; reason: unknown };
    const outcome = await Promise.race<Outcome>([
      run.exited.then((exit) => ({ kind: 'exit', exit })),
      probe.wait({ ...processWait, timeoutMs: spec.readyTimeoutMs, signal: cancel }).then(
        (): Outcome => ({ kind: 'ready' }),
        (reason): Outcome => (reason instanceof ProbeTimeout ? { kind: 'timeout' } : { kind: 'aborted', reason }),
      ),
    ]);
    local.abort();
    entry.observation = probe.observation;
    if (outcome.kind === 'ready') {
      entry.readyAt = Date.now();
      entry.readyAfterMs = entry.readyAt - run.startedAt;
      this.setState(entry, 'ready');
      void run.exited.then((exit) => this.afterReadyExit(entry, started, exit));
      return;
    }
    await run.stop(); // also what it left in its group when it exited by itself
    // A head start that ran nothing: the process itself has not started yet. The next spawn is cold.
    if (outcome.kind === 'exit' && outcome.exit.declined !== undefined && this.stopping === undefined && !signal?.aborted) {
      entry.log.mark(`head start declined (${outcome.exit.declined}): starting it cold`);
      return this.launch(entry, signal);
    }
    // The caller gave up (Ctrl-C), or the loop is stopping (another process crashed, `tldr stop`):
    // this process was cut short, it did not fail — the reason is what stopped the loop.
    if (signal?.aborted) {
      if (entry.state !== 'stopped') this.setState(entry, 'stopped');
      throw signal.reason ?? new Error('aborted');
    }
    if (this.stopping !== undefined || outcome.kind === 'aborted') {
      if (entry.state !== 'stopped') this.setState(entry, 'stopped');
      throw (
        this.failure ??
        new ServiceError(`the dev loop was stopped while ${spec.name} was starting`, { code: 'dev-stopped', hint: 'start it again with `tldr dev`' })
      );
    }
    this.setState(entry, 'crashed');
    this.culprit ??= entry;
    if (outcome.kind === 'exit' && outcome.exit.error) throw outcome.exit.error;
    const what =
      outcome.kind === 'exit'
        ? `exited with ${describeExit(outcome.exit)} before it was ready`
        : `was not ready after ${spec.readyTimeoutMs / 1000} s (${entry.readiness})`;
    const seen = entry.observation ? `: ${entry.observation}` : '';
    throw entryFailure(
      entry,
      `${spec.name} ${what}${outcome.kind === 'timeout' ? seen : ''}`,
      outcome.kind === 'exit' ? 'process-exited-early' : 'process-not-ready',
    );
  }

  // A process that ended after it was ready: restart with backoff, or fail the whole loop.
  private async afterReadyExit(entry: Entry, run: ProcessRun, first: ExitInfo): Promise<void> {
    if (entry.run !== run || this.stopping) return;
    await run.stop(); // whatever it left in its group (npm run → node) goes too
    let exit = first;
    for (;;) {
      if (entry.readyAt !== undefined && Date.now() - entry.readyAt >= STABLE_RUN_MS) entry.consecutive = 0;
      const decision = decideRestart(entry.spec, exit, entry.consecutive);
      if (!decision.restart) return this.giveUp(entry, exit, decision.reason);
      const seconds = (decision.delayMs / 1000).toFixed(decision.delayMs % 1000 ? 1 : 0);
      entry.log.mark(`exited with ${describeExit(exit)}; restart ${decision.attempt}/${entry.spec.restartLimit} in ${seconds} s`);
      this.setState(entry, 'restarting', `${describeExit(exit)}; restarting in ${seconds} s`);
      if (!(await sleep(decision.delayMs, this.stopController.signal))) return;
      entry.restarts += 1;
      entry.consecutive = decision.attempt;
      try {
        await this.launch(entry);
        return;
      } catch (error) {
        if (this.stopping) return;
        entry.log.mark((error as Error).message);
        const notReady = (error as { code?: string }).code === 'process-not-ready';
        exit = notReady || !entry.lastExit ? { code: null, signal: null, reason: notReady ? 'not ready in time' : (error as Error).message } : entry.lastExit;
      }
    }
  }

  private giveUp(entry: Entry, exit: ExitInfo, reason: string): void {
    const clean = exit.code === 0 && !exit.signal;
    entry.log.mark(`exited with ${describeExit(exit)}${clean ? '' : `; not restarted (${reason})`}`);
    this.setState(entry, clean ? 'exited' : 'crashed', describeExit(exit));
    if (clean) {
      if (this.entries.every((e) => e.state === 'exited' || e.state === 'pending')) void this.stop();
      return;
    }
    const after = entry.restarts ? ` after ${entry.restarts} restart(s)` : '';
    this.failure ??= entryFailure(entry, `${entry.spec.name} crashed: ${describeExit(exit)}${after}`, 'process-crashed');
    this.culprit ??= entry;
    void this.stop();
  }

  private entry(name: string): Entry {
    const entry = this.entries.find((e) => e.spec.name === name);
    if (!entry) throw new Error(`no process named ${name}`);
    return entry;
  }

  private setState(entry: Entry, state: ProcessState, message?: string): void {
    entry.state = state;
    this.options.hooks?.state?.(statusOf(entry), message);
  }
}
