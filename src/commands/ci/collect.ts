import { join, relative } from 'node:path';
import type { FindingRecord } from '../../output/ci-report.js';
import type { TldrEvent } from '../../output/events.js';
import { groupEnd, groupStart } from '../../output/github.js';
import type { Output } from '../../output/output.js';
import type { TestRecord } from '../../output/test-report.js';

/** More findings than this are counted, not kept (memory stays bounded whatever a check reports). */
const MAX_FINDINGS = 5000;

export interface Collected {
  findings: FindingRecord[];
  /** Findings past MAX_FINDINGS. */
  findingsCut: number;
  tests: TestRecord[];
  stop(): void;
}

export interface CollectOptions {
  /** GITHUB_ACTIONS=true: `::group::` / `::endgroup::` around each step's log. */
  github: boolean;
  /** Finding paths are relative to the project root; annotations want them relative to the repository root. */
  projectRoot: string;
  repoRoot: string;
}

/**
 * Every `finding` and `test` event of the run, whichever step emits it (migration checks, the
 * tests' `n-plus-one`, …): CI reports them generically by code, severity, file and line.
 */
export function collectRun(output: Output, options: CollectOptions): Collected {
  const prefix = relative(options.repoRoot, options.projectRoot);
  const collected: Collected = { findings: [], findingsCut: 0, tests: [], stop: () => undefined };
  // In --json mode stdout is NDJSON only; GitHub reads workflow commands from stderr as well.
  const write = (line: string) => (output.json ? output.stderr : output.stdout).write(`${line}\n`);
  collected.stop = output.listen((event: TldrEvent) => {
    if (event.type === 'finding') {
      if (collected.findings.length >= MAX_FINDINGS) collected.findingsCut += 1;
      else {
        const { v: _v, ts: _ts, type: _type, ...finding } = event;
        collected.findings.push({ ...finding, file: finding.file && prefix && !prefix.startsWith('..') ? join(prefix, finding.file) : finding.file });
      }
    } else if (event.type === 'test') {
      collected.tests.push({ id: event.id, outcome: event.outcome, durationMs: event.durationMs, ...(event.message ? { message: event.message } : {}) });
    } else if (options.github && event.type === 'step.start') write(groupStart(event.title));
    else if (options.github && event.type === 'step.end') write(groupEnd);
  });
  return collected;
}
