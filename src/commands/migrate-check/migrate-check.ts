import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gitAddedFiles } from '../../backend/git.js';
import type { CheckDocument, CheckFinding, ReversibilityReport } from '../../checks/document.js';
import { applyIgnores, type IgnoredFinding } from '../../checks/ignore.js';
import { summariseObservations, type ObservationSummary } from '../../checks/observations.js';
import { rebaseDocument } from '../../checks/paths.js';
import { formatReport } from '../../checks/report.js';
import { migrationFiles } from '../../checks/since.js';
import { verdict, type FindingCounts } from '../../checks/verdict.js';
import { writePrivateFile } from '../../config/private-files.js';
import type { Output } from '../../output/output.js';
import type { RunOptions } from '../../pipeline/context.js';
import { commandContext } from '../context.js';
import { runMigrateCheckHelper } from './helper.js';
import { managePyNeeds, preflight } from '../preflight.js';
import type { StepContext } from '../../pipeline/types.js';

export interface MigrateCheckSettings {
  /**
   * Lint the migration files added since this git ref instead of the unapplied migrations;
   * `null` forces the unapplied ones.
   * @default migrations.since
   */
  since?: string | null;
  /**
   * Apply, revert and re-apply the checked migrations on a scratch copy of the database.
   * @default migrations.reversibility
   */
  reversibility?: boolean;
  /**
   * During the reversibility run, watch each statement of the checked migrations: the locks it
   * takes and whether it rewrites a table (decides `table-rewrite` and `alter-column-type`).
   * @default true
   */
  observe?: boolean;
  /**
   * Warnings fail the check too.
   * @default migrations.strict
   */
  strict?: boolean;
  /**
   * Stop the helper when this process gets SIGINT/SIGTERM/SIGHUP (for callers that leave Ctrl-C
   * to the child instead of aborting `signal`).
   * @default false
   */
  forwardSignals?: boolean;
}

export interface MigrateCheckOptions extends RunOptions, MigrateCheckSettings {}

export interface MigrateCheckData {
  findings: FindingCounts;
  /** `app.migration` of the linted migrations (the first 100; `checkedCount` has them all). */
  checked: string[];
  checkedCount: number;
  ignored: IgnoredFinding[];
  reversibility: ReversibilityReport;
  /** How many checked migrations the reversibility run watched (atomic ones it applied). */
  watched: number;
  /** What their statements locked and rewrote (at most 20 statements in all, rewrites first; `more` counts the rest of a migration's). */
  observations: ObservationSummary[];
  /** Observed statements not in `observations` (`observationsFile` and `--verbose` have them all). */
  observationsOmitted: number;
  /** Every observation of this run, as JSON (.tldr/logs/migrate-check-observations.json); null when nothing was watched. */
  observationsFile: string | null;
  /** Scratch databases left by dead runs that this check dropped. */
  sweptScratch: string[];
  unapplied: number;
  conflicts: string[];
  /** Apps with model changes that have no migration. */
  missing: string[];
  since: string | null;
  django: string;
  durationMs: number;
}

export interface MigrateCheckResult {
  exitCode: number;
  summary: string;
  data: MigrateCheckData;
  /** Every finding left after `migrations.ignore`, paths relative to the project root. */
  findings: CheckFinding[];
}

/** `tldr migrate --check`: every migration problem from one Django start (DESIGN.md § Migration checks). */
export async function migrateCheck(options: MigrateCheckOptions): Promise<MigrateCheckResult> {
  return runMigrateCheck(commandContext(options), options);
}

/** The same check inside a pipeline step's context (services already shared with other steps). */
export async function runMigrateCheck(ctx: StepContext, settings: MigrateCheckSettings = {}): Promise<MigrateCheckResult> {
  const { project, output } = ctx;
  preflight(project, managePyNeeds);
  const config = project.config.migrations;
  const since = settings.since === undefined ? config.since : settings.since;
  const reversibility = settings.reversibility ?? config.reversibility;
  const strict = settings.strict ?? config.strict;

  const files = since ? migrationFiles(await gitAddedFiles(project.backendDir, since)) : undefined;
  if (files) output.debug(`--since ${since}: ${files.length} migration file(s) added: ${files.join(', ') || 'none'}`);
  const observe = settings.observe ?? true;
  const run = { files, reversibility, observe, forwardSignals: settings.forwardSignals ?? false };
  const document = rebaseDocument(await runMigrateCheckHelper(ctx, run), project.backendDir, project.root);

  const { kept, ignored, unused } = applyIgnores(document.findings, config.ignore);
  const result = verdict(kept, { strict, checked: document.checked.length, ignored: ignored.length });
  report(output, kept, document, unused.map((e) => e.migration));
  const checked = document.checked.map((c) => `${c.app}.${c.migration}`);
  return {
    exitCode: result.exitCode,
    summary: result.summary,
    findings: kept,
    data: {
      findings: result.counts,
      checked: checked.slice(0, 100),
      checkedCount: checked.length,
      ignored,
      reversibility: document.reversibility,
      watched: document.observations.length,
      ...observed(document),
      observationsFile: await saveObservations(project.stateDir, document, output),
      sweptScratch: document.sweptScratch.map((s) => s.database),
      unapplied: document.unapplied.length,
      conflicts: document.conflicts.map((c) => c.app),
      missing: document.missing.map((m) => m.app),
      since: since ?? null,
      django: document.django,
      durationMs: document.durationMs,
    },
  };
}

// The whole list for whoever wants more than the result's summary (an agent, CI artefacts).
async function saveObservations(stateDir: string, document: CheckDocument, output: Output): Promise<string | null> {
  const file = join(stateDir, 'logs', 'migrate-check-observations.json');
  if (!document.observations.length) {
    await rm(file, { force: true }); // an earlier run's list would read as this one's
    return null;
  }
  writePrivateFile(file, `${output.secrets.redact(JSON.stringify(document.observations, null, 1))}\n`, { atomic: true });
  return file;
}

function observed(document: CheckDocument): Pick<MigrateCheckData, 'observations' | 'observationsOmitted'> {
  const { observations, omitted } = summariseObservations(document.observations);
  return { observations, observationsOmitted: omitted };
}

// A person reads findings grouped by app and migration; an agent (--json) gets one event each.
function report(output: Output, findings: CheckFinding[], document: CheckDocument, unusedIgnores: string[]): void {
  if (output.json) {
    for (const finding of findings) output.emit({ type: 'finding', ...finding });
    return;
  }
  for (const { database, pid } of document.sweptScratch) output.note(`dropped left-over scratch database ${database} (its run, pid ${pid}, is gone)`);
  const options = { observations: document.observations, allObservations: output.verbose, shown: output.verbose ? Infinity : 5 };
  const text = formatReport(findings, output.color, options);
  if (text) output.stdout.write(`${output.secrets.redact(text)}\n`);
  if (!document.reversibility.ran && document.checked.length) output.note(`reversibility not checked: ${document.reversibility.reason}`);
  for (const name of unusedIgnores) output.note(`migrations.ignore: the entry for ${name} silenced nothing in this run`);
}
