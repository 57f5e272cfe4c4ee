// `--since REF` lints the migration files added since REF. git lists every added path; these are
// the ones Django loads as migrations: `<…>/migrations/<name>.py`, not the package's __init__.py.
const migrationFile = /(^|\/)migrations\/(?!__init__\.py$)[^/]+\.py$/;

/**
 * Migration files among `paths` (relative to backend.dir, `/`-separated as git prints them),
 * sorted, without duplicates. A name may hold any character: nothing is trimmed or rewritten. Pure.
 */
export function migrationFiles(paths: string[]): string[] {
  return [...new Set(paths.filter((p) => migrationFile.test(p)))].sort();
}
