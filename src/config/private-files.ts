import { chmodSync, closeSync, createWriteStream, fchmodSync, mkdirSync, openSync, renameSync, writeSync, type WriteStream } from 'node:fs';
import { basename, dirname } from 'node:path';

/** The folder name of the state dir (`<root>/.tldr`): everything in it is private to the user. */
export const STATE_DIR_NAME = '.tldr';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` with mode 0700 and makes every folder from the state dir down to it 0700 — also
 * ones an older tldr (or a umask) left readable. Outside a state dir only `dir` itself is touched.
 */
export function makePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const chain = [dir];
  for (let d = dir; basename(d) !== STATE_DIR_NAME && dirname(d) !== d;) {
    d = dirname(d);
    chain.push(d);
  }
  const underStateDir = basename(chain.at(-1)!) === STATE_DIR_NAME;
  for (const d of underStateDir ? chain : [dir]) chmodSync(d, PRIVATE_DIR_MODE);
  return dir;
}

/**
 * Opens a file that only this user may read (0600, also when it already existed with a wider
 * mode), its folder made private first. `flags` as for fs.openSync: 'w', 'a', 'wx'.
 */
export function openPrivateFile(path: string, flags: 'w' | 'a' | 'wx' = 'w'): number {
  makePrivateDir(dirname(path));
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}

/** Writes a private file in one go; `atomic` writes a temp file next to it and renames it over. */
export function writePrivateFile(path: string, data: string, options: { atomic?: boolean } = {}): void {
  const target = options.atomic ? `${path}.${process.pid}.tmp` : path;
  const fd = openPrivateFile(target, 'w');
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
  if (options.atomic) renameSync(target, path);
}

/** A write stream on a private file (appending with 'a'). */
export function privateWriteStream(path: string, flags: 'w' | 'a' = 'w'): WriteStream {
  return createWriteStream(path, { fd: openPrivateFile(path, flags) });
}
