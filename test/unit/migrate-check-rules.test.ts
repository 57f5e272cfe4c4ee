import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingCodes } from '../../src/config/schema.js';

// The helper's rules, without a database: each rule's unsafe and safe cases on an in-memory
// ProjectState (test/unit/migrate-check-rules/*.py, Python's unittest), on Django 5.2 (the example
// venv) and 3.2 (Debian's python3); and the registry against `findingCodes` and the README.

const repo = join(import.meta.dirname, '../..');
const pythons = [
  ['Django 5.2', join(repo, 'example/backend/.venv/bin/python'), /^5\.2/],
  ['Django 3.2', '/usr/bin/python3', /^3\.2/],
] as const;
const helperEnv = { ...process.env, PYTHONPATH: join(repo, 'src/python') };

interface Listed {
  code: string;
  severity: 'error' | 'warning';
  scope: string;
  operations: string[];
  hint: string;
}

const listRules = (python: string): Listed[] =>
  JSON.parse(execFileSync(python, ['-m', 'tldr_migrate_check', '--list-rules', '--json'], { env: helperEnv, encoding: 'utf8' }));

/** `code → severity` from the README's table in "### `tldr migrate --check`". */
function readmeTable(): Map<string, string> {
  const text = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = text.slice(text.indexOf('### `tldr migrate --check`'), text.indexOf('## Exit codes'));
  const table = new Map<string, string>();
  for (const [, codes, severity] of section.matchAll(/^\| ((?:`[a-z-]+`(?: · )?)+) \| (error|warning) \|/gm)) {
    for (const [, code] of codes!.matchAll(/`([a-z-]+)`/g)) table.set(code!, severity!);
  }
  return table;
}

describe('migration-check rules', () => {
  for (const [label, python, version] of pythons) {
    it(`${label}: every rule's unsafe and safe cases pass on an in-memory ProjectState`, () => {
      const run = spawnSync(python, [join(repo, 'test/unit/migrate-check-rules/run.py')], { encoding: 'utf8', env: process.env });
      const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}');
      expect(summary.failures.concat(summary.errors).join('\n\n'), run.stderr.slice(-3000)).toBe('');
      expect(run.status).toBe(0);
      expect(summary.django).toMatch(version);
      expect(summary.tests).toBeGreaterThanOrEqual(60);
      const judged = listRules(python).filter((r) => ['operation', 'migration', 'observation'].includes(r.scope));
      for (const rule of judged) expect(Object.keys(summary.rules), rule.code).toContain(rule.code);
    });
  }

  it('--list-rules names exactly the finding codes of config/schema.ts, each with a severity and a hint', () => {
    const listed = listRules(pythons[0][1]);
    expect(listed.map((r) => r.code).sort()).toEqual([...findingCodes].sort());
    for (const rule of listed) expect(rule.hint.length, rule.code).toBeGreaterThan(20);
    expect(listRules(pythons[1][1])).toEqual(listed);
  });

  it("the README's table lists every code with the helper's severity", () => {
    const severities = Object.fromEntries(listRules(pythons[0][1]).map((r) => [r.code, r.severity]));
    expect(Object.fromEntries(readmeTable())).toEqual(severities);
  });

  it('--list-rules prints code, severity and hint for a person', () => {
    const text = execFileSync(pythons[0][1], ['-m', 'tldr_migrate_check', '--list-rules'], { env: helperEnv, encoding: 'utf8' });
    expect(text).toMatch(/^table-rewrite +error +observed on the scratch database/m);
    expect(text).toMatch(/^ +Rewriting a table holds ACCESS EXCLUSIVE/m);
  });
});
