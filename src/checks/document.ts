import { z } from 'zod';
import { findingCodes } from '../config/schema.js';
import { ExitCode, TldrError } from '../errors.js';

// The one JSON document the helper package src/python/tldr_migrate_check writes (schema version 1). Strict where
// tldr depends on a value; unknown extra keys are dropped so the helper can grow fields.

const migrationRef = z.object({ app: z.string().min(1), migration: z.string().min(1) });

export const checkFinding = z.object({
  code: z.enum(findingCodes),
  severity: z.enum(['error', 'warning']),
  app: z.string().nullable(),
  migration: z.string().nullable(),
  file: z.string().nullable(),
  line: z.number().int().positive().nullable(),
  message: z.string().min(1),
  hint: z.string().min(1),
});

export const reversibilityReport = z.union([
  z.object({
    ran: z.literal(true),
    scratchDatabase: z.string(),
    method: z.string(),
    durationMs: z.number(),
    /** Of `durationMs`, the time spent watching locks and rewrites (absent when not watched). */
    watchMs: z.number().optional(),
  }),
  z.object({ ran: z.literal(false), reason: z.string() }),
]);

/** What one statement of a watched migration did to an existing table (or index) on the scratch database. */
export const observedStatement = z.object({
  /** The SQL, whitespace collapsed, at most 100 characters. */
  statement: z.string(),
  table: z.string(),
  /** Set when the entry is about an index of `table` rebuilt on its own. */
  index: z.string().optional(),
  /** The strongest lock the migration's backend held on it after the statement, e.g. `ACCESS EXCLUSIVE`. */
  lock: z.string(),
  /** The relation got a new relfilenode: PostgreSQL rewrote it. */
  rewrite: z.boolean(),
  /** The line of the operation that ran the statement. */
  line: z.number().int().positive().nullable(),
});

/** The statements of one watched (atomic, checked) migration that took a new or stronger lock on an existing table, or rewrote one. */
export const migrationObservation = migrationRef.extend({
  statements: z.array(observedStatement),
  /** Entries left out (the helper keeps the first 30). */
  more: z.number().int().min(0),
});

export const checkDocument = z.object({
  v: z.literal(1),
  django: z.string(),
  settings: z.string().nullable(),
  checked: z.array(migrationRef.extend({ file: z.string().nullable() })),
  unapplied: z.array(migrationRef),
  conflicts: z.array(z.object({ app: z.string(), leaves: z.array(z.string()).min(2) })),
  missing: z.array(z.object({ app: z.string(), changes: z.array(z.string()) })),
  findings: z.array(checkFinding),
  observations: z.array(migrationObservation),
  /** Scratch databases of dead runs that this run dropped. */
  sweptScratch: z.array(z.object({ database: z.string(), pid: z.number().int() })),
  reversibility: reversibilityReport,
  durationMs: z.number(),
});

/** What the helper writes when it cannot run the checks (exit 3). */
export const checkFailure = z.object({
  error: z.object({ message: z.string(), traceback: z.string().optional() }),
});

export type CheckFinding = z.infer<typeof checkFinding>;
export type CheckDocument = z.infer<typeof checkDocument>;
export type CheckFailure = z.infer<typeof checkFailure>;
export type ReversibilityReport = z.infer<typeof reversibilityReport>;
export type ObservedStatement = z.infer<typeof observedStatement>;
export type MigrationObservation = z.infer<typeof migrationObservation>;

/**
 * Validates the helper's document. A mismatch is tldr's own bug (helper and TypeScript out of
 * step), so it is an internal error that names the first wrong field.
 */
export function parseCheckDocument(raw: unknown): { ok: true; document: CheckDocument } | { ok: false; failure: CheckFailure } {
  if (raw && typeof raw === 'object' && 'error' in raw) {
    const failure = checkFailure.safeParse(raw, { jitless: true }); // once per check: no compiled fast path
    if (failure.success) return { ok: false, failure: failure.data };
  }
  const parsed = checkDocument.safeParse(raw, { jitless: true });
  if (parsed.success) return { ok: true, document: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${String(key)}` : String(key)), '');
  throw new TldrError(`the migration helper's result does not match what tldr expects: ${field || '(document)'}: ${issue.message}`, {
    code: 'helper-protocol',
    exitCode: ExitCode.internal,
    hint: 'tldr and its Python helper are out of step; reinstall tldr (npm run build copies src/python to dist/python)',
    details: parsed.error.issues.length > 1 ? [`and ${parsed.error.issues.length - 1} more mismatch(es)`] : [],
  });
}
