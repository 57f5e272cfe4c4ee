import { ExitCode } from '../errors.js';
import type { CheckFinding } from './document.js';

export interface FindingCounts {
  error: number;
  warning: number;
}

export interface Verdict {
  exitCode: typeof ExitCode.ok | typeof ExitCode.no;
  counts: FindingCounts;
  summary: string;
}

export function countFindings(findings: CheckFinding[]): FindingCounts {
  return {
    error: findings.filter((f) => f.severity === 'error').length,
    warning: findings.filter((f) => f.severity === 'warning').length,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Exit 1 when an error remains, or a warning under `strict`; warnings alone pass. Pure. */
export function verdict(findings: CheckFinding[], options: { strict: boolean; checked: number; ignored: number }): Verdict {
  const counts = countFindings(findings);
  const fails = counts.error > 0 || (options.strict && counts.warning > 0);
  const scope = `${plural(options.checked, 'migration')} checked`;
  const ignored = options.ignored ? `, ${options.ignored} ignored` : '';
  const found = counts.error + counts.warning;
  const summary = found
    ? `${plural(counts.error, 'error')}, ${plural(counts.warning, 'warning')} (${scope}${ignored})${!fails ? ' — warnings only' : options.strict && counts.error === 0 ? ' — warnings fail under strict' : ''}`
    : `no migration problems (${scope}${ignored})`;
  return { exitCode: fails ? ExitCode.no : ExitCode.ok, counts, summary };
}
