// GitHub Actions workflow commands (https://docs.github.com/actions/reference/workflow-commands):
// annotations, log groups. Pure: the caller writes the lines where the runner reads them (stdout).

/** One annotation: an error or warning shown on the run and, with a file, beside the diff. */
export interface Annotation {
  level: 'error' | 'warning';
  /** Path relative to the repository root. */
  file?: string;
  line?: number;
  title: string;
  message: string;
}

/** GitHub's limits: it keeps 10 annotations of each kind per step and 50 per job, dropping the rest silently. */
export const ANNOTATION_LIMITS = { perKindPerStep: 10, perJob: 50 } as const;

/** Escapes the message of a workflow command: `%`, CR and LF. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a property value (`file=…`, `title=…`): the data escapes plus `:` and `,`, which end a property. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=a.py,line=3,title=…::message` */
export function annotationCommand(a: Annotation): string {
  const props = [...(a.file ? [`file=${escapeProperty(a.file)}`] : []), ...(a.file && a.line ? [`line=${a.line}`] : []), `title=${escapeProperty(a.title)}`];
  return `::${a.level} ${props.join(',')}::${escapeData(a.message)}`;
}

export const groupStart = (title: string) => `::group::${escapeData(title)}`;
export const groupEnd = '::endgroup::';

export interface Selection {
  shown: Annotation[];
  /** Annotations GitHub would drop: they are only in the step summary. */
  omitted: number;
}

/**
 * The annotations to emit within GitHub's limits: errors before warnings, and within each kind
 * those in files the run's diff changed first (so a PR's own problems are the ones shown), the
 * order otherwise kept. Pure.
 */
export function selectAnnotations(
  all: Annotation[],
  changed: ReadonlySet<string>,
  limits: { perKindPerStep: number; perJob: number } = ANNOTATION_LIMITS,
): Selection {
  const rank = (a: Annotation) => (a.file && changed.has(a.file) ? 0 : 1);
  const shown: Annotation[] = [];
  for (const level of ['error', 'warning'] as const) {
    const ofKind = all
      .map((a, i) => ({ a, i }))
      .filter(({ a }) => a.level === level)
      .sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i)
      .map(({ a }) => a);
    shown.push(...ofKind.slice(0, Math.min(limits.perKindPerStep, limits.perJob - shown.length)));
  }
  return { shown, omitted: all.length - shown.length };
}
