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

export interface ObservationsSummary {
  observations: ObservationSummary[];
  /** Statements left out in all (of the listed migrations and of the ones not listed). */
  omitted: number;
}

/**
 * The observations for a `result` (which stays a few KB): the migrations with at least one of the
 * `limit` statements kept (rewrites first), each statement's SQL cut to `width` characters. Pure.
 */
export function summariseObservations(observations: MigrationObservation[], limit = 20, width = 60): ObservationsSummary {
  const ranked = observations.flatMap((o, m) => o.statements.map((s, i) => ({ m, i, rank: s.rewrite ? 0 : 1 })));
  ranked.sort((a, b) => a.rank - b.rank || a.m - b.m || a.i - b.i);
  const kept = new Set(ranked.slice(0, limit).map((r) => `${r.m}:${r.i}`));
  const total = observations.reduce((n, o) => n + o.statements.length + o.more, 0);
  const summaries = observations
    .map((o, m) => {
      const statements = o.statements.filter((_, i) => kept.has(`${m}:${i}`)).map((s) => ({ ...s, statement: cut(s.statement, width) }));
      return { migration: `${o.app}.${o.migration}`, statements, more: o.more + o.statements.length - statements.length };
    })
    .filter((o) => o.statements.length);
  return { observations: summaries, omitted: total - summaries.reduce((n, o) => n + o.statements.length, 0) };
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
