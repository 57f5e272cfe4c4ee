import { resolvePython } from '../../backend/python.js';
import { logLimits } from '../../config/size.js';
import { EnvironmentError } from '../../errors.js';
import type { ReapedGroup } from '../../supervisor/reap.js';
import { identify } from '../../process/process-table.js';
import { createRecord, readRecord, SupervisorRecord, type SupervisorRecordData } from '../../supervisor/record.js';
import { controlSocketPath } from '../../supervisor/socket-path.js';
import { commandContext } from '../context.js';
import { devDetached } from './detach.js';
import { DevLoop } from '../../supervisor/dev-loop.js';
import { devConfigHash, processSpec, selectProcesses } from './process-spec.js';
import { checkProcessPorts } from './ports.js';
import { reapAndReport } from './reap.js';
import { statesLine } from '../../supervisor/states.js';
import { awaitRunningLoop } from './wait.js';
import { down } from '../services/down.js';
import { devMigrateStep, runDevSteps, upStep } from './steps.js';
import { managePyNeeds, preflight } from '../preflight.js';
import type { DevData, DevOptions, DevResult } from './types.js';
import { startDevWarm, stopDevWarm } from './warm.js';
import type { StepContext, StepDefinition } from '../../pipeline/types.js';

export type { DevOptions, DevData, DevResult } from './types.js';

/**
 * `tldr dev`: services up → migrate (skipped without starting Django when nothing is pending) →
 * supervise the processes, in the foreground until Ctrl-C / `tldr stop`, or detached.
 */
export async function dev(options: DevOptions): Promise<DevResult> {
  const { project, output } = options;
  const signal = options.signal ?? new AbortController().signal;
  const names = selectProcesses(project.config.processes, options.only);
  preflight(project, { ...managePyNeeds, processes: names });
  const { reaped, running } = await reapAndReport(project, output);
  const configHash = devConfigHash(project.file, names);
  if (running) return reportRunning(running, configHash, options, signal, reaped);
  await checkProcessPorts(project, names);
  const self = identify(process.pid)!;
  const data: SupervisorRecordData = {
    version: 1,
    owner: self,
    startedAt: new Date().toISOString(),
    socket: controlSocketPath(project.stateDir),
    configHash,
    configFile: project.file,
    detached: Boolean(options.detach),
    processes: names,
    groups: {},
  };
  if (!createRecord(project.stateDir, data)) {
    const other = readRecord(project.stateDir);
    if (other) return reportRunning(other, configHash, options, signal, reaped);
    throw new EnvironmentError(`could not create ${project.stateDir}/supervisor.json`, { code: 'dev-record', hint: 'check that .tldr/ is writable' });
  }
  const record = new SupervisorRecord(project.stateDir, data);
  const context = options.context ?? commandContext({ ...options, signal });
  try {
    if (options.detach) return await devDetached({ ...options, signal, context, names, record, self, reaped });
    return await devForeground({ ...options, signal, context, names, record, reaped });
  } finally {
    record.release(self);
  }
}

async function reportRunning(
  record: SupervisorRecordData,
  configHash: string,
  options: DevOptions,
  signal: AbortSignal,
  reaped: ReapedGroup[],
): Promise<DevResult> {
  const since = new Date(record.startedAt).toLocaleTimeString();
  if (record.configHash !== configHash) {
    throw new EnvironmentError(
      `a dev loop with another config is already running (pid ${record.owner.pid}, since ${since}, processes ${record.processes.join(', ')})`,
      {
        code: 'dev-already-running',
        hint: 'stop it first with `tldr stop` (or run the same command and config to just see it)',
      },
    );
  }
  const loop = await awaitRunningLoop(record, options.project.stateDir, options.output, signal);
  return {
    exitCode: 0,
    summary: `dev loop already running (pid ${record.owner.pid}, since ${since}): ${statesLine(loop.processes)}`,
    data: { processes: loop.processes, reaped, supervisor: loop.supervisor, alreadyRunning: true },
  };
}

interface ModeOptions extends DevOptions {
  signal: AbortSignal;
  context: StepContext;
  names: string[];
  record: SupervisorRecord;
  reaped: ReapedGroup[];
}

async function devForeground(options: ModeOptions): Promise<DevResult> {
  const { project, output, context, names, record, signal } = options;
  let migrations: DevData['migrations'];
  let sink: (name: string, line: string, stream: 'stdout' | 'stderr') => void = (name, line, stream) => output.log(name, line, stream);
  let loop: DevLoop | undefined;
  const openLoop = async () => {
    if (loop) return loop;
    const env = await context.env();
    const services = await context.services();
    const python = resolvePython(project);
    const specs = names.map((name) => processSpec(project, python, name, env, services));
    loop = new DevLoop({
      stateDir: project.stateDir,
      specs,
      record,
      redact: (line) => output.secrets.redact(line),
      logLimits: logLimits(project.config.logs),
      onLine: (name, line, stream) => sink(name, line, stream),
    });
    await loop.serve(() => ({
      pid: process.pid,
      startedAt: record.current.startedAt,
      configHash: record.current.configHash,
      configFile: project.file,
      detached: false,
      processes: names,
    }));
    return loop;
  };
  const startSteps = names.map((name): StepDefinition => ({
    name: `start:${name}`,
    title: `Start ${name}`,
    async run(ctx) {
      const current = await openLoop();
      sink = (source, line, stream) => ctx.log(source, line, stream);
      const status = await current.supervisor.start(name, ctx.signal);
      return { message: `ready after ${((status.readyAfterMs ?? 0) / 1000).toFixed(1)} s (${status.readiness})` };
    },
  }));
  let failure: unknown;
  let warm: Promise<void> | undefined;
  try {
    await runDevSteps(context, [upStep, devMigrateStep((check) => (migrations = check)), ...startSteps]);
    sink = (name, line, stream) => output.log(name, line, stream);
    const started = loop!;
    const processes = started.supervisor.status();
    started.startupSettled({ ok: true, processes });
    warm = startDevWarm(project, output, () => context.env());
    output.note(`dev loop running: ${statesLine(processes)} — Ctrl-C stops the processes${options.down ? ' and the services' : '; services stay up'}`);
    await started.run(signal);
    const stoppedBy = signal.aborted ? 'signal' : started.stoppedByRequest ? 'tldr stop' : 'processes exited';
    const final = started.supervisor.status();
    return {
      exitCode: 0,
      summary: `dev loop stopped (${stoppedBy}): ${statesLine(final)}`,
      data: { processes: final, reaped: options.reaped, stoppedBy, ...(migrations ? { migrations } : {}) },
    };
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await warm;
    await stopDevWarm(project.stateDir);
    await loop?.close();
    loop?.recordEnding(failure, signal);
    if (options.down) await down({ project, output }); // the services stop with the loop; their data stays
  }
}
