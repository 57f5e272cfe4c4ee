import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { writePrivateFile } from '../config/private-files.js';
import {
  DEV_EARLY_RECORD,
  interpreterEnv,
  type DevEarlyRecord,
  keepDevEarly,
  peekDevEarly,
  readDevEarlyRecord,
  takeDevEarly,
  type EarlyEntry,
} from '../process/early-start.js';
import { spawnGroup, type ChildExit, type GroupSpec, type Spawn, type SpawnedChild } from '../process/group.js';
import { controlEvents } from '../process/spawn.js';
import type { SupervisedProcess } from './types.js';

// The detached dev loop's side of its head starts (src/process/early-start.ts spawns them): which
// process gets one, adopting it, a declined one, and the record for the next loop.

// As in src/process/spawn.ts: the supervisor gives its processes no lifeline, so the control socket is fd 3.
const CONTROL_FD = 3;

/** The head start that is exactly `spec` run cold: its bootstrap, told to wait for the environment. */
export function headStartEntry(spec: SupervisedProcess): Omit<EarlyEntry, 'usedAt'> | undefined {
  const head = spec.headStart;
  if (!head) return undefined;
  return {
    file: spec.file,
    args: [...spec.args.slice(0, head.scriptAt), head.bootstrap, '--control-fd', String(CONTROL_FD), '--await-env', '--', ...spec.args.slice(head.scriptAt)],
    cwd: spec.cwd,
    piped: true,
    lifeline: false,
    interpreterEnv: interpreterEnv(spec.env),
  };
}

/** Once the plan is known: the head starts it runs are kept, every other one is dismissed. */
export function keepHeadStarts(specs: readonly SupervisedProcess[]): void {
  keepDevEarly(Object.fromEntries(specs.map((spec) => [spec.name, headStartEntry(spec)])));
}

// Head starts that were sent the expected environment: they set Django up with it before the plan.
const prepared = new WeakSet<object>();

/**
 * Before the plan: the processes as they will most likely be (the expected service values). Each
 * kept head start that is exactly its process gets that environment now and sets Django up while
 * the services and migrations are checked; when the plan's environment differs, it declines go.
 */
export function expectHeadStarts(specs: readonly SupervisedProcess[]): void {
  keepHeadStarts(specs);
  for (const spec of specs) {
    const child = spec.headStart ? peekDevEarly(spec.name) : undefined;
    const control = child?.stdio[CONTROL_FD] as Duplex | null | undefined;
    if (!child || !control || prepared.has(child)) continue;
    control.on('error', () => undefined);
    control.write(`${JSON.stringify({ op: 'env', env: spec.env })}\n`);
    prepared.add(child);
  }
}

/**
 * The background supervisor's spawn: a process's kept head start when it has one (sent its
 * environment and go at once), else `fallback`. A head start that declines (its preparation
 * failed, or the environment was not the one it imported with) ends with `declined` set, having
 * run and printed nothing; the supervisor then starts the process cold.
 */
export function headStartSpawn(fallback: Spawn = spawnGroup): Spawn {
  return (spec: GroupSpec & Pick<SupervisedProcess, 'headStart'>) => {
    const early = spec.headStart ? takeDevEarly(spec.name) : undefined;
    const control = early?.child.stdio[CONTROL_FD] as Duplex | null | undefined;
    if (!early || !control) return fallback(spec);
    const { child } = early;
    let reason: string | undefined;
    const answer = controlEvents(control, (event) => {
      if (event.event === 'declined') reason = String(event.reason);
    });
    const message = (op: string) => `${JSON.stringify({ op, env: spec.env })}\n`;
    control.write((prepared.has(child) ? '' : message('env')) + message('go'));
    const result = new Promise<ChildExit>((resolve) => {
      child.once('exit', (code, signal) => {
        // The answer comes before the exit; its socket closes when the program starts (or with the process).
        const late = new Promise<'declined'>((r) => setTimeout(() => r('declined'), 1000).unref());
        void Promise.race([answer, late]).then((said) => {
          if (said === 'started') resolve({ code, signal });
          else resolve({ code, signal, declined: reason ?? `the head start ended (${signal ?? code}) before it ran the program` });
        });
      });
    });
    return {
      pid: child.pid,
      stdout: child.stdout,
      stderr: child.stderr,
      result,
      note: `head start: adopted, spawned ${Math.max(0, Math.round(performance.now()) - early.spawnedMs)} ms before the plan arrived`,
    } satisfies SpawnedChild;
  };
}

/**
 * Writes `.tldr/dev-head-start.json` for the next detached loop: the head start of each process in
 * the plan that has one (with one, bin/tldr.js starts the next supervisor itself). A process whose
 * interpreter-level variables hold a secret gets no head start (the record holds no secret).
 * Never throws: without a record the next loop just starts cold.
 */
export function rememberHeadStarts(stateDir: string, specs: readonly SupervisedProcess[], redact: (text: string) => string): void {
  try {
    const processes: Record<string, EarlyEntry> = {};
    for (const spec of specs) {
      const entry = headStartEntry(spec);
      if (entry && Object.values(entry.interpreterEnv).every((value) => redact(value) === value)) processes[spec.name] = { ...entry, usedAt: Date.now() };
    }
    const before = readDevEarlyRecord(stateDir);
    const record: DevEarlyRecord = { v: 1, processes };
    const bare = (r: DevEarlyRecord) => JSON.stringify(Object.entries(r.processes).map(([k, { usedAt: _, ...e }]) => [k, e]));
    if (bare(before) !== bare(record)) writePrivateFile(join(stateDir, DEV_EARLY_RECORD), `${JSON.stringify(record)}\n`, { atomic: true });
  } catch {
    // a read-only state folder: no head start next time
  }
}
