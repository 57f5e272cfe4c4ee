import { usageError } from '../errors.js';

// Typed argv for the manage.py commands tldr wraps. User values stay single argv elements; the
// checks below only turn Django's late, confusing failures into early usage errors (exit 2).

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

function requireIdentifier(kind: string, value: string, example: string): void {
  if (!identifier.test(value)) throw usageError(`${kind} ${JSON.stringify(value)} is not a Python identifier`, `use a name like ${example}`);
}

export interface MigrateArgs {
  app?: string;
  /** A migration name or prefix, or `zero`; needs `app`. */
  migration?: string;
  /** Never prompt (no terminal, or an agent). */
  noinput?: boolean;
}

/** The one rule between migrate's two positionals: a migration names an app's migration. */
export function migrateTargetProblem(app: string | undefined, migration: string | undefined): { message: string; hint: string } | undefined {
  return migration !== undefined && app === undefined
    ? { message: 'a migration needs its app', hint: 'tldr migrate APP MIGRATION, e.g. tldr migrate documents 0001' }
    : undefined;
}

export function migrateArgs({ app, migration, noinput }: MigrateArgs = {}): string[] {
  const target = migrateTargetProblem(app, migration);
  if (target) throw usageError(target.message, target.hint);
  if (app !== undefined) requireIdentifier('app label', app, 'documents');
  if (migration !== undefined && !/^\w+$/.test(migration))
    throw usageError(`migration ${JSON.stringify(migration)} is not a migration name`, 'use a name like 0002_add_field, a prefix like 0002, or zero');
  return ['migrate', ...(noinput ? ['--noinput'] : []), ...(app ? [app] : []), ...(migration ? [migration] : [])];
}

export interface MakemigrationsArgs {
  apps?: string[];
  name?: string;
  noinput?: boolean;
  /** Exit 1 when model changes have no migration (Django's --check). */
  check?: boolean;
  /** Say what would be written, write nothing (Django's --dry-run). */
  dryRun?: boolean;
}

export function makemigrationsArgs({ apps = [], name, noinput, check, dryRun }: MakemigrationsArgs = {}): string[] {
  for (const app of apps) requireIdentifier('app label', app, 'documents');
  if (name !== undefined) requireIdentifier('migration name', name, 'add_status_index');
  return [
    'makemigrations',
    ...(noinput ? ['--noinput'] : []),
    ...(check ? ['--check'] : []),
    ...(dryRun ? ['--dry-run'] : []),
    ...(name ? ['--name', name] : []),
    ...apps,
  ];
}

/** The Django test runner helper tldr ships in src/python (on PYTHONPATH while tests run). */
export const TEST_RUNNER = 'tldr_testrunner.TldrTestRunner';

export interface TestArgs {
  labels?: string[];
  keepdb?: boolean;
  parallel?: number | 'auto';
  failfast?: boolean;
}

export function testArgs({ labels = [], keepdb, parallel, failfast }: TestArgs = {}): string[] {
  const args = ['test', '--noinput', '--testrunner', TEST_RUNNER];
  if (keepdb) args.push('--keepdb');
  if (parallel !== undefined && parallel !== 1) args.push('--parallel', String(parallel));
  if (failfast) args.push('--failfast');
  // `--` ends the options: a label can never be read as a flag (`--settings=…`).
  if (labels.length) args.push('--', ...labels);
  return args;
}

/** `N`, `auto` or nothing → the --parallel value; anything else is a usage error. */
export function parseParallel(value: string | number | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  const n = typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1)
    throw usageError(`--parallel ${JSON.stringify(String(value))}: expected a whole number ≥ 1 or "auto"`, 'e.g. --parallel 4 or --parallel auto');
  return n;
}

export interface Shard {
  index: number;
  total: number;
}

/** What a shard looks like (the same rule as tldr_testrunner's TLDR_TEST_SHARD). */
export const SHARD_RULE = 'I/N with 1 ≤ I ≤ N';

/** `I/N` with 1 ≤ I ≤ N, or undefined. */
export function shardOf(value: string): Shard | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  return match && total >= 1 && index >= 1 && index <= total ? { index, total } : undefined;
}

export function parseShard(value: string): Shard {
  const shard = shardOf(value);
  if (!shard) throw usageError(`--shard ${JSON.stringify(value)}: expected ${SHARD_RULE}`, 'e.g. --shard 1/4 in the first of four CI jobs');
  return shard;
}

/** `celery -A <app> worker -l info` plus the caller's extra arguments (later ones win in celery). */
export function workerArgs(extra: string[] = []): string[] {
  return ['worker', '-l', 'info', ...extra];
}
