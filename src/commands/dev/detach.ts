import { renameSync } from 'node:fs';
import { resolvePython } from '../../backend/python.js';
import { logLimits } from '../../config/size.js';
import { rotateFiles } from '../../output/rotating-log.js';
import { ServiceError, TldrError } from '../../errors.js';
import { controlRequest } from '../../supervisor/control-client.js';
import { startupOutcomeOf, type StartupOutcome } from '../../supervisor/control-protocol.js';
import { BackgroundProcess } from '../../process/background.js';
import { earlyLogPath, supervisorEnv, takeEarlySupervisor } from '../../process/early-start.js';
import { expectedServiceValues } from '../../services/expected.js';
import type { ExpectMessage } from '../../supervisor/detached.js';
import type { SupervisedProcess } from '../../supervisor/types.js';
import { supervisorLogPath } from '../../supervisor/process-log.js';
import type { ProcessIdentity } from '../../process/process-table.js';
import type { ReapedGroup } from '../../supervisor/reap.js';
import type { SupervisorRecord } from '../../supervisor/record.js';
import { supervisorArgv, type SuperviseInput } from '../../supervisor/plan.js';
import { statesLine } from '../../supervisor/states.js';
import type { DevData, DevOptions, DevResult } from './types.js';
import { processSpec } from './process-spec.js';
import { devMigrateStep, runDevSteps, upStep } from './steps.js';
import type { StepContext } from '../../pipeline/types.js';
import { readLastLines } from '../../output/log-file.js';

interface DetachOptions extends DevOptions {
  signal: AbortSignal;
  context: StepContext;
  names: string[];
  record: SupervisorRecord;
  self: ProcessIdentity;
  reaped: ReapedGroup[];
}

/**
 * The parent side of `tldr dev --detach`: the background supervisor is spawned first (its Node
 * start-up overlaps services and migrations), gets its plan on stdin once those are done, and
 * this process returns when every process is ready (exit 0) or one failed (exit 4).
 */
export async function devDetached(options: DetachOptions): Promise<DevResult> {
  const { project, context, names, record, signal } = options;
  const logFile = supervisorLogPath(project.stateDir);
  const logs = logLimits(project.config.logs);
  const argv = supervisorArgv();
  const env = supervisorEnv(argv, project.env);
  // bin/tldr.js may have started it already, log rotated, exactly as it would be started here.
  const early = takeEarlySupervisor({ argv, env, cwd: project.root, logFile });
  rotateFiles(logFile, logs.keep);
  if (early) renameSync(earlyLogPath(logFile), logFile);
  await using background = new BackgroundProcess({ argv, env, cwd: project.root, logFile, ...(early ? { adopt: early } : {}) });
  // The Django processes as they will most likely be: their head starts set Django up meanwhile.
  const expected = early ? expectedProcesses(project, names, context) : undefined;
  if (expected) background.write({ op: 'expect', processes: expected } satisfies ExpectMessage);
  let migrations: DevData['migrations'];
  let ready: Extract<StartupOutcome, { ok: true }> | undefined;
  const handOff = {
    name: 'start:background',
    title: `Start ${names.join(', ')} in the background`,
    async run(ctx: StepContext) {
      const env = await ctx.env();
      const services = await ctx.services();
      const python = resolvePython(project);
      const input: SuperviseInput = {
        version: 1,
        stateDir: project.stateDir,
        configFile: project.file,
        socket: record.current.socket,
        parent: options.self,
        processes: names.map((name) => processSpec(project, python, name, env, services)),
        down: Boolean(options.down),
        logs,
      };
      background.send(input);
      const outcome = await waitForStartup(record.current.socket, background, logFile, ctx, signal);
      if (!outcome.ok) {
        // It stops its processes itself; give it the time to, then make sure (disposal terminates it).
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([background.exited, new Promise((r) => (timer = setTimeout(r, 30_000)))]);
        clearTimeout(timer);
        throw TldrError.fromJSON(outcome.error);
      }
      ready = outcome;
      background.handOff();
      return { message: outcome.processes.map((p) => `${p.name} ready after ${((p.readyAfterMs ?? 0) / 1000).toFixed(1)} s`).join(', ') };
    },
  };
  await runDevSteps(context, [upStep, devMigrateStep((check) => (migrations = check)), handOff]);
  const processes = ready!.processes;
  return {
    exitCode: 0,
    summary: `dev loop running in the background (pid ${background.pid}): ${statesLine(processes)} — tldr ps · tldr logs NAME · tldr stop`,
    data: {
      processes,
      reaped: options.reaped,
      supervisor: {
        pid: background.pid!,
        startedAt: record.current.startedAt,
        configHash: record.current.configHash,
        configFile: project.file,
        detached: true,
        processes: names,
        socket: record.current.socket,
        log: logFile,
      },
      ...(migrations ? { migrations } : {}),
    },
  };
}

async function waitForStartup(socket: string, background: BackgroundProcess, logFile: string, ctx: StepContext, signal: AbortSignal): Promise<StartupOutcome> {
  let exited: number | string | undefined;
  void background.exited.then((code) => (exited = code));
  const deadline = Date.now() + 30_000;
  for (let connected = false; ;) {
    signal.throwIfAborted();
    if (!connected && Date.now() > deadline) {
      throw new ServiceError('the background supervisor did not open its control socket within 30 s', {
        code: 'supervisor-silent',
        details: readTail(logFile, 20).map((l) => `  ${l}`),
        hint: `full log: ${logFile}`,
      });
    }
    if (exited !== undefined) {
      const tail = readTail(logFile, 20);
      throw new ServiceError(`the background supervisor exited (${exited}) before its processes were ready`, {
        code: 'supervisor-exited',
        details: tail.map((l) => `  ${l}`),
        hint: `full log: ${logFile}`,
      });
    }
    let outcome: StartupOutcome | undefined;
    try {
      await controlRequest(
        socket,
        { op: 'wait' },
        (message) => {
          connected = true;
          if (message.type === 'line') ctx.log(message.name, message.line, message.stream);
          outcome ??= startupOutcomeOf(message);
          // The outcome is the last line: the supervisor's close lags while it loads the warm server.
          return outcome ? 'done' : undefined;
        },
        signal,
      );
    } catch {
      await new Promise((r) => setTimeout(r, 5));
      continue;
    }
    signal.throwIfAborted();
    if (outcome) return outcome;
  }
}

function readTail(path: string, lines: number): string[] {
  return readLastLines(path, lines * 2)
    .filter(Boolean)
    .slice(-lines);
}

// The processes with the services' expected values (config + .tldr/state.json); undefined when those are not known yet.
function expectedProcesses(project: DetachOptions['project'], names: string[], context: StepContext): SupervisedProcess[] | undefined {
  try {
    const env = context.expectedEnv?.();
    const values = expectedServiceValues(project);
    if (!env || !values) return undefined;
    const python = resolvePython(project);
    return names.map((name) => processSpec(project, python, name, env, values));
  } catch {
    return undefined; // the plan says what is wrong
  }
}
