import type { ServiceValues } from '../config/expand.js';
import type { Project } from '../config/project.js';
import { notImplemented } from '../errors.js';
import type { Output } from '../output/output.js';

export interface EnsureOptions {
  /** Only these services (default: all configured). */
  only?: string[];
  signal?: AbortSignal;
}

/** Brings the configured services up (idempotent, fast when already running) and returns their values. */
export async function ensureServices(_project: Project, _output: Output, _options: EnsureOptions = {}): Promise<ServiceValues> {
  throw notImplemented('up');
}
