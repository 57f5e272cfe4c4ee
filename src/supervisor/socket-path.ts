import { unixSocketPath } from '../process/socket-path.js';

/** `.tldr/supervisor.sock`, or a hashed name in the temp folder when that path is too long for a unix socket. */
export function controlSocketPath(stateDir: string, tmp?: string): string {
  return unixSocketPath(stateDir, 'supervisor', 'tldr', tmp);
}
