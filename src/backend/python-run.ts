import { once } from 'node:events';
import { join } from 'node:path';
import type { Project } from '../config/project.js';
import { EnvironmentError } from '../errors.js';
import { LineSplitter } from '../output/line-splitter.js';
import { writePrivateFile } from '../config/private-files.js';
import { dismissEarly, EARLY_RECORD, earlyStart, readEarlyRecord, withEarlyEntry, type EarlyEntry } from '../process/early-start.js';
import { isAlive } from '../process/process-table.js';
import { sleep } from '../process/sleep.js';
import { runCommand, type CommandSpec, type RunCommandOptions, type RunOutcome } from '../process/spawn.js';
import { pythonHelperDir } from './helpers.js';
import type { PythonChoice } from './python.js';
import { warmRun, type WarmOutcome } from './warm-client.js';
import { forgetWarmServer, liveWarmServer, startWarmServer, type WarmRecord } from './warm-server.js';

/** Which way a backend command ran: through the warm fork server, or as its own process. */
export type ExecutionPath = 'warm' | 'cold';

export interface PythonRun {
  project: Pick<Project, 'stateDir' | 'backendDir' | 'root' | 'config'>;
  python: PythonChoice;
  /** The cold command: `<python…> manage.py …` or `<python…> -m MODULE …`. */
  command: CommandSpec;
  /** The child's environment, once the services are confirmed. */
  env: Promise<Record<string, string>>;
  /** What a fresh warm server is started with: the backend environment without this command's own additions. @default env */
  serverEnv?: Promise<Record<string, string>>;
  /** The same environment as expected before the services answer (for the head start); undefined: unknown. */
  expectedEnv?: Record<string, string> | undefined;
  options: Omit<RunCommandOptions, 'env' | 'headStart'>;
  /** Why this command must run cold (`--cold`, a terminal, an interactive command); undefined: warm when a server runs. */
  coldBecause?: string | undefined;
  /** The warm server may set up the next identical run ahead (`tldr test --keepdb`); see WarmRunRequest.prepare. */
  prepare?: { lateEnv: string[] };
  /** Start Django while the services are checked (cold path). @default true */
  headStart?: boolean;
  /** --verbose lines: which path ran and why. */
  explain(line: string): void;
  /** Takes secrets out of text tldr writes (a restarted warm server's log). */
  redact: (text: string) => string;
}

export interface PythonOutcome extends RunOutcome {
  path: ExecutionPath;
}

/**
 * Runs one Python command of the backend the fastest way that gives the same result: forked from
 * the warm server when one runs for this project and serves the command (a stale one is restarted
 * first), else cold — with a head start when the environment can be expected.
 */
export async function runPython(run: PythonRun): Promise<PythonOutcome> {
  const started = performance.now();
  if (run.coldBecause || run.headStart === false || !run.expectedEnv) dismissEarly();
  if (run.coldBecause) run.explain(`path: cold (${run.coldBecause})`);
  else {
    const warm = await tryWarm(run);
    if (warm) {
      dismissEarly();
      return { ...warm, durationMs: Math.round(performance.now() - started) };
    }
  }
  if (run.options.signal?.aborted) return { exitCode: 130, signal: 'SIGINT', durationMs: Math.round(performance.now() - started), path: 'cold' };
  const headStart =
    run.headStart !== false && run.expectedEnv
      ? {
          bootstrap: join(pythonHelperDir(), 'tldr_bootstrap.py'),
          scriptAt: run.python.argv.length - 1,
          expectedEnv: run.expectedEnv,
          onEvent: (event: Record<string, unknown>) =>
            run.explain(
              event.event === 'ready'
                ? `head start: Django ${event.mode === 'setup' ? 'set up' : event.mode === 'import' ? `imported only (${String(event.reason)})` : `not prepared (${String(event.reason)})`} ${Math.round(Number(event.sinceStartMs ?? 0))} ms after the spawn, while the services were checked`
                : `head start declined (${String(event.reason)}): running it cold`,
            ),
          onSpawn: (early: Omit<EarlyEntry, 'usedAt'>, adopted: boolean) => {
            // Node's own start and tldr's before the spawn: what no head start can overlap.
            run.explain(
              adopted
                ? `head start: bin/tldr.js spawned it ${earlyStart()?.spawnedMs ?? '?'} ms after tldr started, before tldr loaded (this command line had a head start before)`
                : `head start: spawned ${Math.round(performance.now())} ms after tldr started`,
            );
            rememberEarly(run, early);
          },
        }
      : undefined;
  if (!headStart && run.headStart !== false) run.explain('head start: the services have not been started from this checkout yet (nothing in .tldr/state.json)');
  const outcome = await runCommand(run.command, { ...run.options, env: run.env, ...(headStart ? { headStart } : {}) });
  return { ...outcome, path: 'cold' };
}

// What bin/tldr.js spawns for this command line next time: only where this run came from it, for
// this project, and with no secret among the variables kept.
function rememberEarly(run: PythonRun, early: Omit<EarlyEntry, 'usedAt'>): void {
  const start = earlyStart();
  if (!start || start.stateDir !== run.project.stateDir || start.recorded) return;
  // The command line's first backend command only: that is what its next run spawns early.
  start.recorded = true;
  if (Object.values(early.interpreterEnv).some((value) => run.redact(value) !== value)) return;
  try {
    const record = withEarlyEntry(readEarlyRecord(start.stateDir), start.key, { ...early, usedAt: Date.now() });
    writePrivateFile(join(start.stateDir, EARLY_RECORD), `${JSON.stringify(record)}\n`, { atomic: true });
  } catch {
    // a read-only state folder: no early start next time
  }
}

async function tryWarm(run: PythonRun): Promise<PythonOutcome | undefined> {
  let server = liveWarmServer(run.project.stateDir);
  if (!server) {
    run.explain('path: cold (no warm server runs for this project; `tldr warm start` or `tldr dev` starts one)');
    return undefined;
  }
  // With the environment expected before the services answer, the request goes now, held: the
  // server's staleness check, the fork and the child's preparation overlap the service check.
  const expected = run.expectedEnv;
  const hold = expected
    ? run.env.then(
        (env) => sameEnv(env, expected),
        () => false,
      )
    : undefined;
  // A prepared run that was not as a set-up now would leave it ran nothing: the same request again gets a plain fork.
  const serving = server;
  const fork = async (env: Record<string, string>, held?: Promise<boolean>): Promise<WarmOutcome> => {
    const first = await forkOn(serving, run, env, held);
    if (first.kind !== 'cancelled' || !first.prepared) return first;
    run.explain(`warm: the prepared run was not used (${first.reason})`);
    return forkOn(serving, run, env, held);
  };
  let outcome = expected ? await fork(expected, hold) : undefined;
  const held = outcome !== undefined && outcome.kind !== 'cancelled';
  if (outcome?.kind === 'cancelled') run.explain(`warm: the request held while the services were checked was cancelled (${outcome.reason})`);
  const env = await run.env;
  if (!outcome || outcome.kind === 'cancelled') outcome = await fork(env);
  if (outcome.kind === 'stale') {
    run.explain(`warm server pid ${server.pid} is stale (${outcome.reason}): starting a fresh one first`);
    const fresh = await restart(server, run, outcome.reason);
    if (!fresh) return undefined;
    server = fresh;
    outcome = await forkOn(fresh, run, env);
  }
  if (outcome.kind === 'exit') {
    const fork = outcome.prepared
      ? `a run prepared by pid ${server.pid} ${outcome.prepared.ageMs} ms before: ${
          outcome.prepared.setUpAgain ? `its test databases set up again (${outcome.prepared.setUpAgain})` : 'its test databases set up then, unchanged since'
        }`
      : `forked from pid ${server.pid}${outcome.forkMs !== undefined ? ` in ${outcome.forkMs} ms` : ''}`;
    run.explain(`path: warm (${fork}${held ? ', while the services were checked' : ''})`);
    return { exitCode: outcome.exitCode, ...(outcome.signal ? { signal: outcome.signal } : {}), durationMs: outcome.durationMs, path: 'warm' };
  }
  if (outcome.kind === 'lost') {
    throw new EnvironmentError(outcome.reason, {
      code: 'warm-server-lost',
      hint: `the command may have run partly; read ${server.log}, then run it again (--cold bypasses the warm server)`,
    });
  }
  run.explain(`path: cold (the warm server ${outcome.kind === 'refused' ? 'refused it' : `answered ${outcome.kind}`}: ${outcome.reason})`);
  return undefined;
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function forkOn(server: WarmRecord, run: PythonRun, env: Record<string, string>, hold?: Promise<boolean>): Promise<WarmOutcome> {
  const { command, python, options } = run;
  const output = relay(options.onLine);
  return warmRun(
    server.socket,
    {
      argv: command.args.slice(python.argv.length - 1),
      env,
      cwd: command.cwd,
      lifeline: options.lifeline ?? false,
      ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
      ...(options.graceMs ? { graceMs: options.graceMs } : {}),
      ...(run.prepare ? { prepare: run.prepare } : {}),
    },
    {
      onOutput: output.write,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.forwardSignals ? { forwardSignals: true } : {}),
      ...(hold ? { hold } : {}),
    },
  ).finally(output.end);
}

// The child's bytes: split into lines for a piped run, as they are onto tldr's own stdout/stderr otherwise.
function relay(onLine: RunCommandOptions['onLine']): { write: (stream: 'stdout' | 'stderr', data: Buffer) => void | Promise<void>; end: () => void } {
  if (!onLine)
    return { write: (stream, data) => (process[stream].write(data) ? undefined : once(process[stream], 'drain').then(() => undefined)), end: () => undefined };
  const splitters = { stdout: new LineSplitter((l) => onLine(l, 'stdout')), stderr: new LineSplitter((l) => onLine(l, 'stderr')) };
  return { write: (stream, data) => splitters[stream].push(data), end: () => (splitters.stdout.end(), splitters.stderr.end()) };
}

async function restart(stale: WarmRecord, run: PythonRun, reason: string): Promise<WarmRecord | undefined> {
  forgetWarmServer(run.project.stateDir, stale.pid);
  // It exits by itself after answering stale; its socket must be free before the next one binds.
  for (let waited = 0; isAlive(stale) && waited < 5_000; waited += 20) await sleep(20);
  const serverEnv = await (run.serverEnv ?? run.env);
  const started = await startWarmServer(run.project, {
    python: run.python,
    env: serverEnv,
    reason: `restarted: ${reason}`,
    idleTimeoutS: stale.idleTimeoutS,
    owner: stale.owner,
    redact: run.redact,
  });
  if (!started.ok) {
    run.explain(`path: cold (the fresh warm server did not start: ${started.reason})`);
    return undefined;
  }
  return started.record;
}
