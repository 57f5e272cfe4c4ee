import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { openPrivateFile } from '../config/private-files.js';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// The cold path's earliest head start. bin/tldr.js calls `startEarly` before tldr's own code loads
// (~80 ms of library and config): when this command line ran with a head start before, from this
// folder, the same bootstrap is spawned at once with `--await-env` — it only imports Django until
// tldr, having checked everything, sends it the environment. tldr then adopts the child
// (`takeEarlyStart`) when it is exactly the one it would spawn, and dismisses it otherwise. The
// record holds no secret: argv, folder, stdio and the interpreter-level variables only.
//
// This file imports only a leaf module of tldr's (private files): it is
// bundled on its own (dist/bundle/early.cjs) and loads before the rest.

/** `.tldr/head-start.json`: what the last head starts spawned, by command line. */
export const EARLY_RECORD = 'head-start.json';
const CONFIG_FILE = 'tldr.config.yaml';
const MAX_ENTRIES = 20;
const GLOBAL = Symbol.for('tldr.earlyStart');

/** One remembered head start: what was spawned, and the variables the interpreter reads at its start. */
export interface EarlyEntry {
  file: string;
  args: string[];
  cwd: string;
  piped: boolean;
  lifeline: boolean;
  /** Interpreter-level variables (and PYTHONPATH) of the environment the command got; unset ones absent. */
  interpreterEnv: Record<string, string>;
  /** For pruning: the newest entries are kept. */
  usedAt: number;
}

export interface EarlyRecord {
  v: 1;
  entries: Record<string, EarlyEntry>;
}

/** What `startEarly` leaves for tldr: the command line's key, and the child when one was spawned. */
export interface EarlyStart {
  key: string;
  /** The project's state folder, where the record lives. */
  stateDir: string;
  entry?: EarlyEntry;
  child?: ChildProcess;
  /** When the child was spawned, in ms since this process started. */
  spawnedMs?: number;
  /** Set once this command line's head start is in the record. */
  recorded?: boolean;
  /** Whether the project ran a warm server when tldr started (a warm call forks instead). */
  warm?: boolean;
}

// Mirrors _INTERPRETER_PREFIXES / _INTERPRETER_NAMES in src/python/tldr_start/environ.py (a unit
// test holds the two equal): read by the interpreter or the C library at start, so the bootstrap
// must be spawned with the values the command will get.
const INTERPRETER_PREFIXES = ['PYTHON', 'LC_', 'LD_', 'DYLD_', 'OPENSSL_', 'MALLOC_'];
const INTERPRETER_NAMES = ['LANG', 'LANGUAGE', 'TZ', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/** Whether the interpreter (or the C library under it) reads `key` when it starts; PYTHONPATH included. */
export function interpreterLevel(key: string): boolean {
  return INTERPRETER_PREFIXES.some((p) => key.startsWith(p)) || INTERPRETER_NAMES.includes(key);
}

/** The variables of `env` the bootstrap must start with: what `EarlyEntry.interpreterEnv` holds. */
export function interpreterEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => interpreterLevel(e[0]) && e[1] !== undefined));
}

/** The key of a command line: the folder, the words, and which standard streams are terminals (they decide stdio). */
export function earlyKey(cwd: string, args: readonly string[], tty: readonly boolean[]): string {
  return JSON.stringify([cwd, args, tty.map((t) => (t ? 1 : 0)).join('')]);
}

// Flags that change which project or path a command takes: a command line with one starts nothing early.
const NOT_EARLY = new Set(['--cwd', '--config', '--cold', '--help', '-h', '--version', '-V']);
// Commands that run several backend commands, or none for a long time (an MCP server): only a
// one-command line is remembered, so its next run's first backend command is the one spawned.
const MANY_COMMANDS = new Set(['mcp', 'dev', 'ci', 'run', 'warm']);

/**
 * Spawns the remembered head start of this command line, if there is one and no warm server runs
 * for the project (a warm call forks instead). Never throws: anything unexpected means no early start.
 */
export function startEarly(args: readonly string[], cwd: string = process.cwd()): void {
  try {
    if (args.length === 0 || args.some((a) => NOT_EARLY.has(a) || a.startsWith('--cwd=') || a.startsWith('--config='))) return;
    const command = args.find((a) => !a.startsWith('-')) ?? '';
    if (command === 'dev' && args.includes('--detach')) {
      const root = projectRoot(cwd);
      if (root) startEarlySupervisor(root);
      return;
    }
    if (MANY_COMMANDS.has(command)) return;
    const root = projectRoot(cwd);
    if (!root) return;
    const stateDir = join(root, '.tldr');
    const key = earlyKey(cwd, args, [process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY].map(Boolean));
    const start: EarlyStart = { key, stateDir };
    (globalThis as { [GLOBAL]?: EarlyStart })[GLOBAL] = start;
    start.warm = existsSync(join(stateDir, 'warm.json'));
    if (start.warm) return;
    const entry = readEarlyRecord(stateDir).entries[key];
    if (!entry || !existsSync(entry.cwd)) return;
    start.entry = entry;
    start.child = spawnEntry(entry);
    start.spawnedMs = Math.round(performance.now());
    start.child.on('error', () => undefined);
    // Until adopted it must not keep tldr alive (a config error ends tldr; the 'exit' hook kills it).
    holdsTldr(start.child, false);
    // Not adopted by the time tldr exits (a config error, another path): nothing ran, and nothing is left.
    process.once('exit', () => dismissEarly());
  } catch {
    // no early start
  }
}

function projectRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function readEarlyRecord(stateDir: string): EarlyRecord {
  return readRecord(join(stateDir, EARLY_RECORD), (r: EarlyRecord) => r.entries, { v: 1, entries: {} });
}

// A record file of version 1 whose `part` is an object; `empty` when there is none yet, or it is unreadable.
function readRecord<T extends { v: 1 }>(path: string, part: (record: T) => unknown, empty: T): T {
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as T;
    if (record.v === 1 && part(record) && typeof part(record) === 'object') return record;
  } catch {
    // none yet, or unreadable
  }
  return empty;
}

/** `record` with `entry` under `key`, keeping the newest MAX_ENTRIES. */
export function withEarlyEntry(record: EarlyRecord, key: string, entry: EarlyEntry): EarlyRecord {
  const entries = Object.entries({ ...record.entries, [key]: entry })
    .sort((a, b) => b[1].usedAt - a[1].usedAt)
    .slice(0, MAX_ENTRIES);
  return { v: 1, entries: Object.fromEntries(entries) };
}

/** A backend child's stdio (spawn.ts): the standard streams (piped, or the terminal's), then the lifeline and a head start's control socket. */
export function childStdio(piped: boolean, lifeline: boolean, control: boolean): StdioOptions {
  return [
    ...(piped ? ['ignore', 'pipe', 'pipe'] : ['inherit', 'inherit', 'inherit']),
    ...(lifeline ? ['pipe'] : []),
    ...(control ? ['pipe'] : []),
  ] as StdioOptions;
}

function spawnEntry(entry: EarlyEntry): ChildProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !interpreterLevel(k)) env[k] = v;
  Object.assign(env, entry.interpreterEnv);
  return spawn(entry.file, entry.args, { cwd: entry.cwd, env, stdio: childStdio(entry.piped, entry.lifeline, true), detached: entry.piped });
}

/** This command line's early start (its key even when nothing was spawned); undefined when bin/tldr.js made none. */
export function earlyStart(): EarlyStart | undefined {
  return (globalThis as { [GLOBAL]?: EarlyStart })[GLOBAL];
}

/** Whether a remembered head start is exactly the one wanted: same program, argv, folder, stdio and interpreter-level variables. */
export function sameEntry(entry: Omit<EarlyEntry, 'usedAt'>, want: Omit<EarlyEntry, 'usedAt'>): boolean {
  return (
    entry.file === want.file &&
    entry.cwd === want.cwd &&
    entry.piped === want.piped &&
    entry.lifeline === want.lifeline &&
    JSON.stringify(entry.args) === JSON.stringify(want.args) &&
    JSON.stringify(sorted(entry.interpreterEnv)) === JSON.stringify(sorted(want.interpreterEnv))
  );
}

const running = (child: ChildProcess): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null;

/**
 * The early child, when it is exactly the head start tldr is about to spawn (same program, argv,
 * folder, stdio and interpreter-level variables) and still running; it is then tldr's to run.
 * Any other early child is dismissed.
 */
export function takeEarlyStart(want: Omit<EarlyEntry, 'usedAt'>): ChildProcess | undefined {
  const start = earlyStart();
  const { child, entry } = start ?? {};
  if (!start || !child || !entry) return undefined;
  if (!sameEntry(entry, want) || !running(child)) {
    dismissEarly();
    return undefined;
  }
  delete start.child;
  holdsTldr(child, true);
  return child;
}

// Whether `child` (its exit, its pipes) keeps this process's event loop alive.
function holdsTldr(child: ChildProcess, hold: boolean): void {
  if (hold) child.ref();
  else child.unref();
  for (const stream of child.stdio) {
    const handle = stream as { ref?(): void; unref?(): void } | null;
    if (hold) handle?.ref?.();
    else handle?.unref?.();
  }
}

/** Stops an early child nobody adopted. Before go it has only imported Django: SIGKILL is safe. */
export function dismissEarly(): void {
  const start = earlyStart();
  const child = start?.child;
  if (!start || !child) return;
  delete start.child;
  try {
    if (running(child)) process.kill(start.entry?.piped ? -child.pid! : child.pid!, 'SIGKILL');
  } catch {
    // gone already
  }
}

function sorted(env: Record<string, string>): Array<[string, string]> {
  return Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// The detached dev loop's head starts. scripts/supervise.cjs calls `startDevEarly` before the
// supervisor's own code loads: for each Django process the last detached loop of this project ran
// (`.tldr/dev-head-start.json`), the bootstrap is spawned at once with `--await-env`, in its own
// process group, and imports Django while `tldr dev --detach` still checks the services and the
// migrations. The plan then says what each process is; a head start that is exactly it is adopted
// (`takeDevEarly`), every other one dismissed. Without a plan (the parent failed or is gone) the
// bootstraps read end-of-file and exit having run nothing; the 'exit' hook kills them too.

/** `.tldr/dev-head-start.json`: what the last detached dev loop would spawn early, by process name. */
export const DEV_EARLY_RECORD = 'dev-head-start.json';
const DEV_GLOBAL = Symbol.for('tldr.devEarlyStart');

export interface DevEarlyRecord {
  v: 1;
  processes: Record<string, EarlyEntry>;
}

interface DevEarlyChild {
  entry: EarlyEntry;
  child: ChildProcess;
  /** When it was spawned, in ms since the supervisor started. */
  spawnedMs: number;
}

const devEarly = (): Map<string, DevEarlyChild> => {
  const slot = globalThis as { [DEV_GLOBAL]?: Map<string, DevEarlyChild> };
  return (slot[DEV_GLOBAL] ??= new Map());
};

export function readDevEarlyRecord(stateDir: string): DevEarlyRecord {
  return readRecord(join(stateDir, DEV_EARLY_RECORD), (r: DevEarlyRecord) => r.processes, { v: 1, processes: {} });
}

/** Spawns the remembered head starts of the project in `cwd` (the supervisor runs in the project root). Never throws. */
export function startDevEarly(cwd: string = process.cwd()): void {
  try {
    const { processes } = readDevEarlyRecord(join(cwd, '.tldr'));
    for (const [name, entry] of Object.entries(processes)) {
      if (!entry.piped || entry.lifeline || !existsSync(entry.cwd)) continue;
      const child = spawnEntry(entry);
      child.on('error', () => undefined);
      devEarly().set(name, { entry, child, spawnedMs: Math.round(performance.now()) });
    }
    if (devEarly().size) process.once('exit', () => dismissDevEarly());
  } catch {
    // no early start
  }
}

/**
 * Keeps the head starts that are exactly what the plan runs (`wants`, by process name; a process
 * without a head start maps to undefined) and dismisses every other one.
 */
export function keepDevEarly(wants: Record<string, Omit<EarlyEntry, 'usedAt'> | undefined>): void {
  for (const [name, early] of devEarly()) {
    const want = wants[name];
    if (!want || !sameEntry(early.entry, want) || !running(early.child)) dismissDevEarly(name);
  }
}

/** The kept head start of process `name`, still waiting (to send it the expected environment). */
export function peekDevEarly(name: string): ChildProcess | undefined {
  const early = devEarly().get(name);
  return early && running(early.child) ? early.child : undefined;
}

/** The kept head start of process `name`, now the caller's to run; undefined when there is none. */
export function takeDevEarly(name: string): { child: ChildProcess; spawnedMs: number } | undefined {
  const early = devEarly().get(name);
  if (!early) return undefined;
  devEarly().delete(name);
  if (running(early.child)) return early;
  return undefined;
}

/** Stops the head starts nobody adopted (all, or the one of `name`). Before go they have only imported Django: SIGKILL is safe. */
export function dismissDevEarly(name?: string): void {
  for (const [key, { child }] of [...devEarly()]) {
    if (name !== undefined && key !== name) continue;
    devEarly().delete(key);
    try {
      if (running(child)) process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

// The detached supervisor itself, started by bin/tldr.js for `tldr dev --detach` when the last
// loop of this project had Django head starts: it (and, through it, the head starts) then starts
// ~100 ms sooner, while tldr loads. Until its plan it writes nothing, to a log of its own
// (`supervisor.log.early-<pid of tldr>`); `tldr dev --detach` adopts it when it is exactly the supervisor it
// would spawn (the log then rotated and this one renamed into place), and kills it otherwise. None
// while a loop runs or starts here (`.tldr/supervisor.json`).

const SUPERVISOR_GLOBAL = Symbol.for('tldr.earlySupervisor');

/**
 * `node dist/bundle/supervise.cjs` (the bundled entry, with V8's code cache; `dist/supervisor/main.js` without a bundle).
 * The paths hold from src/process/, dist/process/ and dist/bundle/ alike: all sit two levels down.
 */
export function supervisorArgv(): string[] {
  const bundled = fileURLToPath(new URL('../../dist/bundle/supervise.cjs', import.meta.url));
  return [process.execPath, existsSync(bundled) ? bundled : fileURLToPath(new URL('../../dist/supervisor/main.js', import.meta.url))];
}

/** `.tldr/logs/supervisor.log`: the background supervisor's own output. */
export function supervisorLogPath(stateDir: string): string {
  return join(stateDir, 'logs', 'supervisor.log');
}

/** What the detached supervisor is started with: the parent compares its own choice with it. */
export interface SupervisorLaunch {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  logFile: string;
}

/**
 * Where an early supervisor writes until it is adopted: beside its log, renamed into place then.
 * Named after the tldr that started it: two starts at once never share (or remove) each other's.
 */
export const earlyLogPath = (logFile: string, owner: number = process.pid): string => `${logFile}.early-${owner}`;

/**
 * The supervisor's environment: `env`, with NODE_EXTRA_CA_CERTS moved aside when it is the bundled
 * entry (scripts/supervise.cjs puts it back before anything runs; Node does not parse the file at start).
 */
export function supervisorEnv(argv: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const all = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  const { NODE_EXTRA_CA_CERTS: ca, ...rest } = all;
  if (ca === undefined || !argv[1]?.endsWith('supervise.cjs')) return all;
  return { ...rest, TLDR_NODE_EXTRA_CA_CERTS: ca };
}

function startEarlySupervisor(root: string): void {
  const stateDir = join(root, '.tldr');
  if (Object.keys(readDevEarlyRecord(stateDir).processes).length === 0 || existsSync(join(stateDir, 'supervisor.json'))) return;
  const argv = supervisorArgv();
  if (!argv[1]!.endsWith('supervise.cjs')) return;
  const launch: SupervisorLaunch = { argv, env: supervisorEnv(argv, process.env), cwd: root, logFile: supervisorLogPath(stateDir) };
  const log = openPrivateFile(earlyLogPath(launch.logFile), 'w');
  let child: ChildProcess;
  try {
    child = spawn(argv[0]!, argv.slice(1), { cwd: root, env: launch.env, detached: true, stdio: ['pipe', log, log] });
  } finally {
    closeSync(log);
  }
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  // Not adopted, it must not keep tldr alive (a config error ends tldr; the 'exit' hook kills it).
  holdsTldr(child, false);
  (globalThis as { [SUPERVISOR_GLOBAL]?: { launch: SupervisorLaunch; child: ChildProcess } })[SUPERVISOR_GLOBAL] = { launch, child };
  process.once('exit', () => dismissEarlySupervisor());
}

/**
 * The supervisor bin/tldr.js started, when it is exactly `want` and still waits for its plan; it is
 * then the caller's, still writing to `earlyLogPath(want.logFile)`. Any other is killed; undefined then.
 */
export function takeEarlySupervisor(want: SupervisorLaunch): ChildProcess | undefined {
  const slot = globalThis as { [SUPERVISOR_GLOBAL]?: { launch: SupervisorLaunch; child: ChildProcess } };
  const early = slot[SUPERVISOR_GLOBAL];
  if (!early) return undefined;
  const { launch, child } = early;
  const same =
    JSON.stringify(launch.argv) === JSON.stringify(want.argv) &&
    launch.cwd === want.cwd &&
    launch.logFile === want.logFile &&
    JSON.stringify(sorted(launch.env)) === JSON.stringify(sorted(want.env));
  if (!same || !running(child)) {
    dismissEarlySupervisor();
    return undefined;
  }
  delete slot[SUPERVISOR_GLOBAL];
  holdsTldr(child, true);
  return child;
}

/** Kills an early supervisor nobody adopted (its head starts read end-of-file and exit). */
export function dismissEarlySupervisor(): void {
  const slot = globalThis as { [SUPERVISOR_GLOBAL]?: { launch: SupervisorLaunch; child: ChildProcess } };
  const early = slot[SUPERVISOR_GLOBAL];
  delete slot[SUPERVISOR_GLOBAL];
  if (!early) return;
  try {
    if (running(early.child)) process.kill(-early.child.pid!, 'SIGKILL');
  } catch {
    // gone already
  }
  rmSync(earlyLogPath(early.launch.logFile), { force: true });
}
