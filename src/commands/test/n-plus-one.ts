import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { rebasePath } from '../../checks/paths.js';
import type { RunnerFinding } from '../../backend/test-protocol.js';
import type { Project } from '../../config/project.js';
import type { QueryIgnoreEntry } from '../../config/schema.js';
import { ConfigError } from '../../errors.js';
import { queryFindingMessage, type IgnoredQueryFinding, type QueryFinding } from '../../output/query-report.js';

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
