import { projectEnvReport } from '../config/env.js';
import type { ServiceValues } from '../config/expand.js';
import type { Project } from '../config/project.js';
import { projectSecrets } from '../config/secrets.js';
import type { Output } from '../output/output.js';
import type { StepContext } from './types.js';

/** What every library entry point takes: the project, the output, and a cancel signal. */
export interface RunOptions {
  project: Project;
  output: Output;
  signal?: AbortSignal;
  /** Every Python command of the run goes cold, and why (see `StepContext.coldBecause`). */
  coldBecause?: string;
}

/** Brings the services up (once per run) and returns their values; the commands layer supplies it. */
export type BringUp = (options: RunOptions) => Promise<ServiceValues>;

/** The services' values as they will most likely be, without asking anyone; the commands layer supplies it. */
export type ExpectServices = (project: Project) => ServiceValues | undefined;

/** A step context whose services come up once, on first use, for the whole run. */
export function createStepContext(options: RunOptions, bringUp: BringUp, expect: ExpectServices = () => undefined): StepContext {
  const { project, output, signal } = options;
  output.secrets.addAll(projectSecrets(project));
  let services: Promise<ServiceValues> | undefined;
  const warned = new Set<string>();
  const ensure = () => (services ??= bringUp(options));
  return {
    project,
    output,
    signal: signal ?? new AbortController().signal,
    ...(options.coldBecause ? { coldBecause: options.coldBecause } : {}),
    services: ensure,
    env: async () => {
      const values = await ensure();
      const { env, warnings } = projectEnvReport(project, values);
      output.secrets.addEnv(env);
      for (const warning of warnings.filter((w) => !warned.has(w))) {
        warned.add(warning);
        output.note(`warning: ${warning}`);
      }
      return env;
    },
    expectedEnv: () => {
      const values = expect(project);
      if (!values) return undefined;
      const { env } = projectEnvReport(project, values);
      output.secrets.addEnv(env);
      return env;
    },
    log: (source, line, stream) => output.log(source, line, stream),
  };
}
