import { EnvironmentError, TldrError } from '../errors.js';
import type { Output } from '../output/output.js';
import { identify } from '../process/process-table.js';
import { adoptRecord } from './record.js';
import { DEFAULT_LOG_LIMITS, watchInheritedLog } from '../output/rotating-log.js';
import { supervisorLogPath } from './process-log.js';
import type { SuperviseInput } from './plan.js';
import { DevLoop } from './dev-loop.js';
import { dismissDevEarly } from '../process/early-start.js';
import { expectHeadStarts, headStartSpawn, keepHeadStarts, rememberHeadStarts } from './head-start.js';
import type { ProcessStatus, SupervisedProcess } from './types.js';

export interface SuperviseOptions {
  output: Output;
  signal?: AbortSignal;
  /** Where the plan comes from. @default process.stdin */
  input?: NodeJS.ReadableStream;
  /**
   * `tldr dev --detach --down`: stops the services once the loop has ended (the supervisor layer
   * knows no services; its callers do). Without it the services stay up.
   */
  stopServices?: (configFile: string) => Promise<void>;
  /** Once every process is ready: what runs beside the loop (the warm Django server); awaited before `onStopped`. */
  onStarted?: (configFile: string) => Promise<void>;
  /** After the processes stopped, before the services (`--down`). */
  onStopped?: (stateDir: string) => Promise<void>;
}

/** What `tldr dev --detach` may write before its plan: the processes with the expected environment. */
export interface ExpectMessage {
  op: 'expect';
  processes: SupervisedProcess[];
}

/** The plan is the last line of stdin; an `expect` line before it is handed on at once. */
export async function readPlan(input: NodeJS.ReadableStream, onExpect: (message: ExpectMessage) => void): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += chunk.toString();
    for (let end = text.indexOf('\n'); end !== -1 && text.startsWith('{"op":"expect"'); end = text.indexOf('\n')) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      try {
        const message = JSON.parse(line) as ExpectMessage;
        if (Array.isArray(message.processes)) onExpect(message);
      } catch {
        // not a message: only the plan counts
      }
    }
  }
  return text;
}

function parseInput(text: string): SuperviseInput {
  try {
    const input = JSON.parse(text) as SuperviseInput;
    if (input.version === 1 && Array.isArray(input.processes) && input.socket && input.stateDir) return input;
  } catch {
    // fall through
  }
  throw new EnvironmentError('tldr supervise: no plan on stdin (it is started by `tldr dev --detach`, not by hand)', {
    code: 'supervise-no-plan',
    hint: 'run `tldr dev --detach`',
  });
}

/**
 * The background supervisor of `tldr dev --detach` (the hidden `tldr supervise`): reads its plan
 * from stdin, takes over the record, serves the control socket, and runs until `tldr stop`, a
 * signal, or a crash. Resolves to the processes' final states.
 */
export async function supervise(options: SuperviseOptions): Promise<ProcessStatus[]> {
  try {
    return await superviseLoop(options);
  } finally {
    // Head starts not adopted (no plan came, another loop owns the record): their pipes would keep this process alive.
    dismissDevEarly();
  }
}

async function superviseLoop(options: SuperviseOptions): Promise<ProcessStatus[]> {
  const { output } = options;
  const signal = options.signal ?? new AbortController().signal;
  const input = parseInput(
    await readPlan(options.input ?? process.stdin, (expected) => {
      for (const spec of expected.processes) output.secrets.addEnv(spec.env);
      expectHeadStarts(expected.processes);
    }),
  );
  const self = identify(process.pid)!;
  const record = adoptRecord(input.stateDir, input.parent, self);
  if (!record)
    throw new EnvironmentError('another dev loop owns .tldr/supervisor.json', { code: 'dev-already-running', hint: 'see `tldr ps`; stop it with `tldr stop`' });
  for (const spec of input.processes) output.secrets.addEnv(spec.env);
  keepHeadStarts(input.processes);
  const limits = input.logs ?? DEFAULT_LOG_LIMITS;
  const stopWatchingLog = watchInheritedLog(2, supervisorLogPath(input.stateDir), limits);
  const names = input.processes.map((p) => p.name);
  const loop = new DevLoop({
    stateDir: input.stateDir,
    specs: input.processes,
    record,
    redact: (line) => output.secrets.redact(line),
    supervisorLog: supervisorLogPath(input.stateDir),
    logLimits: limits,
    deps: { spawn: headStartSpawn() },
    onState: (status, message) =>
      output.note(`${new Date().toISOString()} ${status.name}: ${status.state}${message ? ` (${message})` : ''}${status.pid ? ` pid ${status.pid}` : ''}`),
  });
  let failure: unknown;
  let beside: Promise<void> | undefined;
  try {
    await loop.serve(() => ({
      pid: process.pid,
      startedAt: record.current.startedAt,
      configHash: record.current.configHash,
      configFile: input.configFile,
      detached: true,
      processes: names,
    }));
    try {
      loop.startupSettled({ ok: true, processes: await loop.supervisor.startAll(signal) });
    } catch (error) {
      loop.startupSettled({ ok: false, error: TldrError.of(error).toJSON() });
      throw error;
    } finally {
      rememberHeadStarts(input.stateDir, input.processes, (text) => output.secrets.redact(text));
      dismissDevEarly(); // what the plan kept but did not start (an earlier process failed)
    }
    beside = options.onStarted?.(input.configFile).catch(() => undefined);
    await loop.run(signal);
    return loop.supervisor.status();
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await beside;
    await options.onStopped?.(input.stateDir).catch(() => undefined);
    await loop.close();
    loop.recordEnding(failure, signal);
    if (input.down) await options.stopServices?.(input.configFile);
    record.release(self);
    stopWatchingLog();
  }
}
