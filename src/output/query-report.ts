import { paint, type Palette } from './colors.js';
import type { TopQuery } from './events.js';

/** An `n-plus-one` finding of `tldr test`: a `finding` event's fields (paths relative to the config folder). */
export interface QueryFinding {
  code: 'n-plus-one';
  severity: 'warning';
  /** The test's top-level package. */
  app: string | null;
  migration: null;
  file: string;
  line: number;
  message: string;
  hint: string;
  test: string;
  count: number;
  shape: string;
  relation: string | null;
  fix: 'select_related' | 'prefetch_related' | null;
}

/** A finding that `tests.n_plus_one.ignore` silenced: listed, never reported. */
export interface IgnoredQueryFinding {
  test: string;
  file: string;
  line: number;
  count: number;
  /** The ignore entry as written in tldr.config.yaml. */
  by: { site: string } | { test: string };
  reason: string;
}

/** What a test sent, for JUnit's `system-out` and `--verbose`. */
export interface TestQueries {
  queries?: number;
  setupQueries?: number;
  topQueries?: TopQuery[];
  queriesUngrouped?: number;
  findingsOmitted?: number;
}

const SHAPE_IN_MESSAGE = 100;

/** `SELECT … FROM "x" WHERE …` cut for one line (the event's `shape` keeps the runner's 240 characters). */
export function shortShape(shape: string, max = SHAPE_IN_MESSAGE): string {
  return shape.length > max ? `${shape.slice(0, max - 1)}…` : shape;
}

/** The finding's one-line message: which test, how often, what (the hint names the relation and the fix). */
export function queryFindingMessage(f: Pick<QueryFinding, 'test' | 'count' | 'shape'>): string {
  return `${f.test}: the same query ran ${f.count}× from this line: ${shortShape(f.shape)}`;
}

/**
 * The closing block's part on queries: each finding as `file:line  test  N× relation → fix`, then
 * the ignored ones in one line each. Pure; empty when there is nothing to say.
 */
export function formatQueryFindings(
  findings: QueryFinding[],
  ignored: IgnoredQueryFinding[],
  palette: Palette,
  options: { strict: boolean; omitted?: number },
): string {
  if (!findings.length && !ignored.length) return '';
  const lines = ['', paint(palette, 'bold', `N+1 queries${options.strict && findings.length ? ' (fail under --strict)' : ''}`)];
  for (const f of findings) {
    const fix = f.fix ? `  → ${f.fix}${f.relation ? ` (${f.relation})` : ''}` : '';
    lines.push(`  ${paint(palette, 'yellow', 'warn')} ${f.file}:${f.line}  ${f.count}× in ${f.test}${paint(palette, 'dim', fix)}`);
  }
  if (options.omitted) lines.push(`  … and ${options.omitted} more (see the finding events)`);
  for (const i of ignored) {
    const by = 'site' in i.by ? `site ${i.by.site}` : `test ${i.by.test}`;
    lines.push(`  ${paint(palette, 'dim', `ignored ${i.file}:${i.line}  ${i.count}× in ${i.test} (${by}: ${i.reason})`)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** JUnit `system-out` of one test: its query counts, top shapes and findings, as plain text. Pure. */
export function queriesSystemOut(queries: TestQueries, findings: QueryFinding[], ignored: IgnoredQueryFinding[]): string {
  if (queries.queries === undefined && !findings.length && !ignored.length) return '';
  const lines: string[] = [];
  if (queries.queries !== undefined) lines.push(`queries: ${queries.queries}${queries.setupQueries ? ` (+${queries.setupQueries} in setUp/tearDown)` : ''}`);
  for (const q of queries.topQueries ?? []) lines.push(`  ${String(q.count).padStart(4)}× ${q.file ? `${q.file}:${q.line ?? '?'}  ` : ''}${q.shape}`);
  for (const f of findings) {
    lines.push(`n-plus-one (warning) ${f.file}:${f.line}: ${f.count}× ${f.shape}`);
    lines.push(`  fix: ${f.hint}`);
  }
  if (queries.findingsOmitted) lines.push(`… and ${queries.findingsOmitted} more n-plus-one findings`);
  for (const i of ignored) lines.push(`n-plus-one ignored ${i.file}:${i.line}: ${i.count}× (${'site' in i.by ? 'site' : 'test'}: ${i.reason})`);
  if (queries.queriesUngrouped) lines.push(`${queries.queriesUngrouped} queries not grouped (too many distinct shapes and sites)`);
  return lines.join('\n');
}
