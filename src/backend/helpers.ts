import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of the Python helpers tldr ships: src/python next to src/backend when run from
 * source, dist/python next to dist/backend once built (scripts/copy-assets.mjs copies it).
 */
export function pythonHelperDir(from: string = import.meta.url): string {
  return fileURLToPath(new URL('../python/', from)).replace(/\/$/, '');
}

/** `env` with `dir` first on PYTHONPATH; the project's own modules still win (manage.py's folder is sys.path[0]). */
export function withPythonPath(env: Record<string, string>, dir: string = pythonHelperDir()): Record<string, string> {
  const rest = (env.PYTHONPATH ?? '').split(delimiter).filter((p) => p && p !== dir);
  return { ...env, PYTHONPATH: [dir, ...rest].join(delimiter) };
}
