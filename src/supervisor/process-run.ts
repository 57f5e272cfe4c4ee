import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ConfigError } from '../errors.js';
import { splitLines } from '../output/line-splitter.js';
import { spawnGroup, type ChildExit, type Spawn } from '../process/group.js';
import { defaultProcessTable, identify, type ProcessIdentity, type ProcessTable } from '../process/process-table.js';
import { terminateGroup, type TerminateOutcome } from '../process/terminate.js';
import type { Stream } from './process-log.js';
import type { SupervisedProcess } from './types.js';

export interface ExitInfo extends ChildExit {
  /** Why it ended when it is not an exit code or a signal (e.g. a failed readiness check). */
  reason?: string;
}

export interface ProcessRunDeps {
  spawn?: Spawn;
  table?: ProcessTable;
}

/** One start of one process, in its own process group, from spawn to exit. A restart is a new run. */
export class ProcessRun {
  readonly startedAt = Date.now();
  readonly identity: ProcessIdentity | undefined;
  /** How it was started, when that is not a plain spawn (an adopted head start). */
  readonly note: string | undefined;
  /** Resolves once the process has exited and its last output line was delivered. */
  readonly exited: Promise<ExitInfo>;
  private readonly leaderExited: Promise<ExitInfo>;
  private exit: ExitInfo | undefined;
  private stopping: Promise<TerminateOutcome> | undefined;
  private readonly streams: Readable[];

  constructor(
    readonly spec: SupervisedProcess,
    onLine: (line: string, stream: Stream) => void,
    private readonly deps: ProcessRunDeps = {},
  ) {
    if (!existsSync(spec.cwd)) {
      throw new ConfigError(`processes.${spec.name}: folder ${spec.cwd} does not exist`, {
        code: 'process-dir-missing',
        hint: `fix processes.${spec.name}.dir (relative to the config file)`,
      });
    }
    const child = (deps.spawn ?? spawnGroup)(spec);
    this.note = child.note;
    this.identity = child.pid === undefined ? undefined : (identify(child.pid, deps.table ?? defaultProcessTable) ?? { pid: child.pid, startTime: '?' });
    const drained: Array<Promise<void>> = [];
    for (const [stream, source] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      if (source) drained.push(splitLines(source, (line) => onLine(line, stream)));
    }
    this.leaderExited = child.result;
    this.streams = [child.stdout, child.stderr].filter((x): x is Readable => x !== null);
    // The leader's last lines arrive right after its exit; a straggler that keeps the pipe open
    // (a grandchild) must not hold up the report, so wait for the streams only briefly.
    this.exited = child.result.then(async (exit) => {
      await Promise.race([Promise.all(drained), new Promise((resolve) => setTimeout(resolve, 300).unref())]);
      this.exit = exit;
      return exit;
    });
  }

  get pid(): number | undefined {
    return this.identity?.pid;
  }

  get running(): boolean {
    return this.identity !== undefined && this.exit === undefined;
  }

  /** Leader-first SIGTERM, SIGKILL to the group after stop_grace; idempotent (one SIGTERM, ever). */
  stop(): Promise<TerminateOutcome> {
    if (!this.identity) return Promise.resolve({ killed: false, durationMs: 0 });
    this.stopping ??= terminateGroup(this.identity, {
      graceMs: this.spec.stopGraceMs,
      leaderExited: this.leaderExited,
      ...(this.deps.table ? { table: this.deps.table } : {}),
    }).then(async (outcome) => {
      await this.exited;
      // The group is gone; a process that left it (setsid) may still hold the pipes open, and
      // reading them would keep tldr alive for a writer it no longer supervises.
      for (const stream of this.streams) stream.destroy();
      return outcome;
    });
    return this.stopping;
  }
}
