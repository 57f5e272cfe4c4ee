import { z } from 'zod';
import { once } from '../once.js';
import { checkFinding, reversibilityReport, observedStatement } from '../../checks/document.js';
import type { IgnoredFinding } from '../../checks/ignore.js';
import type { ObservationSummary } from '../../checks/observations.js';
import { defineCommand } from '../definition.js';
import { coldField, executionPath } from '../warm/schemas.js';
import type { Assert, Same } from '../same-type.js';

export const migrateCheckInput = z.object({
  since: z
    .string()
    .nullable()
    .optional()
    .describe('lint the migration files added since this git ref instead of the unapplied ones (default migrations.since)'),
  reversibility: z
    .boolean()
    .optional()
    .describe('apply, revert and re-apply the checked migrations on a scratch copy of the database (default migrations.reversibility)'),
  strict: z.boolean().optional().describe('warnings fail too (default migrations.strict)'),
  cold: coldField,
});

/** The result schema, built on first use. */
const migrateCheckResults = once(() => {
  const ignoredFinding = z.object({ code: checkFinding.shape.code, migration: z.string().describe('app.migration'), reason: z.string() });
  const observationSummary = z.object({
    migration: z.string().describe('app.migration'),
    statements: z.array(observedStatement),
    more: z.number().int().describe('statements of this migration left out'),
  });

  const migrateCheckData = z.object({
    findings: z.object({ error: z.number().int(), warning: z.number().int() }).describe('how many findings of each severity remain after migrations.ignore'),
    checked: z.array(z.string()).describe('app.migration of the linted migrations (the first 100; checkedCount has them all)'),
    checkedCount: z.number().int(),
    ignored: z.array(ignoredFinding),
    reversibility: reversibilityReport,
    watched: z.number().int().describe('checked migrations the reversibility run watched (the atomic ones it applied)'),
    observations: z.array(observationSummary).describe('what their statements locked and rewrote: at most 20 statements in all, rewrites first'),
    observationsOmitted: z.number().int().describe('observed statements not in observations (observationsFile and --verbose have them all)'),
    observationsFile: z.string().nullable().describe('every observation of this run as JSON; null when nothing was watched'),
    sweptScratch: z.array(z.string()).describe('scratch databases left by dead runs that this check dropped'),
    unapplied: z.number().int(),
    conflicts: z.array(z.string()).describe('apps with more than one leaf migration'),
    missing: z.array(z.string()).describe('apps with model changes that have no migration'),
    since: z.string().nullable(),
    django: z.string(),
    durationMs: z.number(),
    path: executionPath.optional(),
  });
  return { ignoredFinding, observationSummary, migrateCheckData };
});

type Results = ReturnType<typeof migrateCheckResults>;
export type MigrateCheckData = z.output<Results['migrateCheckData']>;
export type Checks = [
  Assert<Same<z.output<Results['ignoredFinding']>, IgnoredFinding>>,
  Assert<Same<z.output<Results['observationSummary']>, ObservationSummary>>,
];

export const migrateCheck = defineCommand({
  name: 'migrate-check',
  summary: 'run all migration checks instead of migrating (exit 1 on errors)',
  input: migrateCheckInput,
  cli: { since: { placeholder: 'ref' }, reversibility: { negate: 'only', negatedHelp: 'skip the scratch-database reversibility run' } },
  via: { command: 'migrate', flag: 'check' },
  get result() {
    return migrateCheckResults().migrateCheckData;
  },
  // It reads the database and builds a scratch copy, which it drops: the developer's data is untouched.
  readOnly: true,
  destructive: false,
  interrupt: 'child',
  project: 'required',
  load: () => import('./migrate-check.js').then((m) => m.migrateCheck),
});
