import { describe, expect, it } from 'vitest';
import { gitAddedFiles, type GitRunner } from '../../src/backend/git.js';
import { parseCheckDocument, type CheckDocument, type CheckFinding } from '../../src/checks/document.js';
import { applyIgnores } from '../../src/checks/ignore.js';
import { rebaseDocument, rebasePath } from '../../src/checks/paths.js';
import { foldUnapplied, formatReport, groupFindings } from '../../src/checks/report.js';
import { migrationFiles } from '../../src/checks/since.js';
import { verdict } from '../../src/checks/verdict.js';
import { ConfigError, TldrError } from '../../src/errors.js';

const finding = (over: Partial<CheckFinding> = {}): CheckFinding => ({
  code: 'drop-column',
  severity: 'error',
  app: 'documents',
  migration: '0004_remove_title',
  file: 'documents/migrations/0004_remove_title.py',
  line: 12,
  message: 'RemoveField documents.Document.title drops column "documents_document"."title"',
  hint: 'Use SeparateDatabaseAndState and drop the column in a later migration.',
  ...over,
});

const doc = (over: Partial<CheckDocument> = {}): CheckDocument => ({
  v: 1,
  django: '5.2.17',
  settings: 'tldr.settings',
  checked: [{ app: 'documents', migration: '0004_remove_title', file: 'documents/migrations/0004_remove_title.py' }],
  unapplied: [{ app: 'documents', migration: '0004_remove_title' }],
  conflicts: [],
  missing: [],
  findings: [finding()],
  observations: [],
  sweptScratch: [],
  reversibility: { ran: false, reason: 'not requested' },
  durationMs: 321,
  ...over,
});

describe('helper document', () => {
  it('accepts the helper document and drops keys it does not know', () => {
    const parsed = parseCheckDocument({
      ...doc({ reversibility: { ran: true, scratchDatabase: 'tldr_scratch_1', method: 'template', durationMs: 9 } }),
      extra: 1,
    });
    expect(parsed).toMatchObject({ ok: true, document: { django: '5.2.17', findings: [{ code: 'drop-column', line: 12 }] } });
    expect(parsed.ok && 'extra' in parsed.document).toBe(false);
  });

  it('returns the fatal error document as a failure', () => {
    expect(parseCheckDocument({ error: { message: 'cannot set up Django', traceback: 'Traceback …' } })).toEqual({
      ok: false,
      failure: { error: { message: 'cannot set up Django', traceback: 'Traceback …' } },
    });
  });

  it('a mismatch is an internal error (exit 5) naming the field', () => {
    const bad = { ...doc(), findings: [finding(), { ...finding(), line: 'twelve' }] };
    const error = (() => {
      try {
        parseCheckDocument(bad);
      } catch (e) {
        return e;
      }
    })() as TldrError;
    expect(error).toBeInstanceOf(TldrError);
    expect(error.exitCode).toBe(5);
    expect(error.code).toBe('helper-protocol');
    expect(error.message).toContain('findings[1].line');
    expect(() => parseCheckDocument({ ...doc(), findings: [finding({ code: 'made-up' as never })] })).toThrow(/findings\[0\]\.code/);
    expect(() => parseCheckDocument({ ...doc(), v: 2 })).toThrow(/\bv\b/);
    expect(() => parseCheckDocument(null)).toThrow(TldrError);
  });
});

describe('migrations.ignore', () => {
  const entry = { migration: 'documents.0004_remove_title', rules: ['drop-column' as const], reason: 'column unused since v2' };

  it('drops a finding only when both the migration and the rule match, and keeps the reason', () => {
    const findings = [
      finding(),
      finding({ code: 'add-index-blocking', severity: 'warning' }),
      finding({ migration: '0005_other' }),
      finding({ code: 'missing-migration', migration: null, file: 'documents/migrations', line: null }),
    ];
    const out = applyIgnores(findings, [entry]);
    expect(out.kept.map((f) => `${f.code}@${f.migration}`)).toEqual([
      'add-index-blocking@0004_remove_title',
      'drop-column@0005_other',
      'missing-migration@null',
    ]);
    expect(out.ignored).toEqual([{ code: 'drop-column', migration: 'documents.0004_remove_title', reason: 'column unused since v2' }]);
    expect(out.unused).toEqual([]);
  });

  it('reports entries that silenced nothing', () => {
    const stale = { ...entry, migration: 'documents.0009_gone' };
    expect(applyIgnores([finding()], [entry, stale]).unused).toEqual([stale]);
  });
});

describe('verdict', () => {
  const warning = finding({ code: 'add-index-blocking', severity: 'warning' });

  it('exits 1 when an error remains', () => {
    expect(verdict([finding(), warning], { strict: false, checked: 3, ignored: 1 })).toEqual({
      exitCode: 1,
      counts: { error: 1, warning: 1 },
      summary: '1 error, 1 warning (3 migrations checked, 1 ignored)',
    });
  });

  it('warnings alone exit 0, unless strict', () => {
    expect(verdict([warning], { strict: false, checked: 1, ignored: 0 })).toMatchObject({ exitCode: 0, summary: expect.stringContaining('warnings only') });
    expect(verdict([warning], { strict: true, checked: 1, ignored: 0 })).toMatchObject({ exitCode: 1, counts: { error: 0, warning: 1 } });
  });

  it('nothing found exits 0', () => {
    expect(verdict([], { strict: true, checked: 0, ignored: 0 })).toEqual({
      exitCode: 0,
      counts: { error: 0, warning: 0 },
      summary: 'no migration problems (0 migrations checked)',
    });
  });
});

describe('--since file filtering', () => {
  it('keeps migration modules only', () => {
    expect(
      migrationFiles([
        'documents/migrations/0002_add_status.py',
        'documents/migrations/__init__.py',
        'documents/models.py',
        'documents/migrations/0002_add_status.py',
        'documents/migrations/README.md',
        'documents/migrations/sub/0001_x.py',
        'migrations/0001_initial.py',
        'documents/tests/test_migrations.py',
        'billing/migrations/0003_a, "b" c.py',
        'billing/migrations/ 0004_lead.py',
      ]),
    ).toEqual([
      'billing/migrations/ 0004_lead.py',
      'billing/migrations/0003_a, "b" c.py',
      'documents/migrations/0002_add_status.py',
      'migrations/0001_initial.py',
    ]);
  });
});

describe('gitAddedFiles', () => {
  const fake = (answers: Record<string, { exitCode?: number; stdout?: string[]; stderr?: string[] }>): { git: GitRunner; calls: string[][] } => {
    const calls: string[][] = [];
    const git: GitRunner = async (args) => {
      calls.push(args);
      const answer = answers[args[0]!] ?? {};
      return { outcome: { exitCode: answer.exitCode ?? 0, durationMs: 1 }, stdout: answer.stdout ?? [], stderr: answer.stderr ?? [] };
    };
    return { git, calls };
  };

  it('unites the files added since the merge base with untracked ones', async () => {
    const { git, calls } = fake({
      'rev-parse': { stdout: ['abc123'] },
      'merge-base': { stdout: ['base456'] },
      // -z output as the line reader hands it over: NUL-separated, split at the newline inside a name.
      diff: { stdout: ['b/migrations/0002_y.py\0a/migrations/0002_x.py\0'] },
      'ls-files': { stdout: ['a/migrations/0003_new, "odd".py\0a/migrations/0004_two', 'lines.py\0b/migrations/0002_y.py\0'] },
    });
    expect(await gitAddedFiles('/repo/backend', 'origin/main', git)).toEqual([
      'a/migrations/0002_x.py',
      'a/migrations/0003_new, "odd".py',
      'a/migrations/0004_two\nlines.py',
      'b/migrations/0002_y.py',
    ]);
    expect(calls[0]).toEqual(['rev-parse', '--verify', '--quiet', 'origin/main^{commit}']);
    expect(calls[1]).toEqual(['merge-base', 'abc123', 'HEAD']);
    expect(calls[2]).toContain('base456');
    expect(calls[2]).toContain('-z');
    expect(calls[3]).toContain('-z');
  });

  it('an unknown ref is a usage error (exit 2) naming the ref', async () => {
    const { git } = fake({ 'rev-parse': { exitCode: 1 } });
    const error = await gitAddedFiles('/repo', 'no-such-branch', git).catch((e) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('no-such-branch');
    expect(error.hint).toBeTruthy();
    await expect(gitAddedFiles('/repo', '--output=x', git)).rejects.toThrow(ConfigError);
  });

  it('outside a git repository it says so', async () => {
    const { git } = fake({ 'rev-parse': { exitCode: 128, stderr: ['fatal: not a git repository (or any of the parent directories): .git'] } });
    await expect(gitAddedFiles('/tmp/x', 'main', git)).rejects.toThrow(/not inside a git repository/);
  });
});

describe('paths', () => {
  it('rebases helper paths (relative to backend.dir) onto the project root', () => {
    expect(rebasePath('documents/migrations/0001_initial.py', '/repo/backend', '/repo')).toBe('backend/documents/migrations/0001_initial.py');
    expect(rebasePath('../shared/migrations/0001.py', '/repo/backend', '/repo')).toBe('shared/migrations/0001.py');
    expect(rebasePath(null, '/repo/backend', '/repo')).toBeNull();
    const out = rebaseDocument(doc(), '/repo/backend', '/repo');
    expect(out.findings[0]!.file).toBe('backend/documents/migrations/0004_remove_title.py');
    expect(out.checked[0]!.file).toBe('backend/documents/migrations/0004_remove_title.py');
  });
});

describe('human report', () => {
  const findings = [
    finding({ app: 'billing', migration: '0002_x', file: 'billing/migrations/0002_x.py', line: 30, code: 'runsql-irreversible', severity: 'warning' }),
    finding({ app: 'documents', line: 20, code: 'add-index-blocking', severity: 'warning' }),
    finding({ app: 'documents', line: 8 }),
    finding({ app: 'documents', code: 'missing-migration', migration: null, file: 'documents/migrations', line: null, message: 'Model changes…' }),
    finding({
      app: 'billing',
      code: 'unapplied',
      migration: '0001_initial',
      file: 'billing/migrations/0001_initial.py',
      line: null,
      hint: 'Run `tldr migrate` to apply it.',
    }),
    finding({
      app: 'billing',
      code: 'unapplied',
      migration: '0002_x',
      file: 'billing/migrations/0002_x.py',
      line: null,
      hint: 'Run `tldr migrate` to apply it.',
    }),
  ];

  it('groups by app, then migration, then line; app-wide findings first', () => {
    const groups = groupFindings(findings);
    expect(groups.map((g) => g.app)).toEqual(['billing', 'documents']);
    expect(groups[0]!.unapplied).toHaveLength(2);
    expect(groups[1]!.general.map((f) => f.code)).toEqual(['missing-migration']);
    expect(groups[1]!.migrations[0]!.findings.map((f) => f.line)).toEqual([8, 20]);
  });

  it('folds the unapplied migrations of an app into one entry', () => {
    const folded = foldUnapplied(groupFindings(findings)[0]!.unapplied)!;
    expect(folded).toMatchObject({ code: 'unapplied', migration: null, file: 'billing/migrations', line: null, hint: 'Run `tldr migrate` to apply them.' });
    expect(folded.message).toBe('2 migrations are not applied: 0001_initial, 0002_x');
    expect(foldUnapplied([])).toBeUndefined();
  });

  it('prints every finding with file:line under its app and migration, without colour when asked', () => {
    const text = formatReport(findings, false);
    expect(text).not.toContain('\u001b[');
    const lines = text.split('\n');
    expect(lines[0]).toBe('billing');
    expect(lines).toContain('  0002_x');
    expect(text).toContain('warning runsql-irreversible  billing/migrations/0002_x.py:30');
    expect(text).toContain('error   drop-column  documents/migrations/0004_remove_title.py:8');
    expect(text).toContain('fix: Use SeparateDatabaseAndState');
    expect(text.indexOf('missing-migration')).toBeLessThan(text.indexOf('  0004_remove_title'));
    expect(text.indexOf('drop-column')).toBeLessThan(text.indexOf('add-index-blocking'));
  });
});
