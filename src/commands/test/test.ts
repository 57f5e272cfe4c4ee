import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { manageCommand, type CommandSpec } from '../../backend/commands.js';
import { parseParallel, parseShard, testArgs, type Shard } from '../../backend/django-args.js';
import { runPython } from '../../backend/python-run.js';
import { TailBuffer } from '../../process/tail-buffer.js';
import { pythonHelperDir, withPythonPath } from '../../backend/helpers.js';
import { resolvePython, type PythonChoice } from '../../backend/python.js';
import { parseRunnerLine, type RunnerEnd, type RunnerEvent, type RunnerStart } from '../../backend/test-protocol.js';
import { makePrivateDir } from '../../config/private-files.js';
import { EnvironmentError, ServiceError } from '../../errors.js';
import { logLimits } from '../../config/size.js';
import { renderJUnit } from '../../output/junit.js';
import { RotatingLog } from '../../output/rotating-log.js';
import { FileFollower } from '../../process/file-follower.js';
import { ownedTempDir } from '../../process/owned-temp.js';
import { withLock } from '../../process/owner-lock.js';
import { formatTestSummary, type TestRecord } from '../../output/test-report.js';
import { formatQueryFindings } from '../../output/query-report.js';
import type { RunOptions } from '../../pipeline/context.js';
import { commandContext } from '../context.js';
import type { CommandResult } from '../definition.js';
import type { TestData, testInput } from './definition.js';
import { managePyNeeds, preflight } from '../preflight.js';
import { createTestLog } from './log.js';
import { judgeTestRun } from './outcome.js';
import { planQueries, QueryTally, type QueryPlan } from './n-plus-one.js';
import { readDurations } from './durations.js';
import type { StepContext } from '../../pipeline/types.js';

/** What `tldr test` takes besides the project: its flags. */
export type TestSettings = z.input<typeof testInput>;
export type TestOptions = RunOptions & TestSettings;
export type { TestData } from './definition.js';

/** `manage.py test` through tldr's runner: one `test` event per test, a summary, JUnit on request. */
export async function test(options: TestOptions): Promise<CommandResult<TestData>> {
  const result = await runTests(commandContext(options), options, { showOutput: options.output.json || options.output.verbose });
  const { output } = options;
  const { data } = result;
  const closing = formatTestSummary(data, output.color);
  if (!output.quiet && closing) output.print(closing);
  // Findings are what --quiet keeps.
  const queries = formatQueryFindings(data.findings, data.ignored, output.color, { strict: data.strict, omitted: data.findingsOmitted });
  if (queries) output.print(queries);
  return result;
}

const TAIL_LINES = 30;

/**
 * The work of `tldr test` on a step context (shared with the pipeline step). `showOutput`: pass
 * the child's lines to `ctx.log` (always written to the run's log file).
 *
 * Two runs at once: with --keepdb both want the one kept test database, so the second waits for
 * the first (saying for whom); without it each run's test databases get the run id as a suffix.
 */
export async function runTests(ctx: StepContext, options: TestSettings, { showOutput }: { showOutput: boolean }): Promise<CommandResult<TestData>> {
  const { project, output } = ctx;
  preflight(project, managePyNeeds);
  const plan = planTestRun(ctx, options);
  // Not awaited: with a head start Django sets up while the services are checked.
  const base = ctx.env();
  base.catch(() => undefined);
  makePrivateDir(join(project.stateDir, 'logs'));
  if (!plan.keepdb) return runTestsOnce(ctx, plan, base, showOutput);
  const say = (line: string) => (output.json ? output.log('tldr', line, 'stderr') : output.note(line));
  return withLock(join(project.stateDir, 'test-keepdb.lock'), () => runTestsOnce(ctx, plan, base, showOutput), {
    timeoutMs: Infinity,
    signal: ctx.signal,
    what: 'the kept test database',
    onWait: (holder) => say(`waiting for tldr test pid ${holder.pid} to finish: it uses the kept test database (--no-keepdb runs beside it)`),
  });
}

interface TestPlan {
  keepdb: boolean;
  parallel: number | 'auto';
  shard: Shard | undefined;
  labels: string[];
  helpers: string;
  command: CommandSpec;
  python: PythonChoice;
  junit: string | undefined;
  cold: boolean;
  queries: QueryPlan;
  /** A durations file (checked readable): the shard split balances by it. */
  durations: string | undefined;
}

// Everything a run needs, checked before anything starts (flags, the shipped runner, the python).
function planTestRun(ctx: StepContext, options: TestSettings): TestPlan {
  const { project, output } = ctx;
  const keepdb = options.keepdb ?? !isCI(project.env);
  const parallel = parseParallel(options.parallel) ?? 1;
  const shard: Shard | undefined = options.shard ? parseShard(options.shard) : undefined;
  const labels = options.labels ?? [];
  const helpers = pythonHelperDir();
  if (!existsSync(join(helpers, 'tldr_testrunner.py'))) {
    throw new EnvironmentError(`tldr's test runner is missing: ${join(helpers, 'tldr_testrunner.py')}`, {
      code: 'helper-missing',
      hint: 'reinstall tldr (or run `npm run build`, which copies src/python to dist/python)',
    });
  }
  const queries = planQueries(project, options.strict);
  const python = resolvePython(project);
  output.debug(`python: ${python.argv.join(' ')} (${python.reason})`);
  const command = manageCommand(project, python, testArgs({ labels, keepdb, parallel, failfast: options.failfast }));
  const durations = shard && options.durations && readDurations(options.durations) ? resolve(options.durations) : undefined;
  if (shard && options.durations && !durations) output.note(`--durations ${options.durations}: no such file yet, so the shards split by test id`);
  return { keepdb, parallel, shard, labels, helpers, command, python, junit: options.junit, cold: options.cold ?? false, queries, durations };
}

async function runTestsOnce(ctx: StepContext, plan: TestPlan, base: Promise<Record<string, string>>, showOutput: boolean): Promise<CommandResult<TestData>> {
  const { project, output } = ctx;
  const { keepdb, parallel, shard, labels, helpers, command } = plan;
  const runId = randomBytes(3).toString('hex');

  const scratch = ownedTempDir('test-events');
  const eventsFile = join(scratch, 'events.ndjson');
  writeFileSync(eventsFile, '');
  const envOf = (from: Record<string, string>): Record<string, string> => {
    const env: Record<string, string> = { ...withPythonPath(from, helpers), TLDR_TEST_EVENTS: eventsFile };
    // tldr decides sharding (--shard); a stray variable from the caller must not split the run.
    delete env.TLDR_TEST_SHARD;
    if (shard) env.TLDR_TEST_SHARD = `${shard.index}/${shard.total}`;
    delete env.TLDR_TEST_DURATIONS;
    if (plan.durations) env.TLDR_TEST_DURATIONS = plan.durations;
    // Own test databases (test_<db>_<run id>) unless the point is reusing the kept one.
    delete env.TLDR_TEST_DB_SUFFIX;
    if (!keepdb) env.TLDR_TEST_DB_SUFFIX = runId;
    // Query recording follows tests.n_plus_one only.
    delete env.TLDR_QUERY_RECORDING;
    env.TLDR_N_PLUS_ONE_CONFIG = plan.queries.runnerConfig;
    if (!plan.queries.enabled) env.TLDR_QUERY_RECORDING = 'off';
    return env;
  };
  const expected = ctx.expectedEnv?.();
  const logPath = createTestLog(join(project.stateDir, 'logs'), runId);
  // The run's log keeps its inode when it rotates: test.log is a hard link to it.
  const log = new RotatingLog(logPath, logLimits(project.config.logs), { inPlace: true });
  output.debug(`run: ${[command.file, ...command.args].join(' ')} (cwd ${command.cwd}); output in ${logPath}`);

  const records: TestRecord[] = [];
  const queries = new QueryTally(project, plan.queries, { forJUnit: plan.junit !== undefined });
  let start: RunnerStart | undefined;
  let end: RunnerEnd | undefined;
  const onEvent = (event: RunnerEvent) => {
    if (event.type === 'start') {
      start = event;
      output.progress({ done: 0, total: event.total, message: `running ${event.total} test(s)` });
      output.note(
        `running ${event.total} test(s)${event.django ? ` on Django ${event.django}` : ''}${shard ? `, shard ${shard.index}/${shard.total}` : ''}${event.parallel && event.parallel > 1 ? ` in ${event.parallel} processes` : ''}${keepdb ? ', keeping the test database' : ''}`,
      );
    } else if (event.type === 'test') {
      const record = { id: event.id, outcome: event.outcome, durationMs: event.durationMs, ...(event.message ? { message: event.message } : {}) };
      records.push(record);
      const { topQueries, ...counts } = queries.test(event);
      output.emit({ type: 'test', ...record, ...counts, ...(output.verbose && topQueries?.length ? { topQueries } : {}) });
      output.progress({ done: records.length, ...(start ? { total: start.total } : {}), message: `${event.id} ${event.outcome}` });
    } else if (event.type === 'finding') {
      const finding = queries.finding(event);
      if (finding) output.emit({ type: 'finding', ...finding });
    } else end = event;
  };
  const tail = new TailBuffer(TAIL_LINES);
  let outcome;
  try {
    await using _events = new FileFollower(
      eventsFile,
      (line) => {
        if (!line.trim()) return;
        const parsed = parseRunnerLine(line);
        if ('event' in parsed) onEvent(parsed.event);
        else output.debug(`test runner: ${parsed.error}`);
      },
      { from: 'start' },
    );
    outcome = await runPython({
      project,
      python: plan.python,
      command,
      env: base.then(envOf),
      serverEnv: base,
      expectedEnv: expected && envOf(expected),
      coldBecause: plan.cold ? '--cold' : ctx.coldBecause,
      // The kept test database: the warm server may set up the next identical run ahead (the
      // events file is this run's own, so it is named only when the run is adopted).
      ...(keepdb && !shard && parallel === 1 ? { prepare: { lateEnv: ['TLDR_TEST_EVENTS'] } } : {}),
      explain: (line) => output.debug(line),
      redact: (text) => output.secrets.redact(text),
      options: {
        signal: ctx.signal,
        // Django's runner tears its test databases down on SIGINT (KeyboardInterrupt).
        stopSignal: 'SIGINT',
        // tldr killed by SIGKILL: the runner stops its tests and tears down all the same.
        lifeline: true,
        graceMs: 20_000,
        onLine: (raw, stream) => {
          const line = output.secrets.redact(raw);
          log.write(`${line}\n`);
          tail.push(line);
          if (showOutput) ctx.log('test', raw, stream);
        },
      },
    });
  } finally {
    log.close();
    rmSync(scratch, { recursive: true, force: true });
  }

  if (!start && !end && records.length === 0 && outcome.exitCode !== 0 && !ctx.signal.aborted) {
    throw new ServiceError(`the tests did not start: ${lastMeaningful(tail.lines()) ?? `${command.file} exited with ${outcome.exitCode}`}`, {
      code: 'tests-did-not-run',
      hint: `read ${logPath} (the last lines are above); \`tldr manage check\` shows settings and import problems`,
      details: tail.lines(15),
    });
  }
  const verdict = judgeTestRun({
    records,
    ...(end ? { end } : {}),
    child: outcome,
    aborted: ctx.signal.aborted,
    ...(shard ? { shard } : {}),
    logPath,
    findings: { reported: queries.reported, ignored: queries.ignoredCount, strict: plan.queries.strict },
  });
  const { exitCode, summary, report, died } = verdict;
  let junit: string | undefined;
  if (plan.junit) {
    junit = resolve(plan.junit);
    mkdirSync(dirname(junit), { recursive: true });
    // Redacted before rendering: an XML-escaped secret would not match afterwards, yet a CI reader decodes it.
    writeFileSync(
      junit,
      renderJUnit(output.secrets.redactEvent(queries.junitRecords(records)), {
        timestamp: new Date(Date.now() - outcome.durationMs).toISOString(),
        durationMs: outcome.durationMs,
      }),
    );
  }
  return {
    exitCode,
    summary,
    data: {
      ...report,
      keepdb,
      parallel,
      ...(shard ? { shard: `${shard.index}/${shard.total}` } : {}),
      labels,
      stopped: end?.stopped ?? true,
      ...(start?.django ? { django: start.django } : {}),
      ...(start?.python ? { python: start.python } : {}),
      ...(junit ? { junit } : {}),
      log: logPath,
      path: outcome.path,
      ...queries.data(end),
      ...(died || (exitCode !== 0 && report.counts.failed + report.counts.errors === 0 && !verdict.interrupted) ? { tail: tail.lines(15) } : {}),
    },
  };
}

/** CI=true (GitHub Actions, GitLab, most CI systems) or CI=1. */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  return ['true', '1'].includes((env.CI ?? '').toLowerCase());
}

function lastMeaningful(lines: string[]): string | undefined {
  return [...lines]
    .reverse()
    .find((l) => l.trim() && !/^\s*(\^+|~+)\s*$/.test(l))
    ?.trim();
}
