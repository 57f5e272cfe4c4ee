import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from './private-files.js';

/** What tldr remembers between runs in `.tldr/state.json`. Each area owns one key. */
export interface State {
  /** Instance name chosen for this checkout (worktrees get a hashed suffix). */
  instance?: string;
  /** Host ports picked for `port: 0` or for a non-main checkout, by service. */
  ports?: Record<string, number>;
  [key: string]: unknown;
}

export function readState(stateDir: string): State {
  try {
    return JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8')) as State;
  } catch {
    return {};
  }
}

/** Read-modify-write with an atomic rename, so a crash never leaves half a file. */
export function updateState(stateDir: string, change: (state: State) => void): State {
  const state = readState(stateDir);
  change(state);
  writePrivateFile(join(stateDir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`, { atomic: true });
  return state;
}
