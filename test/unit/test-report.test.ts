import { describe, expect, it } from 'vitest';
import { parseRunnerLine } from '../../src/backend/test-protocol.js';
import { countsText, formatTestSummary, summarizeTests, type TestRecord } from '../../src/output/test-report.js';
import { judgeTestRun } from '../../src/commands/test/outcome.js';

const records: TestRecord[] = [
  { id: 't.A.test_fast', outcome: 'passed', durationMs: 2 },
  { id: 't.A.test_slow', outcome: 'passed', durationMs: 900.4 },
  { id: 't.B.test_fail', outcome: 'failed', durationMs: 40, message: 'AssertionError: 1 != 2\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8' },
  { id: 't.B.test_error', outcome: 'error', durationMs: 0.2, message: 'RuntimeError: boom' },
  { id: 't.B.test_skip', outcome: 'skipped', durationMs: 0, message: 'not today' },
];

describe('summarizeTests', () => {
  const report = summarizeTests(records, 1234.6);

  it('counts each outcome', () => {
    expect(report.counts).toEqual({ total: 5, passed: 2, failed: 1, errors: 1, skipped: 1 });
    expect(report.durationMs).toBe(1235);
  });

  it('keeps the first lines of each failure and the slowest tests (sub-millisecond ones left out)', () => {
    expect(report.failures).toEqual([
      { id: 't.B.test_fail', outcome: 'failed', message: 'AssertionError: 1 != 2\nline 2\nline 3\nline 4\nline 5\nline 6\n…' },
      { id: 't.B.test_error', outcome: 'error', message: 'RuntimeError: boom' },
    ]);
    expect(report.slowest).toEqual([
      { id: 't.A.test_slow', durationMs: 900 },
      { id: 't.B.test_fail', durationMs: 40 },
      { id: 't.A.test_fast', durationMs: 2 },
    ]);
  });

  it('caps the failures list', () => {
    const many = Array.from({ length: 30 }, (_, i): TestRecord => ({ id: `t.C.test_${i}`, outcome: 'failed', durationMs: 1 }));
    expect(summarizeTests(many, 1).failures).toHaveLength(20);
    expect(formatTestSummary(summarizeTests(many, 1), false)).toContain('… and 10 more');
  });
});

describe('countsText and formatTestSummary', () => {
  it('says what happened in one line', () => {
    expect(countsText({ total: 6, passed: 3, failed: 1, errors: 1, skipped: 1 })).toBe('3 passed, 1 failed, 1 error, 1 skipped');
    expect(countsText({ total: 2, passed: 0, failed: 0, errors: 2, skipped: 0 })).toBe('2 errors');
    expect(countsText({ total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 })).toBe('no tests ran');
  });

  it('lists each failure id with its first lines, then the slowest tests', () => {
    const text = formatTestSummary(summarizeTests(records, 1), false);
    expect(text).toContain('Failures\n  FAIL t.B.test_fail\n       AssertionError: 1 != 2\n       line 2');
    expect(text).toContain('  ERR  t.B.test_error\n       RuntimeError: boom');
    expect(text).toContain('Slowest\n    900 ms  t.A.test_slow');
    expect(formatTestSummary(summarizeTests([], 1), false)).toBe('');
  });
});

describe('judgeTestRun', () => {
  const end = { type: 'end' as const, passed: 2, failed: 1, errors: 1, skipped: 1, durationMs: 50, stopped: false };
  const child = { exitCode: 1, durationMs: 2500 };

  it('failed or errored tests → exit 1 with the counts', () => {
    const v = judgeTestRun({ records, end, child, aborted: false, logPath: '/p/test.log' });
    expect(v.exitCode).toBe(1);
    expect(v.summary).toBe('5 test(s): 2 passed, 1 failed, 1 error, 1 skipped in 2.50 s');
  });

  it('green → the child exit code (0), and a non-zero one after green tests stays visible', () => {
    const green = records.filter((r) => r.outcome === 'passed');
    const clean = { ...end, failed: 0, errors: 0 };
    expect(judgeTestRun({ records: green, end: clean, child: { exitCode: 0, durationMs: 10 }, aborted: false, logPath: 'l' }).exitCode).toBe(0);
    const teardown = judgeTestRun({ records: green, end: clean, child: { exitCode: 3, durationMs: 10 }, aborted: false, logPath: 'l' });
    expect(teardown.exitCode).toBe(3);
    expect(teardown.summary).toContain('but the test process exited with 3; see l');
  });

  it('an interrupt → 130, also when the runner stopped gracefully and exited 0', () => {
    expect(judgeTestRun({ records, end, child, aborted: true, logPath: 'l' }).exitCode).toBe(130);
    const graceful = judgeTestRun({
      records: records.slice(0, 2),
      end: { ...end, stopped: true },
      child: { exitCode: 0, durationMs: 5 },
      aborted: false,
      logPath: 'l',
    });
    expect(graceful).toMatchObject({ exitCode: 130, interrupted: true });
    expect(graceful.summary).toMatch(/^interrupted after 2 test/);
  });

  it('failfast stops with a failure → 1, not an interrupt', () => {
    const v = judgeTestRun({ records: records.slice(0, 3), end: { ...end, stopped: true }, child, aborted: false, logPath: 'l' });
    expect(v).toMatchObject({ exitCode: 1, interrupted: false });
  });

  it('no `end` line → the process died: exit 4, pointing at the log', () => {
    const v = judgeTestRun({
      records: records.slice(0, 1),
      child: { exitCode: 137, signal: 'SIGKILL', durationMs: 10 },
      aborted: false,
      logPath: '/p/test.log',
    });
    expect(v).toMatchObject({ exitCode: 4, died: true });
    expect(v.summary).toContain('(SIGKILL)');
    expect(v.summary).toContain('/p/test.log');
  });
});

describe('parseRunnerLine', () => {
  it("accepts the runner's start, test and end lines", () => {
    expect(parseRunnerLine('{"type":"start","total":6,"shard":null,"parallel":1,"django":"5.2","python":"3.11.2"}')).toEqual({
      event: { type: 'start', total: 6, shard: null, parallel: 1, django: '5.2', python: '3.11.2' },
    });
    expect(parseRunnerLine('{"type":"test","id":"a.B.c","outcome":"failed","durationMs":1.5,"message":"x"}')).toEqual({
      event: { type: 'test', id: 'a.B.c', outcome: 'failed', durationMs: 1.5, message: 'x' },
    });
    expect('event' in parseRunnerLine('{"type":"end","passed":1,"failed":0,"errors":0,"skipped":0,"durationMs":3,"stopped":false}')).toBe(true);
  });

  it('names what is wrong with a bad line', () => {
    expect(parseRunnerLine('not json')).toEqual({ error: 'not JSON: not json' });
    const bad = parseRunnerLine('{"type":"test","id":"a","outcome":"exploded","durationMs":1}');
    expect('error' in bad && bad.error).toMatch(/outcome/);
  });

  it('parses a long run the same once zod compiles its fast path (the first events are parsed without it)', () => {
    const good = '{"type":"test","id":"a.B.c","outcome":"passed","durationMs":1.5,"extra":1}';
    const bad = '{"type":"test","id":"a","outcome":"exploded","durationMs":1}';
    const first = [parseRunnerLine(good), parseRunnerLine(bad)];
    for (let i = 0; i < 200; i++) parseRunnerLine(good);
    expect([parseRunnerLine(good), parseRunnerLine(bad)]).toEqual(first);
    expect(first[0]).toEqual({ event: { type: 'test', id: 'a.B.c', outcome: 'passed', durationMs: 1.5 } });
  });
});
