import { mkdtempSync, readdirSync, lstatSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerTag, tagAlive } from './owner.js';

/**
 * A private temp folder named after its owner, `<tmp>/tldr-<kind>-<pid>-<start>-XXXXXX`. Before
 * making it, the leftovers of `kind` whose owner is gone (a tldr killed by SIGKILL never removes
 * its own) are swept; a live run's folder is never touched.
 */
export function ownedTempDir(kind: string, dir: string = tmpdir()): string {
  sweepOwnedTempDirs(kind, dir);
  return mkdtempSync(join(dir, `tldr-${kind}-${ownerTag()}-`));
}

// A folder from a tldr before owners were in the name (`tldr-<kind>-XXXXXX`) names nobody: it goes once it is this old.
const LEGACY_AGE_MS = 24 * 3600_000;

/** Removes the `kind` folders of owners that are gone; returns their paths. Only this user's folders, never through a link. */
export function sweepOwnedTempDirs(kind: string, dir: string = tmpdir(), now = Date.now()): string[] {
  const safe = kind.replace(/[^a-z0-9-]/gi, '');
  const pattern = new RegExp(`^tldr-${safe}-(\\d+-[0-9a-f]+)-[A-Za-z0-9]{6}$`);
  const legacy = new RegExp(`^tldr-${safe}-[A-Za-z0-9]{6}$`);
  const uid = process.getuid?.();
  const swept: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return swept;
  }
  for (const name of names) {
    const tag = pattern.exec(name)?.[1];
    const old = !tag && legacy.test(name);
    if (tag ? tagAlive(tag) : !old) continue;
    const path = join(dir, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      if (old && now - stat.mtimeMs < LEGACY_AGE_MS) continue;
      rmSync(path, { recursive: true, force: true });
      swept.push(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return swept;
}
