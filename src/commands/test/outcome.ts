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
 * the child's own exit code (a teardown problem after green tests stays visible).
 */
export function judgeTestRun(facts: TestRunFacts): TestVerdict {
  const report = summarizeTests(facts.records, facts.child.durationMs);
  const bad = report.counts.failed + report.counts.errors;
  const interrupted = facts.aborted || (facts.end?.stopped === true && bad === 0);
  const died = !facts.end && !interrupted;
  const exitCode = interrupted ? ExitCode.interrupted : died ? ExitCode.service : bad > 0 ? ExitCode.no : facts.child.exitCode;
  const shard = facts.shard ? ` (shard ${facts.shard.index}/${facts.shard.total})` : '';
  const counted = `${report.counts.total} test(s): ${countsText(report.counts)} in ${formatMs(facts.child.durationMs)}${shard}`;
  let summary = counted;
  if (interrupted) summary = `interrupted after ${counted}`;
  else if (died)
    summary = `the test process ended without finishing (${facts.child.signal ?? `exit ${facts.child.exitCode}`}) after ${counted}; see ${facts.logPath}`;
  else if (exitCode !== 0 && bad === 0) summary = `${counted}, but the test process exited with ${facts.child.exitCode}; see ${facts.logPath}`;
  return { exitCode, summary, report, interrupted, died };
}
