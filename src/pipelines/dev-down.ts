import type { Project } from '../config/project.js';
import type { Output } from '../output/output.js';
import { down } from './services-down.js';

/** `tldr dev --down`: the services stop with the dev loop (their data stays). */
export async function stopServicesAfterDev(options: { project: Project; output: Output }): Promise<void> {
  await down({ project: options.project, output: options.output });
}
