import { relative, isAbsolute } from 'node:path';
import type { FindingEvent } from './events.js';
import type { Annotation } from './github.js';
import type { TestRecord } from './test-report.js';

/** A `finding` event as CI reports it, whichever command emitted it (migration checks, `n-plus-one` from the tests, …). */
export type FindingRecord = Omit<FindingEvent, 'v' | 'ts' | 'type'> & {
  /** The test a finding of `tldr test` is about (`n-plus-one`); other fields a finding may carry pass through untouched. */
  test?: string;
};

export interface Location {
  file: string;
  line: number;
}

const frame = /File "([^"]+)", line (\d+)/g;

/**
 * Where a failed test failed: the innermost traceback frame in the project (not in a venv or
 * site-packages), relative to `root`. Pure.
 */
export function failureLocation(message: string | undefined, root: string): Location | undefined {
  let found: Location | undefined;
  for (const m of (message ?? '').matchAll(frame)) {
    const path = m[1]!;
    if (/[\\/](site-packages|dist-packages|\.venv|lib[\\/]python\d)/.test(path) || path.startsWith('<')) continue;
    const file = isAbsolute(path) ? relative(root, path) : path;
    if (file.startsWith('..')) continue;
    found = { file, line: Number(m[2]) };
  }
  return found;
}

/** Where a finding is: `file:line`, else its app and migration. */
export function findingWhere(f: FindingRecord): string {
  if (f.file) return f.line ? `${f.file}:${f.line}` : f.file;
  return [f.app, f.migration].filter(Boolean).join('.') || '(project)';
}

export function findingTitle(f: FindingRecord): string {
  if (f.app && f.migration) return `${f.code} in ${f.app}.${f.migration}`;
  return f.test ? `${f.code} in ${f.test}` : f.code;
}

/** The JUnit classname of a finding: its app, else the class of the test it is about. */
export function findingClassname(f: FindingRecord): string {
  if (f.app) return f.app;
  if (f.test) return f.test.includes('.') ? f.test.slice(0, f.test.lastIndexOf('.')) : f.test;
  return 'project';
}

export function findingAnnotation(f: FindingRecord): Annotation {
  return {
    level: f.severity,
    ...(f.file ? { file: f.file } : {}),
    ...(f.file && f.line ? { line: f.line } : {}),
    title: findingTitle(f),
    message: f.hint ? `${f.message}\nfix: ${f.hint}` : f.message,
  };
}

const MESSAGE_LINES = 20;

export function testAnnotation(t: TestRecord, root: string): Annotation {
  const at = failureLocation(t.message, root);
  const lines = (t.message ?? `${t.outcome}`).split('\n');
  return {
    level: 'error',
    ...(at ? { file: at.file, line: at.line } : {}),
    title: `${t.outcome === 'failed' ? 'FAIL' : 'ERROR'} ${t.id}`,
    message: lines.length > MESSAGE_LINES ? [...lines.slice(0, MESSAGE_LINES), '…'].join('\n') : lines.join('\n'),
  };
}

export const failedTests = (records: TestRecord[]) => records.filter((r) => r.outcome === 'failed' || r.outcome === 'error');

/** Findings first (they are about the code under review), then failed tests. */
export function ciAnnotations(findings: FindingRecord[], tests: TestRecord[], root: string): Annotation[] {
  return [...findings.map(findingAnnotation), ...failedTests(tests).map((t) => testAnnotation(t, root))];
}
