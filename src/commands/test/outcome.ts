import type { Shard } from '../../backend/django-args.js';
import type { RunnerEnd } from '../../backend/test-protocol.js';
import { ExitCode } from '../../errors.js';
import { countsText, formatMs, summarizeTests, type TestRecord, type TestReport } from '../../output/test-report.js';

export interface TestRunFacts {
  records: TestRecord[];
  end?: RunnerEnd;
  child: { exitCode: number; signal?: string; durationMs: number };
  /** tldr was asked to stop (Ctrl-C, SIGTERM, an aborted signal). */
  aborted: boolean;
  shard?: Shard;
  logPath: string;
  /** n-plus-one findings reported and silenced by tests.n_plus_one.ignore. */
  findings?: { reported: number; ignored: number; strict: boolean };
}

export interface TestVerdict {
  exitCode: number;
  summary: string;
  report: TestReport;
  interrupted: boolean;
  /** The process ended without the runner's `end` line: crashed or killed. */
  died: boolean;
}

/**
 * Exit code and summary of a test run. Pure. Failed or errored tests → 1; a run that stopped
 * without failures (a graceful Ctrl-C exits 0 with `stopped`) → 130; no `end` line → 4; else
 * the child's own exit code (a teardown problem after green tests stays visible). Findings are
 * warnings: they fail an otherwise green run only when strict.
 */
export function judgeTestRun(facts: TestRunFacts): TestVerdict {
  const report = summarizeTests(facts.records, facts.child.durationMs);
  const bad = report.counts.failed + report.counts.errors;
  const interrupted = facts.aborted || (facts.end?.stopped === true && bad === 0);
  const died = !facts.end && !interrupted;
  const findings = facts.findings ?? { reported: 0, ignored: 0, strict: false };
  const failsStrict = findings.strict && findings.reported > 0;
  const childCode = facts.child.exitCode === 0 && failsStrict ? ExitCode.no : facts.child.exitCode;
  const exitCode = interrupted ? ExitCode.interrupted : died ? ExitCode.service : bad > 0 ? ExitCode.no : childCode;
  const shard = facts.shard ? ` (shard ${facts.shard.index}/${facts.shard.total})` : '';
  const counted = `${report.counts.total} test(s): ${countsText(report.counts)} in ${formatMs(facts.child.durationMs)}${shard}${findingsText(findings)}`;
  let summary = counted;
  if (interrupted) summary = `interrupted after ${counted}`;
  else if (died)
    summary = `the test process ended without finishing (${facts.child.signal ?? `exit ${facts.child.exitCode}`}) after ${counted}; see ${facts.logPath}`;
  else if (exitCode !== 0 && bad === 0 && !(failsStrict && facts.child.exitCode === 0))
    summary = `${counted}, but the test process exited with ${facts.child.exitCode}; see ${facts.logPath}`;
  return { exitCode, summary, report, interrupted, died };
}

// "; 2 n-plus-one findings (1 ignored) — fail under --strict"
function findingsText({ reported, ignored, strict }: { reported: number; ignored: number; strict: boolean }): string {
  if (!reported && !ignored) return '';
  const found = `${reported} n-plus-one finding${reported === 1 ? '' : 's'}`;
  return `; ${found}${ignored ? ` (${ignored} ignored)` : ''}${strict && reported ? ' — fail under --strict' : ''}`;
}
