import type { ServiceValues } from '../config/expand.js';
import type { Project } from '../config/project.js';
import type { Output } from '../output/output.js';

/** What a step gets: the project, where to report, and the services on demand. */
export interface StepContext {
  project: Project;
  output: Output;
  signal: AbortSignal;
  /** The running services' values; brings them up (once per run) on first use. */
  services(): Promise<ServiceValues>;
  /** The environment for backend processes (DESIGN.md § Environment), services included. */
  env(): Promise<Record<string, string>>;
  /** Child output: a `log` event, or the task's output line under listr2 at a TTY. */
  log(source: string, line: string, stream?: 'stdout' | 'stderr'): void;
}

export interface StepResult {
  /** @default 'ok' */
  status?: 'ok' | 'skipped' | 'failed';
  /** Shown next to the step and in `step.end`. */
  message?: string;
  /** For `failed`: the exit code the run ends with. @default 1 */
  exitCode?: number;
  /** Anything the final `result.data` should carry. */
  data?: unknown;
}

/** A built-in step, registered by name for `tldr run` pipelines. */
export interface StepDefinition {
  name: string;
  title: string;
  /** True when the step changes nothing (MCP readOnlyHint, `--dry-run` notes). */
  readOnly?: boolean;
  run(ctx: StepContext): Promise<StepResult | void>;
}

/** The pure, serialisable plan: printed by `--dry-run`, executed by `runPlan`. */
export type PlanNode =
  | { kind: 'step'; id: string; name: string; title: string }
  | { kind: 'run'; id: string; title: string; words: string[] }
  | { kind: 'sequence' | 'parallel'; id: string; title: string; children: PlanNode[] };

export interface Plan {
  pipeline: string;
  root: PlanNode;
}

/** A built-in step: its title for plans, and its code, imported only when a pipeline runs it. */
export interface StepEntry {
  title: string;
  load: () => Promise<StepDefinition>;
}
