import type { TestRecord } from './test-report.js';

/** A test as JUnit shows it; `systemOut` becomes the test case's `<system-out>` (what its queries were). */
export type JUnitRecord = TestRecord & { systemOut?: string };

export interface JUnitOptions {
  /** Name of the <testsuites> element. @default 'tldr test' */
  name?: string;
  /** ISO time the run started, on each <testsuite>. */
  timestamp?: string;
  /** Wall time of the whole run; defaults to the sum of the tests. */
  durationMs?: number;
}

/**
 * JUnit XML for CI test reporters: one <testsuite> per test class (the id minus its last part),
 * <failure>/<error> with the first message line as `message` and the exception name as `type`,
 * <skipped message="reason">, and `<system-out>` when the record has one. Pure.
 */
export function renderJUnit(records: JUnitRecord[], options: JUnitOptions = {}): string {
  const suites = new Map<string, JUnitRecord[]>();
  for (const r of records) {
    const { classname } = splitId(r.id);
    suites.set(classname, [...(suites.get(classname) ?? []), r]);
  }
  const count = (list: TestRecord[], outcome: TestRecord['outcome']) => list.filter((r) => r.outcome === outcome).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = options.durationMs ?? records.reduce((sum, r) => sum + r.durationMs, 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="${attr(options.name ?? 'tldr test')}" tests="${records.length}" failures="${count(records, 'failed')}" errors="${count(records, 'error')}" skipped="${count(records, 'skipped')}" time="${seconds(total)}">`,
  );
  for (const [classname, list] of suites) {
    const time = list.reduce((sum, r) => sum + r.durationMs, 0);
    out.push(
      `  <testsuite name="${attr(classname)}" tests="${list.length}" failures="${count(list, 'failed')}" errors="${count(list, 'error')}" skipped="${count(list, 'skipped')}" time="${seconds(time)}"${options.timestamp ? ` timestamp="${attr(options.timestamp)}"` : ''}>`,
    );
    for (const r of list) out.push(testcase(r, classname, seconds(r.durationMs)));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function testcase(r: JUnitRecord, classname: string, time: string): string {
  const open = `    <testcase classname="${attr(classname)}" name="${attr(splitId(r.id).name)}" time="${time}"`;
  const out = r.systemOut ? `\n      <system-out>${text(r.systemOut)}</system-out>` : '';
  const message = r.message ?? '';
  const first = message.split('\n')[0] ?? '';
  switch (r.outcome) {
    case 'passed':
      return out ? `${open}>${out}\n    </testcase>` : `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${attr(first)}"/>${out}\n    </testcase>`;
    case 'failed':
    case 'error': {
      const tag = r.outcome === 'failed' ? 'failure' : 'error';
      const type = /^([A-Za-z_][\w.]*)(:|$)/.exec(first)?.[1] ?? (r.outcome === 'failed' ? 'AssertionError' : 'Error');
      return `${open}>\n      <${tag} message="${attr(first)}" type="${attr(type)}">${text(message)}</${tag}>${out}\n    </testcase>`;
    }
  }
}

/** `app.tests.Case.test_x` → classname `app.tests.Case`, name `test_x`. */
export function splitId(id: string): { classname: string; name: string } {
  const at = id.lastIndexOf('.');
  return at <= 0 ? { classname: id, name: id } : { classname: id.slice(0, at), name: id.slice(at + 1) };
}

// XML 1.0 allows tab, newline, carriage return and most of Unicode; other control characters
// (from a test's output) would make the whole report unparsable, so they become U+FFFD.
const invalid = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function text(value: string): string {
  return value.replace(invalid, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
