import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// sun_path holds 108 bytes on Linux and 104 on macOS; stay well below both.
const MAX_SOCKET_PATH = 100;

/** `.tldr/supervisor.sock`, or a hashed name in the temp folder when that path is too long for a unix socket. */
export function controlSocketPath(stateDir: string, tmp: string = tmpdir()): string {
  const preferred = join(stateDir, 'supervisor.sock');
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH) return preferred;
  const hash = createHash('sha256').update(stateDir).digest('hex').slice(0, 16);
  return join(tmp, `tldr-${hash}.sock`);
}
