import { paint, type Palette } from '../output/colors.js';
import { formatFinding } from '../output/human.js';
import type { CheckFinding, MigrationObservation } from './document.js';
import { describeStatement } from './observations.js';

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
  return {
    ...first,
    migration: null,
    file: dir,
    line: null,
    message: `${findings.length} migrations are not applied: ${list}`,
    hint: first.hint.replace('apply it', 'apply them'),
  };
}

export interface ReportOptions {
  /** What the scratch run saw, shown under each migration that has findings. */
  observations?: MigrationObservation[];
  /** Also list watched migrations without findings (--verbose). */
  allObservations?: boolean;
  /** Statements shown per migration. @default 5 */
  shown?: number;
}

/** "watched" lines under a migration: what each statement locked or rewrote, with the operation's line. */
export function formatObservation(observation: MigrationObservation, palette: Palette, indent = '    ', shown = 5): string[] {
  const lines = observation.statements.slice(0, shown).map((s) => {
    const at = s.line ? `line ${s.line}: ` : '';
    const text = `${at}${describeStatement(s)}`;
    return `${indent}${paint(palette, 'dim', 'watched')} ${s.rewrite ? paint(palette, 'red', text) : text}  ${paint(palette, 'dim', s.statement)}`;
  });
  const more = observation.more + Math.max(0, observation.statements.length - shown);
  if (more)
    lines.push(
      `${indent}${paint(palette, 'dim', `watched and ${more} more statement${more === 1 ? '' : 's'} (.tldr/logs/migrate-check-observations.json has them)`)}`,
    );
  return lines;
}

/** The human report of `tldr migrate --check`: grouped by app and migration, each finding with file:line. */
export function formatReport(findings: CheckFinding[], palette: Palette, options: ReportOptions = {}): string {
  const observed = new Map((options.observations ?? []).map((o) => [`${o.app}.${o.migration}`, o]));
  const groups = groupFindings(findings);
  if (options.allObservations) addObservedMigrations(groups, options.observations ?? []);
  const lines: string[] = [];
  for (const group of groups) {
    lines.push(paint(palette, 'bold', group.app));
    const folded = foldUnapplied(group.unapplied);
    for (const finding of [...group.general, ...(folded ? [folded] : [])]) lines.push(formatFinding(finding, palette, '  '));
    for (const { migration, findings: list } of group.migrations) {
      lines.push(`  ${paint(palette, 'cyan', migration)}`);
      for (const finding of list) lines.push(formatFinding(finding, palette, '    '));
      const observation = observed.get(`${group.app}.${migration}`);
      if (observation) lines.push(...formatObservation(observation, palette, '    ', options.shown));
    }
  }
  return lines.join('\n');
}

function addObservedMigrations(groups: AppGroup[], observations: MigrationObservation[]): void {
  for (const o of observations) {
    if (!o.statements.length) continue;
    let group = groups.find((g) => g.app === o.app);
    if (!group) groups.push((group = { app: o.app, general: [], unapplied: [], migrations: [] }));
    if (!group.migrations.some((m) => m.migration === o.migration)) group.migrations.push({ migration: o.migration, findings: [] });
  }
  groups.sort((a, b) => a.app.localeCompare(b.app));
}
