import { paint, type Palette } from './colors.js';
import type { TestEvent } from './events.js';

export type TestRecord = Pick<TestEvent, 'id' | 'outcome' | 'durationMs' | 'message'>;

export interface TestCounts {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export interface TestReport {
  counts: TestCounts;
  durationMs: number;
  /** Failed and errored tests, each message cut to its first lines. */
  failures: Array<{ id: string; outcome: 'failed' | 'error'; message?: string }>;
  /** The slowest tests, slowest first. */
  slowest: Array<{ id: string; durationMs: number }>;
}

export interface SummarizeOptions {
  /** @default 5 */
  slowest?: number;
  /** @default 20 */
  maxFailures?: number;
  /** @default 6 */
  messageLines?: number;
}

/** Counts, failures and slowest tests of a run, small enough for a `result` object. Pure. */
export function summarizeTests(records: TestRecord[], durationMs: number, options: SummarizeOptions = {}): TestReport {
  const counts: TestCounts = { total: records.length, passed: 0, failed: 0, errors: 0, skipped: 0 };
  for (const r of records) counts[r.outcome === 'error' ? 'errors' : r.outcome] += 1;
  const failures = records
    .filter((r): r is TestRecord & { outcome: 'failed' | 'error' } => r.outcome === 'failed' || r.outcome === 'error')
    .slice(0, options.maxFailures ?? 20)
    .map((r) => ({ id: r.id, outcome: r.outcome, ...(r.message ? { message: firstLines(r.message, options.messageLines ?? 6) } : {}) }));
  const slowest = records
    .filter((r) => Math.round(r.durationMs) > 0 && r.outcome !== 'skipped')
    .sort((a, b) => b.durationMs - a.durationMs || a.id.localeCompare(b.id))
    .slice(0, options.slowest ?? 5)
    .map((r) => ({ id: r.id, durationMs: Math.round(r.durationMs) }));
  return { counts, durationMs: Math.round(durationMs), failures, slowest };
}

/** "3 passed, 1 failed, 1 error, 1 skipped" (zero counts left out, except an all-zero run). */
export function countsText(counts: TestCounts): string {
  const parts = [
    [counts.passed, 'passed'],
    [counts.failed, 'failed'],
    [counts.errors, counts.errors === 1 ? 'error' : 'errors'],
    [counts.skipped, 'skipped'],
  ].filter(([n]) => Number(n) > 0);
  return parts.length ? parts.map(([n, word]) => `${n} ${word}`).join(', ') : 'no tests ran';
}

/** The closing block a person reads: each failure's id and first lines, then the slowest tests. */
export function formatTestSummary(report: TestReport, palette: Palette): string {
  const lines: string[] = [];
  const hidden = report.counts.failed + report.counts.errors - report.failures.length;
  if (report.failures.length) {
    lines.push('', paint(palette, 'bold', 'Failures'));
    for (const f of report.failures) {
      lines.push(`  ${f.outcome === 'failed' ? paint(palette, 'red', 'FAIL') : paint(palette, 'red', 'ERR ')} ${f.id}`);
      for (const line of (f.message ?? '').split('\n').filter(Boolean)) lines.push(`       ${paint(palette, 'dim', line)}`);
    }
    if (hidden > 0) lines.push(`  … and ${hidden} more (see the test events or the JUnit report)`);
  }
  if (report.slowest.length) {
    lines.push('', paint(palette, 'bold', 'Slowest'));
    for (const s of report.slowest) lines.push(`  ${formatMs(s.durationMs).padStart(8)}  ${s.id}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function firstLines(text: string, n: number): string {
  const lines = text.split('\n');
  return lines.length > n ? [...lines.slice(0, n), '…'].join('\n') : text;
}
