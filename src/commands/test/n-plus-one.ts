import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { rebasePath } from '../../checks/paths.js';
import type { RunnerFinding, RunnerTest } from '../../backend/test-protocol.js';
import type { Project } from '../../config/project.js';
import type { QueryIgnoreEntry } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import type { JUnitRecord } from '../../output/junit.js';
import { queriesSystemOut, queryFindingMessage, type IgnoredQueryFinding, type QueryFinding, type TestQueries } from '../../output/query-report.js';
import type { TestRecord } from '../../output/test-report.js';

/** `tests.n_plus_one` made ready for one run: what the runner gets and how to read back what it says. */
export interface QueryPlan {
  enabled: boolean;
  /** A finding fails the run: `--strict` or `tests.n_plus_one.fail`. */
  strict: boolean;
  /** TLDR_N_PLUS_ONE_CONFIG for the runner. */
  runnerConfig: string;
  /** The runner names an ignore entry by the value tldr passed it: that value → the entry as written. */
  entries: Map<string, QueryIgnoreEntry>;
}

const key = (kind: 'site' | 'test', value: string) => `${kind}\0${value}`;

/**
 * Site entries are written relative to the config folder (as findings print them); the runner
 * matches paths relative to backend.dir, so it gets them absolute. A site whose file is not
 * there would silence nothing: exit 2 before anything starts, naming the entry.
 */
export function planQueries(project: Project, strictFlag: boolean | undefined): QueryPlan {
  const config = project.config.tests.n_plus_one;
  const entries = new Map<string, QueryIgnoreEntry>();
  const ignore = config.ignore.map((entry, index) => {
    if (entry.test !== undefined) {
      entries.set(key('test', entry.test), entry);
      return { test: entry.test, reason: entry.reason };
    }
    const site = entry.site!;
    const [, file = site, line] = /^(.*?)(?::(\d+))?$/.exec(site) ?? [];
    const path = resolve(project.root, file);
    if (!existsSync(path)) throw missingSite(project, index, site, file);
    const value = line ? `${path}:${line}` : path;
    entries.set(key('site', value), entry);
    return { site: value, reason: entry.reason };
  });
  return {
    enabled: config.enabled,
    strict: strictFlag ?? config.fail,
    runnerConfig: JSON.stringify({ enabled: config.enabled, threshold: config.threshold, ignore }),
    entries,
  };
}

function missingSite(project: Project, index: number, site: string, file: string): ConfigError {
  const inBackend = existsSync(resolve(project.backendDir, file));
  const suggestion = inBackend ? rebasePath(file, project.backendDir, project.root) : null;
  return new ConfigError(`tests.n_plus_one.ignore[${index}].site: no file ${file} in ${project.root} (${site})`, {
    code: 'config-invalid',
    hint: suggestion
      ? `site paths are relative to the folder of tldr.config.yaml, as findings print them: write ${site.replace(file, suggestion)}`
      : 'site paths are relative to the folder of tldr.config.yaml, as findings print them (FILE:LINE or FILE); remove the entry if the file is gone',
  });
}

/** A runner `finding` line → a finding to report or one an ignore entry silenced (paths relative to the config folder). */
export function readFinding(f: RunnerFinding, project: Project, plan: QueryPlan): { finding: QueryFinding } | { ignored: IgnoredQueryFinding } {
  const file = rebasePath(f.file, project.backendDir, project.root) ?? f.file;
  if (f.ignored) {
    const [kind, value] = 'site' in f.ignored ? (['site', f.ignored.site] as const) : (['test', f.ignored.test] as const);
    const entry = plan.entries.get(key(kind, value));
    const by = entry?.site !== undefined ? { site: entry.site } : entry?.test !== undefined ? { test: entry.test } : asWritten(kind, value, project);
    return { ignored: { test: f.test, file, line: f.line, count: f.count, by, reason: f.ignored.reason } };
  }
  const fields = { test: f.test, count: f.count, shape: f.shape };
  return {
    finding: {
      code: 'n-plus-one',
      severity: 'warning',
      app: f.test.split('.')[0] ?? null,
      migration: null,
      file,
      line: f.line,
      message: queryFindingMessage(fields),
      hint: f.hint,
      ...fields,
      relation: f.relation,
      fix: f.fix,
    },
  };
}

// An entry tldr did not pass (cannot happen unless the runner changes): name it as the runner did.
function asWritten(kind: 'site' | 'test', value: string, project: Project): { site: string } | { test: string } {
  return kind === 'test' ? { test: value } : { site: relative(project.root, value) };
}

/** Findings (and ignored ones) in the result, which stays a few KB; the events carry them all. */
export const MAX_FINDINGS = 10;

/**
 * What one run's runner said about queries, bounded: counts, the first findings for the result,
 * and — only for a JUnit report, which shows every test — each test's queries and findings.
 */
export class QueryTally {
  reported = 0;
  ignoredCount = 0;
  private readonly findings: QueryFinding[] = [];
  private readonly ignored: IgnoredQueryFinding[] = [];
  private readonly perTest = new Map<string, { queries: TestQueries; findings: QueryFinding[]; ignored: IgnoredQueryFinding[] }>();

  constructor(
    private readonly project: Project,
    private readonly plan: QueryPlan,
    private readonly options: { forJUnit: boolean },
  ) {}

  /** A test line's query fields, the top shapes' call sites relative to the config folder like findings'. */
  test(event: RunnerTest): TestQueries {
    if (event.queries === undefined) return {};
    const { backendDir, root } = this.project;
    const topQueries = (event.topQueries ?? []).map((q) => (q.file ? { ...q, file: rebasePath(q.file, backendDir, root) ?? q.file } : q));
    const queries = {
      queries: event.queries,
      setupQueries: event.setupQueries ?? 0,
      topQueries,
      ...(event.queriesUngrouped ? { queriesUngrouped: event.queriesUngrouped } : {}),
      ...(event.findingsOmitted ? { findingsOmitted: event.findingsOmitted } : {}),
    };
    if (this.options.forJUnit) this.perTest.set(event.id, { queries, findings: [], ignored: [] });
    return queries;
  }

  /** A finding line → the finding to report, or undefined when an ignore entry silenced it (then it is listed). */
  finding(event: RunnerFinding): QueryFinding | undefined {
    const read = readFinding(event, this.project, this.plan);
    const entry = this.perTest.get(event.test);
    if ('ignored' in read) {
      this.ignoredCount += 1;
      if (this.ignored.length < MAX_FINDINGS) this.ignored.push(read.ignored);
      entry?.ignored.push(read.ignored);
      return undefined;
    }
    this.reported += 1;
    if (this.findings.length < MAX_FINDINGS) this.findings.push(read.finding);
    entry?.findings.push(read.finding);
    return read.finding;
  }

  /** The result data's query fields. */
  data(end: { queries?: number; setupQueries?: number } | undefined) {
    return {
      ...(end?.queries !== undefined ? { queries: end.queries, setupQueries: end.setupQueries ?? 0 } : {}),
      findings: this.findings,
      findingsOmitted: this.reported - this.findings.length,
      ignored: this.ignored,
      strict: this.plan.strict,
    };
  }

  /** The tests with their `<system-out>` (forJUnit only). */
  junitRecords(records: TestRecord[]): JUnitRecord[] {
    return records.map((r) => {
      const entry = this.perTest.get(r.id);
      const systemOut = entry ? queriesSystemOut(entry.queries, entry.findings, entry.ignored) : '';
      return systemOut ? { ...r, systemOut } : r;
    });
  }
}
