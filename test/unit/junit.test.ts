import { describe, expect, it } from 'vitest';
import { renderJUnit, splitId } from '../../src/output/junit.js';
import type { TestRecord } from '../../src/output/test-report.js';

const records: TestRecord[] = [
  { id: 'sample_tests.tests.NoteModelTests.test_create_note', outcome: 'passed', durationMs: 12.5 },
  {
    id: 'sample_tests.tests.OutcomeTests.test_deliberate_failure',
    outcome: 'failed',
    durationMs: 3,
    message: 'AssertionError: 1 != 2 : deliberate failure\nTraceback (most recent call last):\n  File "t.py", line 23',
  },
  { id: 'sample_tests.tests.OutcomeTests.test_raises_runtime_error', outcome: 'error', durationMs: 1, message: 'RuntimeError: boom <&> "quoted"' },
  { id: 'sample_tests.tests.OutcomeTests.test_skipped', outcome: 'skipped', durationMs: 0, message: 'not today' },
  { id: 'sample_errors.tests_broken_import', outcome: 'error', durationMs: 0, message: 'ImportError: Failed to import test module: tests_broken_import' },
];

describe('renderJUnit', () => {
  const xml = renderJUnit(records, { timestamp: '2025-01-01T00:00:00.000Z', durationMs: 1500 });

  it('totals on <testsuites>, one <testsuite> per class', () => {
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tldr test" tests="5" failures="1" errors="2" skipped="1" time="1.500">'),
    ).toBe(true);
    expect(xml).toContain(
      '<testsuite name="sample_tests.tests.NoteModelTests" tests="1" failures="0" errors="0" skipped="0" time="0.013" timestamp="2025-01-01T00:00:00.000Z">',
    );
    expect(xml).toContain('<testsuite name="sample_tests.tests.OutcomeTests" tests="3" failures="1" errors="1" skipped="1" time="0.004"');
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it('failures carry the first line as message, the exception as type, the whole text as body', () => {
    expect(xml).toContain(
      '<testcase classname="sample_tests.tests.OutcomeTests" name="test_deliberate_failure" time="0.003">\n      <failure message="AssertionError: 1 != 2 : deliberate failure" type="AssertionError">AssertionError: 1 != 2 : deliberate failure\nTraceback (most recent call last):\n  File "t.py", line 23</failure>',
    );
    expect(xml).toContain(
      '<error message="RuntimeError: boom &lt;&amp;&gt; &quot;quoted&quot;" type="RuntimeError">RuntimeError: boom &lt;&amp;&gt; "quoted"</error>',
    );
    expect(xml).toContain(
      '<testcase classname="sample_errors" name="tests_broken_import" time="0.000">\n      <error message="ImportError: Failed to import test module: tests_broken_import" type="ImportError">',
    );
  });

  it('skips carry their reason; passes are empty elements', () => {
    expect(xml).toContain('<skipped message="not today"/>');
    expect(xml).toContain('<testcase classname="sample_tests.tests.NoteModelTests" name="test_create_note" time="0.013"/>');
  });

  it('characters XML 1.0 forbids never reach the file', () => {
    const out = renderJUnit([{ id: 'a.B.test', outcome: 'failed', durationMs: 0, message: 'bad \u0000\u001b[31m byte \ud800' }]);
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(out).toContain('bad \ufffd\ufffd[31m byte \ufffd');
  });

  it('an empty run is still a valid document', () => {
    expect(renderJUnit([])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="tldr test" tests="0" failures="0" errors="0" skipped="0" time="0.000">\n</testsuites>\n',
    );
  });
});

describe('splitId', () => {
  it('splits at the last dot', () => {
    expect(splitId('a.b.C.test_x')).toEqual({ classname: 'a.b.C', name: 'test_x' });
    expect(splitId('lonely')).toEqual({ classname: 'lonely', name: 'lonely' });
  });
});
