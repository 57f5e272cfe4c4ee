import type { IgnoreEntry } from '../config/schema.js';
import type { CheckFinding } from './document.js';

export interface IgnoredFinding {
  code: CheckFinding['code'];
  /** `app.migration` */
  migration: string;
  reason: string;
}

export interface IgnoreOutcome {
  kept: CheckFinding[];
  ignored: IgnoredFinding[];
  /** Entries that silenced nothing: the migration was fixed, renamed, or not checked in this run. */
  unused: IgnoreEntry[];
}

/** Drops each finding whose `app.migration` and code an entry of `migrations.ignore` names. Pure. */
export function applyIgnores(findings: CheckFinding[], entries: IgnoreEntry[]): IgnoreOutcome {
  const kept: CheckFinding[] = [];
  const ignored: IgnoredFinding[] = [];
  const used = new Set<IgnoreEntry>();
  for (const finding of findings) {
    const name = finding.app && finding.migration ? `${finding.app}.${finding.migration}` : undefined;
    const entry = name ? entries.find((e) => e.migration === name && e.rules.includes(finding.code)) : undefined;
    if (!entry) {
      kept.push(finding);
      continue;
    }
    used.add(entry);
    ignored.push({ code: finding.code, migration: name!, reason: entry.reason });
  }
  return { kept, ignored, unused: entries.filter((e) => !used.has(e)) };
}
