import type { z } from 'zod';
import { parseShard } from '../../backend/django-args.js';
import { durationMs } from '../../config/schema.js';
import { ServiceError, TldrError } from '../../errors.js';
import { failedTests, failureLocation, findingWhere } from '../../output/ci-report.js';
import { screenSummary, type CiFacts } from '../../output/ci-summary.js';
import { summarizeTests } from '../../output/test-report.js';
import { createStepContext, type RunOptions } from '../../pipeline/context.js';
import { runPlan } from '../../pipeline/run.js';
import { ciRunLabels } from '../../services/ci-run.js';
import { recordCiRun, sweepCiRuns, teardownCiServices } from '../../services/ci-services.js';
import { startServices } from '../../services/ensure.js';
import type { CommandResult } from '../definition.js';
import { planNeeds, preflight } from '../preflight.js';
import { defaultPipelines } from '../run/run.js';
import { planPipeline } from '../../pipeline/plan.js';
import { repeatStops } from '../../process/spawn.js';
import { knownSteps } from '../steps.js';
import { runWordsStep } from '../run/run-leaf.js';
import { readDurations } from '../test/durations.js';
import { repoView } from './changed-files.js';
import { collectRun } from './collect.js';
import type { CiData, ciInput } from './definition.js';
import { writeReports } from './reports.js';
import { ciRunId } from './run-id.js';
import { ciStepResolver, keepsGoing, migratesAfterChecks, planLeaves } from './steps.js';

export type CiOptions = RunOptions & z.input<typeof ciInput>;

/** A run without --timeout is surely over after GitHub's longest job (6 h): then its leftovers are swept whoever owned them. */
const DEFAULT_DEADLINE_MS = 6 * 3_600_000;
const DEADLINE_MARGIN_MS = 10 * 60_000;
/** After --timeout's stop signal, the second one (the test that is running is interrupted, not waited for). */
const TIMEOUT_REPEAT_MS = 1000;

/**
 * `tldr ci`: the `ci` pipeline on services of its own (an instance named with the run id, free
 * ports), keeping going past findings and failed tests, torn down whatever happens; then the
 * reports (JUnit, GitHub annotations and step summary, durations) and a one-screen summary.
 */
export async function ci(options: CiOptions): Promise<CommandResult<CiData>> {
  const { project, output } = options;
  const env = project.env;
  // Everything checked before the first side effect: flags, the durations file, the pipeline, the project.
  const shard = options.shard ? parseShard(options.shard) : undefined;
  if (options.durations) readDurations(options.durations);
  const timeoutMs = options.timeout ? durationMs(options.timeout) : undefined;
  // `down` in a CI run removes the run's services and their data: its title says so.
  const plan = planPipeline('ci', project.config.pipelines.ci ?? defaultPipelines.ci!, { ...knownSteps(), down: 'Remove the run’s services and data' });
  preflight(project, planNeeds(plan));

  const startedAt = new Date();
  const runId = ciRunId(env);
  const isolate = `ci-${runId}`;
  const instance = `${project.name}-${isolate}`;
  const github = env.GITHUB_ACTIONS === 'true';
  output.plain = true;
  const repo = await repoView(project.root, env);
  const root = repo.top ?? project.root;
  const collected = collectRun(output, { github, projectRoot: project.root, repoRoot: root });

  const timeout = new AbortController();
  let repeat: NodeJS.Timeout | undefined;
  // At the deadline the run stops now: the running test is interrupted (Django tears its test
  // databases down), not waited for through the runner's 20 s grace.
  const timer = timeoutMs
    ? setTimeout(() => {
        timeout.abort(new ServiceError(`tldr ci timed out after ${options.timeout} (--timeout)`, { code: 'ci-timeout' }));
        repeat = setTimeout(repeatStops, TIMEOUT_REPEAT_MS);
      }, timeoutMs)
    : undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;

  let tornDown: Promise<string> | undefined;
  const teardownLines: string[] = [];
  const teardown = () =>
    (tornDown ??= teardownCiServices(project, isolate).then((reports) => {
      for (const r of reports)
        if (r.container !== 'missing' || r.volume === 'removed') teardownLines.push(`${r.name}: container ${r.container}, volume ${r.volume ?? 'none'}`);
      return reports.length ? `${instance}: ${reports.map((r) => `${r.name} ${r.container}`).join(', ')}` : 'nothing to remove';
    }));

  let outcome;
  let swept: CiData['swept'] = [];
  try {
    swept = await sweepCiRuns(project, isolate);
    for (const s of swept) output.note(`removed a leftover ${s.kind} ${s.name} (${s.reason})`);
    output.note(`tldr ci: run ${runId}, services ${instance}${shard ? `, shard ${shard.index}/${shard.total}` : ''}`);
    const labels = ciRunLabels({
      project: project.name,
      runId,
      expires: new Date(startedAt.getTime() + (timeoutMs ?? DEFAULT_DEADLINE_MS) + DEADLINE_MARGIN_MS),
    });
    recordCiRun(project, isolate, labels);
    const context = createStepContext({ project, output, signal, coldBecause: 'tldr ci runs on services of its own' }, ({ signal: s }) =>
      startServices(project, output, { isolate, labels, ...(s ? { signal: s } : {}) }).then((started) => started.values),
    );
    const resolveStep = ciStepResolver({
      shard,
      durations: options.durations,
      checks: options.checks ?? 'first-shard',
      migratesNext: migratesAfterChecks(plan.root),
      teardown,
    });
    outcome = await runPlan({ plan, context, resolveStep, runLeaf: runWordsStep, keepGoing: keepsGoing });
  } finally {
    clearTimeout(timer);
    clearTimeout(repeat);
    // Teardown always: success, failure, an abort (SIGINT, SIGTERM, --timeout) or an error in tldr.
    await teardown().catch((error: unknown) => output.note(`warning: teardown of ${instance} failed: ${(error as Error).message}`));
    collected.stop();
  }

  const timedOut = timeout.signal.aborted;
  const ran = new Map(outcome.steps.map((s) => [s.id, s]));
  const stopped = signal.aborted ? (timedOut ? 'timed out' : 'interrupted') : 'an earlier step failed';
  const steps = planLeaves(plan.root).map(
    (leaf) => ran.get(leaf.id) ?? { id: leaf.id, title: leaf.title, status: 'skipped' as const, durationMs: 0, message: `not run: ${stopped}` },
  );
  const testData = Object.values(outcome.data).find((d): d is { log: string } => typeof (d as { log?: unknown })?.log === 'string');
  const testSteps = new Set(planLeaves(plan.root).flatMap((leaf) => (leaf.kind === 'step' && leaf.name === 'test' ? [leaf.id] : [])));
  const emptyShard = Boolean(shard) && steps.some((s) => testSteps.has(s.id) && s.status === 'ok') && collected.tests.length === 0;
  let exitCode = outcome.exitCode;
  if (timedOut) exitCode = new ServiceError('').exitCode;
  const facts: CiFacts = {
    exitCode,
    instance,
    ...(shard ? { shard: `${shard.index}/${shard.total}` } : {}),
    durationMs: Date.now() - startedAt.getTime(),
    steps,
    findings: collected.findings,
    tests: collected.tests,
    root,
    logs: [...(testData ? [testData.log] : []), ...(options.junit ? [options.junit] : [])],
  };
  const written = writeReports(output, facts, {
    ...(options.junit ? { junit: options.junit } : {}),
    ...(options.writeDurations ? { writeDurations: options.writeDurations } : {}),
    github,
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummaryFile: env.GITHUB_STEP_SUMMARY } : {}),
    changed: repo.changed,
    startedAt,
  });
  if (emptyShard) output.note(`shard ${shard!.index}/${shard!.total} has no tests to run: it passes`);
  if (!output.quiet) output.print(screenSummary(facts));

  if (timedOut) throw timeout.signal.reason as TldrError;
  if (outcome.error instanceof TldrError && !signal.aborted) throw outcome.error;
  if (outcome.error && !(outcome.error instanceof TldrError) && outcome.steps.every((s) => s.status !== 'failed')) throw outcome.error;

  const report = summarizeTests(collected.tests, 0, { slowest: 5 });
  const errors = collected.findings.filter((f) => f.severity === 'error').length;
  const summary = [
    `tldr ci${facts.shard ? ` shard ${facts.shard}` : ''}: ${exitCode === 0 ? 'passed' : 'failed'}`,
    `${errors} finding error(s), ${collected.findings.length - errors} warning(s)`,
    emptyShard ? 'empty shard: no tests to run' : `${report.counts.total} test(s), ${report.counts.failed + report.counts.errors} failed`,
    ...steps.filter((s) => s.status === 'failed').map((s) => `${s.title} failed`),
  ].join('; ');
  return {
    exitCode,
    summary,
    data: {
      runId,
      instance,
      ...(facts.shard ? { shard: facts.shard } : {}),
      steps,
      findings: {
        errors,
        warnings: collected.findings.length - errors,
        first: collected.findings.slice(0, 20).map((f) => ({ code: f.code, severity: f.severity, where: findingWhere(f), message: f.message.split('\n')[0]! })),
      },
      tests: {
        counts: report.counts,
        failures: failedTests(collected.tests)
          .slice(0, 20)
          .map((t) => {
            const at = failureLocation(t.message, root);
            return { id: t.id, outcome: t.outcome as 'failed' | 'error', ...(at ? { where: `${at.file}:${at.line}` } : {}) };
          }),
        slowest: report.slowest,
        emptyShard,
      },
      ...(written.annotations ? { annotations: written.annotations } : {}),
      ...(written.junit ? { junit: written.junit } : {}),
      ...(written.durations ? { durations: written.durations } : {}),
      ...(written.stepSummary ? { stepSummary: written.stepSummary } : {}),
      swept,
      teardown: teardownLines,
      timedOut,
      logs: facts.logs,
    },
  };
}
