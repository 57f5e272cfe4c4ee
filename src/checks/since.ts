// `--since REF` lints the migration files added since REF. git lists every added path; these are
// the ones Django loads as migrations: `<…>/migrations/<name>.py`, not the package's __init__.py.
const migrationFile = /(^|\/)migrations\/(?!__init__\.py$)[^/]+\.py$/;

/** Migration files among `paths` (relative to backend.dir, `/`-separated), sorted, without duplicates. Pure. */
export function migrationFiles(paths: string[]): string[] {
  return [...new Set(paths.map((p) => p.trim().replace(/\\/g, '/')).filter((p) => migrationFile.test(p)))].sort();
}
