import type { MigrationObservation, ObservedStatement } from './document.js';

/** One observed statement in words: "rewrites orders_order under ACCESS EXCLUSIVE". Pure. */
export function describeStatement(entry: Pick<ObservedStatement, 'table' | 'index' | 'lock' | 'rewrite'>): string {
  if (entry.index) return `rebuilds index ${entry.index} of ${entry.table} under ${entry.lock}`;
  return entry.rewrite ? `rewrites ${entry.table} under ${entry.lock}` : `locks ${entry.table} (${entry.lock})`;
}

export interface ObservationSummary {
  /** `app.migration` */
  migration: string;
  statements: ObservedStatement[];
  /** Statements of this migration left out of the summary. */
  more: number;
}

/**
 * The observations for a `result` (which stays a few KB): the migrations whose statements locked
 * or rewrote an existing table, at most `limit` statements in all, rewrites first, each
 * statement's SQL cut to `width` characters. Pure.
 */
export function summariseObservations(observations: MigrationObservation[], limit = 20, width = 60): ObservationSummary[] {
  const ranked = observations.flatMap((o, m) => o.statements.map((s, i) => ({ m, i, rank: s.rewrite ? 0 : 1 })));
  ranked.sort((a, b) => a.rank - b.rank || a.m - b.m || a.i - b.i);
  const kept = new Set(ranked.slice(0, limit).map((r) => `${r.m}:${r.i}`));
  return observations
    .map((o, m) => {
      const statements = o.statements.filter((_, i) => kept.has(`${m}:${i}`)).map((s) => ({ ...s, statement: cut(s.statement, width) }));
      return { migration: `${o.app}.${o.migration}`, statements, more: o.more + o.statements.length - statements.length };
    })
    .filter((o) => o.statements.length || o.more);
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
