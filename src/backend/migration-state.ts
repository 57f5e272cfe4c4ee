import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PythonChoice } from './python.js';
import { readState, updateState } from '../config/state.js';
import { extraCaLoaded } from '../process/extra-ca.js';
import { plainTarget, simpleQuery } from '../readiness/pg-wire.js';

export interface MigrationFile {
  app: string;
  name: string;
  /** `size:mtime`, so an edited file changes the fingerprint. */
  stamp: string;
}

export interface AppliedRow {
  app: string;
  name: string;
}

export interface MigrationCheck {
  /** True when `manage.py migrate` can be skipped without starting Django. */
  skip: boolean;
  /** Why, in a few words, for the step line and `--json`. */
  reason: string;
  /** `app.name` of local migration files with no django_migrations row. */
  pending: string[];
}

const skipDirs = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv', 'env']);

/** Migration files of the apps under backend.dir (`<app>/migrations/<name>.py`, up to three levels down). */
export function localMigrations(backendDir: string, depth = 3): MigrationFile[] {
  const out: MigrationFile[] = [];
  const walk = (dir: string, level: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || skipDirs.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.name === 'migrations' && existsSync(join(path, '__init__.py'))) out.push(...filesIn(path));
      else if (level < depth) walk(path, level + 1);
    }
  };
  walk(backendDir, 1);
  return out.sort((a, b) => `${a.app}.${a.name}`.localeCompare(`${b.app}.${b.name}`));
}

function filesIn(migrationsDir: string): MigrationFile[] {
  const app = basename(dirname(migrationsDir));
  return readdirSync(migrationsDir)
    .filter((f) => f.endsWith('.py') && !f.startsWith('_') && !f.startsWith('~'))
    .map((f) => {
      const stat = statSync(join(migrationsDir, f));
      return { app, name: f.slice(0, -3), stamp: `${stat.size}:${Math.round(stat.mtimeMs)}` };
    });
}

/** Local migration files without a django_migrations row (app label = the app's folder name). Pure. */
export function pendingMigrations(files: Array<Pick<MigrationFile, 'app' | 'name'>>, rows: AppliedRow[]): string[] {
  const applied = new Set(rows.map((r) => `${r.app}.${r.name}`));
  return files.map((f) => `${f.app}.${f.name}`).filter((id) => !applied.has(id));
}

/**
 * What can change the answer without touching a local migration file: the settings (a new app
 * in INSTALLED_APPS), the installed packages (a Django upgrade brings contrib migrations), the
 * database (rows rolled back, another server). Stats and one hash; no Python.
 */
export function migrationFingerprint(input: {
  files: MigrationFile[];
  rows: AppliedRow[];
  env: Record<string, string>;
  backendDir: string;
  python: PythonChoice;
}): string {
  const hash = createHash('sha256');
  const add = (label: string, value: string) => hash.update(`${label}=${value}\n`);
  for (const f of input.files) add(`file ${f.app}.${f.name}`, f.stamp);
  for (const r of [...input.rows].sort((a, b) => `${a.app}.${a.name}`.localeCompare(`${b.app}.${b.name}`))) add('row', `${r.app}.${r.name}`);
  add('database', input.env.DATABASE_URL ?? '');
  add('python', input.python.argv.join(' '));
  for (const path of [...settingsFiles(input.backendDir, input.env.DJANGO_SETTINGS_MODULE), ...packageDirs(input.backendDir, input.python)])
    add(path, stampOf(path));
  return hash.digest('hex').slice(0, 24);
}

function stampOf(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.size}:${Math.round(stat.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

function settingsFiles(backendDir: string, module: string | undefined): string[] {
  if (!module) return [];
  const base = join(backendDir, ...module.split('.'));
  if (existsSync(`${base}.py`)) return [`${base}.py`];
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((f) => f.endsWith('.py'))
    .map((f) => join(base, f));
}

// A package install or upgrade renames an entry in site-packages, which changes the folder's mtime.
function packageDirs(backendDir: string, python: PythonChoice): string[] {
  const head = python.argv[0] ?? '';
  const venv = python.kind === 'uv' ? join(backendDir, '.venv') : head.includes('/') ? dirname(dirname(head)) : undefined;
  // A venv made with --system-site-packages also sees the system's packages: stamp both.
  const roots = [...(venv && existsSync(join(venv, 'pyvenv.cfg')) ? [join(venv, 'lib')] : []), '/usr/lib', '/usr/local/lib'];
  const out: string[] = [];
  for (const root of roots) {
    let entries: string[] = [];
    try {
      entries = readdirSync(root).filter((e) => /^python3(\.\d+)?$/.test(e));
    } catch {
      continue;
    }
    for (const entry of entries) for (const sub of ['site-packages', 'dist-packages']) if (existsSync(join(root, entry, sub))) out.push(join(root, entry, sub));
  }
  return out.sort();
}

const STATE_KEY = 'devMigrations';

// pg costs ~40 ms to import: only a URL with TLS or options (an external server) needs it.
let pgModule: Promise<typeof import('pg')> | undefined;
const loadPg = () => (pgModule ??= extraCaLoaded().then(() => import('pg')));

/** django_migrations rows, or undefined when the table does not exist yet (a fresh database). */
export async function appliedRows(databaseUrl: string): Promise<AppliedRow[] | undefined> {
  // tldr's own services (no TLS, no options): the protocol directly, without loading pg (~40 ms).
  const plain = plainTarget(databaseUrl);
  if (plain) {
    try {
      return (await simpleQuery(plain, 'SELECT app, name FROM django_migrations', 5000)) as unknown as AppliedRow[];
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return undefined;
      throw error;
    }
  }
  const { default: pg } = await loadPg();
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const result = await client.query<AppliedRow>('SELECT app, name FROM django_migrations');
    return result.rows;
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return undefined;
    throw error;
  } finally {
    client.end().catch(() => undefined);
  }
}

/**
 * The cheap "anything to migrate?" check of `tldr dev`: local migration files against the
 * django_migrations rows, read over SQL, plus the fingerprint remembered after the last migrate.
 * Any doubt (no DATABASE_URL, a query error, a changed fingerprint) means "run migrate".
 */
export async function checkMigrations(
  stateDir: string,
  backendDir: string,
  env: Record<string, string>,
  python: PythonChoice,
): Promise<MigrationCheck & { fingerprint?: string }> {
  const url = env.DATABASE_URL;
  if (!url) return { skip: false, reason: 'DATABASE_URL is not set, cannot check', pending: [] };
  const files = localMigrations(backendDir);
  let rows: AppliedRow[] | undefined;
  try {
    rows = await appliedRows(url);
  } catch (error) {
    return { skip: false, reason: `could not read django_migrations (${(error as Error).message})`, pending: [] };
  }
  if (!rows) return { skip: false, reason: 'fresh database', pending: files.map((f) => `${f.app}.${f.name}`) };
  const pending = pendingMigrations(files, rows);
  if (pending.length) return { skip: false, reason: `${pending.length} pending`, pending };
  const fingerprint = migrationFingerprint({ files, rows, env, backendDir, python });
  if (readState(stateDir)[STATE_KEY] !== fingerprint)
    return { skip: false, reason: 'settings, packages or database changed since the last check', pending, fingerprint };
  return { skip: true, reason: `nothing pending (${rows.length} applied)`, pending, fingerprint };
}

/** After a successful migrate: remember the fingerprint, so the next `tldr dev` can skip. */
export async function rememberMigrations(stateDir: string, backendDir: string, env: Record<string, string>, python: PythonChoice): Promise<void> {
  const url = env.DATABASE_URL;
  if (!url) return;
  const rows = (await appliedRows(url).catch(() => undefined)) ?? [];
  const fingerprint = migrationFingerprint({ files: localMigrations(backendDir), rows, env, backendDir, python });
  updateState(stateDir, (state) => (state[STATE_KEY] = fingerprint));
}

/**
 * The applied migrations `migrate APP MIGRATION` would unapply, judged from the django_migrations
 * rows alone (no Django start), erring towards "backwards": `zero` unapplies every applied one of
 * the app; a target that is applied unapplies the app's applied migrations whose names sort after
 * it (Django numbers them); a target not applied yet is a forward migrate. Pure.
 */
export function unappliedBy(rows: AppliedRow[], app: string, migration: string): string[] {
  const applied = rows
    .filter((r) => r.app === app)
    .map((r) => r.name)
    .sort();
  if (migration === 'zero') return applied.map((name) => `${app}.${name}`);
  const target = applied.includes(migration) ? migration : applied.find((name) => name.startsWith(migration));
  if (target === undefined) return [];
  return applied.filter((name) => name > target).map((name) => `${app}.${name}`);
}
