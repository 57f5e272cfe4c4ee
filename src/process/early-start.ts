import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The cold path's earliest head start. bin/tldr.js calls `startEarly` before tldr's own code loads
// (~80 ms of library and config): when this command line ran with a head start before, from this
// folder, the same bootstrap is spawned at once with `--await-env` — it only imports Django until
// tldr, having checked everything, sends it the environment. tldr then adopts the child
// (`takeEarlyStart`) when it is exactly the one it would spawn, and dismisses it otherwise. The
// record holds no secret: argv, folder, stdio and the interpreter-level variables only.
//
// This file imports nothing of tldr's: it is bundled on its own (dist/bundle/early.cjs).

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
    if (MANY_COMMANDS.has(args.find((a) => !a.startsWith('-')) ?? '')) return;
    const root = projectRoot(cwd);
    if (!root) return;
    const stateDir = join(root, '.tldr');
    const key = earlyKey(cwd, args, [process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY].map(Boolean));
    const start: EarlyStart = { key, stateDir };
    (globalThis as { [GLOBAL]?: EarlyStart })[GLOBAL] = start;
    if (existsSync(join(stateDir, 'warm.json'))) return;
    const entry = readEarlyRecord(stateDir).entries[key];
    if (!entry || !existsSync(entry.cwd)) return;
    start.entry = entry;
    start.child = spawnEntry(entry);
    start.spawnedMs = Math.round(performance.now());
    start.child.on('error', () => undefined);
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
  try {
    const record = JSON.parse(readFileSync(join(stateDir, EARLY_RECORD), 'utf8')) as EarlyRecord;
    if (record.v === 1 && record.entries && typeof record.entries === 'object') return record;
  } catch {
    // none yet, or unreadable: start a new one
  }
  return { v: 1, entries: {} };
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

/**
 * The early child, when it is exactly the head start tldr is about to spawn (same program, argv,
 * folder, stdio and interpreter-level variables) and still running; it is then tldr's to run.
 * Any other early child is dismissed.
 */
export function takeEarlyStart(want: Omit<EarlyEntry, 'usedAt'>): ChildProcess | undefined {
  const start = earlyStart();
  const { child, entry } = start ?? {};
  if (!start || !child || !entry) return undefined;
  const same =
    entry.file === want.file &&
    entry.cwd === want.cwd &&
    entry.piped === want.piped &&
    entry.lifeline === want.lifeline &&
    JSON.stringify(entry.args) === JSON.stringify(want.args) &&
    JSON.stringify(sorted(entry.interpreterEnv)) === JSON.stringify(sorted(want.interpreterEnv));
  if (!same || child.exitCode !== null || child.signalCode !== null) {
    dismissEarly();
    return undefined;
  }
  delete start.child;
  return child;
}

/** Stops an early child nobody adopted. Before go it has only imported Django: SIGKILL is safe. */
export function dismissEarly(): void {
  const start = earlyStart();
  const child = start?.child;
  if (!start || !child) return;
  delete start.child;
  try {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(start.entry?.piped ? -child.pid : child.pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

function sorted(env: Record<string, string>): Array<[string, string]> {
  return Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
