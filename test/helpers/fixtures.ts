import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface TempDir extends AsyncDisposable, Disposable {
  path: string;
  write(relative: string, content: string): string;
}

/** A temp folder removed when disposed (`using dir = tempDir()`), also when an assertion throws. */
export function tempDir(prefix = 'tldr-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(path, { recursive: true, force: true });
  return {
    path,
    write(relative, content) {
      const file = join(path, relative);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
    [Symbol.dispose]: remove,
    [Symbol.asyncDispose]: async () => remove(),
  };
}

/** A unique, docker-safe project name so parallel and repeated runs never collide. */
export function uniqueName(prefix = 'tldrtest'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}
