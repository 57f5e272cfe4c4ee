import { resolve } from 'node:path';
import { loadConfig, type LoadOptions } from './load.js';
import type { Config } from './schema.js';

/** A loaded config plus the paths everything else derives from. */
export interface Project {
  config: Config;
  /** Absolute path of tldr.config.yaml. */
  file: string;
  /** Folder of the config file; relative config paths start here. */
  root: string;
  /** `name` from the config or the folder name. */
  name: string;
  /** `<root>/.tldr`: state.json, logs/, the control socket. */
  stateDir: string;
  /** Absolute `backend.dir`. */
  backendDir: string;
  /** The caller's environment, as given (tests pass their own). */
  env: NodeJS.ProcessEnv;
}

export function openProject(options: LoadOptions = {}): Project {
  const env = options.env ?? process.env;
  const loaded = loadConfig({ ...options, env });
  return {
    ...loaded,
    stateDir: resolve(loaded.root, '.tldr'),
    backendDir: resolve(loaded.root, loaded.config.backend.dir),
    env,
  };
}
