import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// sun_path holds 108 bytes on Linux and 104 on macOS; stay well below both.
const MAX_SOCKET_PATH = 100;

/**
 * `<stateDir>/<name>.sock`, or `<tmp>/<fallbackPrefix>-<hash of stateDir>.sock` when that path is
 * too long for a unix socket (a deep checkout). The same state dir always gives the same path.
 */
export function unixSocketPath(stateDir: string, name: string, fallbackPrefix: string, tmp: string = tmpdir()): string {
  const preferred = join(stateDir, `${name}.sock`);
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH) return preferred;
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
  return join(tmp, `${fallbackPrefix}-${hash}.sock`);
}
