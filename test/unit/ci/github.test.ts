import { describe, expect, it } from 'vitest';
import { annotationCommand, escapeData, escapeProperty, groupEnd, groupStart, selectAnnotations, type Annotation } from '../../../src/output/github.js';

describe('GitHub workflow command escaping', () => {
  it('escapes %, CR and LF in data, in that order (a literal %0A stays literal)', () => {
    expect(escapeData('100% done\r\nnext %0A')).toBe('100%25 done%0D%0Anext %250A');
  });

  it('escapes : and , in properties too', () => {
    expect(escapeProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });

  it('builds ::error with file, line and title; line only with a file', () => {
    const a: Annotation = {
      level: 'error',
      file: 'app/migrations/0002_x,y.py',
      line: 7,
      title: 'drop-column in app.0002: x',
      message: 'drops x\nfix: keep it',
    };
    expect(annotationCommand(a)).toBe('::error file=app/migrations/0002_x%2Cy.py,line=7,title=drop-column in app.0002%3A x::drops x%0Afix: keep it');
    expect(annotationCommand({ level: 'warning', line: 3, title: 't', message: 'm' })).toBe('::warning title=t::m');
  });

  it('groups', () => {
    expect(groupStart('Django tests\n')).toBe('::group::Django tests%0A');
    expect(groupEnd).toBe('::endgroup::');
  });
});

describe('selectAnnotations', () => {
  const make = (level: 'error' | 'warning', n: number, file = (i: number) => `f${i}.py`): Annotation[] =>
    Array.from({ length: n }, (_, i) => ({ level, file: file(i), line: 1, title: `${level} ${i}`, message: 'm' }));

  it('keeps 10 of each kind, errors first, and counts the rest', () => {
    const { shown, omitted } = selectAnnotations([...make('warning', 12), ...make('error', 15)], new Set());
    expect(shown.filter((a) => a.level === 'error')).toHaveLength(10);
    expect(shown.filter((a) => a.level === 'warning')).toHaveLength(10);
    expect(shown[0]!.level).toBe('error');
    expect(omitted).toBe(7);
  });

  it('puts files changed by the diff first, otherwise keeps the order', () => {
    const all = make('error', 14);
    const { shown } = selectAnnotations(all, new Set(['f12.py', 'f13.py']));
    expect(shown.map((a) => a.file)).toEqual(['f12.py', 'f13.py', 'f0.py', 'f1.py', 'f2.py', 'f3.py', 'f4.py', 'f5.py', 'f6.py', 'f7.py']);
  });

  it('respects the per-job limit', () => {
    const { shown, omitted } = selectAnnotations([...make('error', 5), ...make('warning', 5)], new Set(), { perKindPerStep: 10, perJob: 7 });
    expect(shown).toHaveLength(7);
    expect(omitted).toBe(3);
  });
});
