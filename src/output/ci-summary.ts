import { failedTests, failureLocation, findingTitle, findingWhere, type FindingRecord } from './ci-report.js';
import { countsText, formatMs, summarizeTests, type TestRecord } from './test-report.js';

/** Everything a CI run's summaries are made of. */
export interface CiFacts {
  exitCode: number;
  instance: string;
  shard?: string;
  durationMs: number;
  steps: Array<{ title: string; status: 'ok' | 'failed' | 'skipped'; durationMs: number; message?: string }>;
  findings: FindingRecord[];
  tests: TestRecord[];
  /** The project root: test failure paths are shown relative to it. */
  root: string;
  /** Where the full output is (the test log, the JUnit file). */
  logs: string[];
  /** Annotations GitHub would have dropped, shown only here. */
  annotationsOmitted?: number;
}

/** GitHub's limit for one step's summary is 1 MiB; the rest of the space is kept for a closing line. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024 - 4096;

const mark = { ok: '✅', failed: '❌', skipped: '⏭️' } as const;

/** A Markdown table cell: one line, no `|`, no HTML. */
export function cell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
}

/**
 * `$GITHUB_STEP_SUMMARY`: the steps, every finding and every failed test (with file:line),
 * the slowest tests, under `limit` bytes — a row that does not fit is counted in "… and N more". Pure.
 */
export function stepSummary(facts: CiFacts, limit = STEP_SUMMARY_LIMIT): string {
  const report = summarizeTests(facts.tests, 0, { slowest: 10 });
  const failed = failedTests(facts.tests);
  const head = [
    `## tldr ci${facts.shard ? ` (shard ${facts.shard})` : ''}: ${facts.exitCode === 0 ? 'passed' : `failed (exit ${facts.exitCode})`}`,
    '',
    `${facts.findings.length} finding(s) · ${facts.tests.length ? countsText(report.counts) : 'no tests ran'} · ${formatMs(facts.durationMs)} · services \`${facts.instance}\``,
    '',
    '| step | status | time | |',
    '|---|---|---|---|',
    ...facts.steps.map((s) => `| ${cell(s.title)} | ${mark[s.status]} ${s.status} | ${formatMs(s.durationMs)} | ${cell(s.message ?? '')} |`),
  ];
  const sections: Array<{ title: string; header: string[]; rows: string[] }> = [
    {
      title: `### Findings (${facts.findings.length})`,
      header: ['| severity | code | where | message | fix |', '|---|---|---|---|---|'],
      rows: facts.findings.map((f) => `| ${f.severity} | ${cell(findingTitle(f))} | \`${cell(findingWhere(f))}\` | ${cell(f.message)} | ${cell(f.hint)} |`),
    },
    {
      title: `### Failed tests (${failed.length})`,
      header: ['| test | where | message |', '|---|---|---|'],
      rows: failed.map((t) => {
        const at = failureLocation(t.message, facts.root);
        return `| ${t.outcome === 'failed' ? 'FAIL' : 'ERROR'} \`${cell(t.id)}\` | ${at ? `\`${cell(`${at.file}:${at.line}`)}\`` : ''} | ${cell((t.message ?? '').split('\n')[0] ?? '')} |`;
      }),
    },
    {
      title: '### Slowest tests',
      header: ['| time | test |', '|---|---|'],
      rows: report.slowest.map((s) => `| ${formatMs(s.durationMs)} | \`${cell(s.id)}\` |`),
    },
  ];
  const out = [...head];
  let size = Buffer.byteLength(out.join('\n'));
  let cut = 0;
  for (const section of sections) {
    if (!section.rows.length) continue;
    const opening = ['', section.title, '', ...section.header];
    size += Buffer.byteLength(opening.join('\n')) + 1;
    out.push(...opening);
    for (const row of section.rows) {
      const bytes = Buffer.byteLength(row) + 1;
      if (size + bytes > limit) {
        cut += 1;
        continue;
      }
      size += bytes;
      out.push(row);
    }
  }
  const tail: string[] = [];
  if (cut) tail.push(`… and ${cut} more row(s) not shown (GitHub's 1 MiB summary limit): see the JUnit report or the logs.`);
  if (facts.annotationsOmitted) tail.push(`${facts.annotationsOmitted} problem(s) are listed here only: GitHub shows 10 annotations of each kind per step.`);
  if (facts.logs.length) tail.push(`Logs: ${facts.logs.map((l) => `\`${cell(l)}\``).join(', ')}`);
  return `${[...out, '', ...tail].join('\n')}\n`;
}

const SCREEN_ITEMS = 8;

/** The closing block of any CI log, one screen: counts, failures with file:line, the slowest tests, where the logs are. Pure. */
export function screenSummary(facts: CiFacts): string {
  const report = summarizeTests(facts.tests, 0, { slowest: 5 });
  const failed = failedTests(facts.tests);
  const lines = [
    '',
    `tldr ci${facts.shard ? ` shard ${facts.shard}` : ''}: ${facts.exitCode === 0 ? 'passed' : `failed (exit ${facts.exitCode})`} in ${formatMs(facts.durationMs)}`,
    `  steps:    ${facts.steps.map((s) => `${s.title} ${s.status}`).join(' · ')}`,
    `  findings: ${facts.findings.length ? `${facts.findings.filter((f) => f.severity === 'error').length} error(s), ${facts.findings.filter((f) => f.severity === 'warning').length} warning(s)` : 'none'}`,
    `  tests:    ${facts.tests.length ? countsText(report.counts) : 'none ran'}`,
  ];
  const problems = [
    ...facts.findings.map((f) => `  ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.code}  ${findingWhere(f)}`),
    ...failed.map((t) => {
      const at = failureLocation(t.message, facts.root);
      return `  ${t.outcome === 'failed' ? 'FAIL   ' : 'ERROR  '} ${t.id}${at ? `  ${at.file}:${at.line}` : ''}`;
    }),
  ];
  lines.push(...problems.slice(0, SCREEN_ITEMS));
  if (problems.length > SCREEN_ITEMS) lines.push(`  … and ${problems.length - SCREEN_ITEMS} more (JUnit report, step summary, or --json)`);
  if (report.slowest.length) lines.push(`  slowest:  ${report.slowest.map((s) => `${s.id} ${formatMs(s.durationMs)}`).join(', ')}`);
  if (facts.logs.length) lines.push(`  logs:     ${facts.logs.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
