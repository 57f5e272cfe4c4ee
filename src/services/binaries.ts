import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A server binary from PATH or Debian's /usr/lib/postgresql/<version>/bin (newest first); null when absent. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(`/usr/lib/postgresql/${v}/bin`);
  } catch {
    // no Debian postgres layout
  }
  for (const dir of dirs) if (existsSync(join(dir, name))) return join(dir, name);
  return null;
}
