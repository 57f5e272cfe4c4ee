import { rm } from 'node:fs/promises';
import type { z } from 'zod';
import { join } from 'node:path';
import { gitAddedFiles } from '../../backend/git.js';
import type { CheckDocument, CheckFinding } from '../../checks/document.js';
import { applyIgnores } from '../../checks/ignore.js';
import { summariseObservations } from '../../checks/observations.js';
import { rebaseDocument } from '../../checks/paths.js';
import { formatReport } from '../../checks/report.js';
import { migrationFiles } from '../../checks/since.js';
import { verdict } from '../../checks/verdict.js';
import { writePrivateFile } from '../../config/private-files.js';
import type { Output } from '../../output/output.js';
import type { RunOptions } from '../../pipeline/context.js';
import type { CallerOptions, CommandResult } from '../definition.js';
import type { MigrateCheckData, migrateCheckInput } from './definition.js';
import { commandContext } from '../context.js';
import { runMigrateCheckHelper } from './helper.js';
import { managePyNeeds, preflight } from '../preflight.js';
import type { StepContext } from '../../pipeline/types.js';

export type MigrateCheckSettings = z.input<typeof migrateCheckInput> &
  Pick<CallerOptions, 'forwardSignals'> & {
    /**
     * During the reversibility run, watch each statement of the checked migrations: the locks it
     * takes and whether it rewrites a table (decides `table-rewrite` and `alter-column-type`).
     * @default true
     */
    observe?: boolean;
    /**
     * A later step applies the migrations (`tldr ci` on its fresh database): unapplied ones are
     * expected there, not `unapplied` findings; they are still linted. @default false
     */
    migratesNext?: boolean;
  };

export type MigrateCheckOptions = RunOptions & MigrateCheckSettings;

export interface MigrateCheckResult extends CommandResult<MigrateCheckData> {
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
  const run = { files, reversibility, observe, forwardSignals: settings.forwardSignals ?? false, cold: settings.cold ?? false };
  const { path, ...raw } = await runMigrateCheckHelper(ctx, run);
  const document = rebaseDocument(raw, project.backendDir, project.root);

  const found = settings.migratesNext ? document.findings.filter((f) => f.code !== 'unapplied') : document.findings;
  const { kept, ignored, unused } = applyIgnores(found, config.ignore);
  const result = verdict(kept, { strict, checked: document.checked.length, ignored: ignored.length });
  report(
    output,
    kept,
    document,
    unused.map((e) => e.migration),
  );
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
      path,
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
  // Listeners (`tldr ci`'s annotations and JUnit) get every finding as an event in any mode.
  for (const finding of findings) output.record({ type: 'finding', ...finding });
  if (output.json) return;
  for (const { database, pid } of document.sweptScratch) output.note(`dropped left-over scratch database ${database} (its run, pid ${pid}, is gone)`);
  const options = { observations: document.observations, allObservations: output.verbose, shown: output.verbose ? Infinity : 5 };
  const text = formatReport(findings, output.color, options);
  if (text) output.print(output.secrets.redact(text));
  if (!document.reversibility.ran && document.checked.length) output.note(`reversibility not checked: ${document.reversibility.reason}`);
  for (const name of unusedIgnores) output.note(`migrations.ignore: the entry for ${name} silenced nothing in this run`);
}
