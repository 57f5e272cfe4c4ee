import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ciAnnotations } from '../../output/ci-report.js';
import { stepSummary, type CiFacts } from '../../output/ci-summary.js';
import { annotationCommand, selectAnnotations } from '../../output/github.js';
import { renderJUnit } from '../../output/junit.js';
import type { Output } from '../../output/output.js';
import { mergeDurations, writeDurations } from '../test/durations.js';

export interface ReportTargets {
  junit?: string;
  writeDurations?: string;
  /** GITHUB_ACTIONS=true */
  github: boolean;
  /** $GITHUB_STEP_SUMMARY */
  stepSummaryFile?: string;
  changed: ReadonlySet<string>;
  startedAt: Date;
}

export interface WrittenReports {
  junit?: string;
  durations?: string;
  stepSummary?: string;
  annotations?: { shown: number; omitted: number };
}

/** Writes what the run asked for: JUnit (tests + findings), durations, GitHub annotations and the step summary. */
export function writeReports(output: Output, facts: CiFacts, targets: ReportTargets): WrittenReports {
  const written: WrittenReports = {};
  if (targets.junit) {
    written.junit = resolve(targets.junit);
    mkdirSync(dirname(written.junit), { recursive: true });
    // The events were redacted when emitted: no secret reaches the file.
    writeFileSync(
      written.junit,
      renderJUnit(facts.tests, {
        name: 'tldr ci',
        timestamp: targets.startedAt.toISOString(),
        durationMs: facts.durationMs,
        findings: facts.findings,
        root: facts.root,
      }),
    );
  }
  if (targets.writeDurations) {
    // This run's tests only: the shards' files merge with `jq -s add old.json shard-*.json` (later files win).
    written.durations = resolve(targets.writeDurations);
    mkdirSync(dirname(written.durations), { recursive: true });
    writeDurations(written.durations, mergeDurations({}, facts.tests));
  }
  if (targets.github) {
    const selection = selectAnnotations(ciAnnotations(facts.findings, facts.tests, facts.root), targets.changed);
    const stream = output.json ? output.stderr : output.stdout;
    for (const a of selection.shown) stream.write(`${annotationCommand(a)}\n`);
    written.annotations = { shown: selection.shown.length, omitted: selection.omitted };
    if (targets.stepSummaryFile) {
      appendFileSync(targets.stepSummaryFile, output.secrets.redact(stepSummary({ ...facts, annotationsOmitted: selection.omitted })));
      written.stepSummary = targets.stepSummaryFile;
    }
  }
  return written;
}
