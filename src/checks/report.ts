import { paint, type Palette } from '../output/colors.js';
import { formatFinding } from '../output/human.js';
import type { CheckFinding } from './document.js';

export interface AppGroup {
  app: string;
  /** Findings about the app as a whole (missing-migration), shown above its migrations. */
  general: CheckFinding[];
  /** `unapplied` findings, folded into one entry: on a fresh database they are most migrations. */
  unapplied: CheckFinding[];
  migrations: Array<{ migration: string; findings: CheckFinding[] }>;
}

const byLine = (a: CheckFinding, b: CheckFinding) => (a.line ?? 0) - (b.line ?? 0);

/** Findings by app, then migration (in the helper's order, which follows the graph), then line. Pure. */
export function groupFindings(findings: CheckFinding[]): AppGroup[] {
  const apps = new Map<string, AppGroup>();
  for (const finding of findings) {
    const app = finding.app ?? '(project)';
    let group = apps.get(app);
    if (!group) apps.set(app, (group = { app, general: [], unapplied: [], migrations: [] }));
    if (finding.code === 'unapplied') group.unapplied.push(finding);
    else if (finding.migration === null) group.general.push(finding);
    else {
      let entry = group.migrations.find((m) => m.migration === finding.migration);
      if (!entry) group.migrations.push((entry = { migration: finding.migration, findings: [] }));
      entry.findings.push(finding);
    }
  }
  const groups = [...apps.values()].sort((a, b) => a.app.localeCompare(b.app));
  for (const group of groups) for (const entry of group.migrations) entry.findings.sort(byLine);
  return groups;
}

/** Several `unapplied` findings of one app as one: "3 migrations not applied: 0001_…, 0002_…". */
export function foldUnapplied(findings: CheckFinding[], shown = 6): CheckFinding | undefined {
  const [first] = findings;
  if (!first || findings.length === 1) return first;
  const names = findings.map((f) => f.migration ?? '?');
  const list = names.slice(0, shown).join(', ') + (names.length > shown ? `, and ${names.length - shown} more` : '');
  const dir = first.file?.includes('/') ? first.file.slice(0, first.file.lastIndexOf('/')) : first.file;
  return { ...first, migration: null, file: dir, line: null, message: `${findings.length} migrations are not applied: ${list}`, hint: first.hint.replace('apply it', 'apply them') };
}

/** The human report of `tldr migrate --check`: grouped by app and migration, each finding with file:line. */
export function formatReport(findings: CheckFinding[], palette: Palette): string {
  const lines: string[] = [];
  for (const group of groupFindings(findings)) {
    lines.push(paint(palette, 'bold', group.app));
    const folded = foldUnapplied(group.unapplied);
    for (const finding of [...group.general, ...(folded ? [folded] : [])]) lines.push(formatFinding(finding, palette, '  '));
    for (const { migration, findings: list } of group.migrations) {
      lines.push(`  ${paint(palette, 'cyan', migration)}`);
      for (const finding of list) lines.push(formatFinding(finding, palette, '    '));
    }
  }
  return lines.join('\n');
}
