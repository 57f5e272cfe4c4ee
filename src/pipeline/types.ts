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
  /**
   * The environment `env()` will most likely return, known without waiting for the services
   * (config + `.tldr/state.json`): the cold path spawns Django with it meanwhile. Undefined when
   * it cannot be known.
   */
  expectedEnv?(): Record<string, string> | undefined;
  /**
   * Every Python command of this run goes cold, and why: `tldr ci` runs on services of its own, and
   * the project's warm server (a developer's, serving their services) must not be restarted for them.
   */
  coldBecause?: string;
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

/** What a step does. */
export interface Step {
  run(ctx: StepContext): Promise<StepResult | void>;
}

/** A step with its name and title: for a plan built in code (`tldr dev`'s start-up). */
export interface StepDefinition extends Step {
  name: string;
  title: string;
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

/** A built-in step of `tldr run` pipelines: its title for plans, and its code, imported only when a pipeline runs it. */
export interface StepEntry {
  title: string;
  /** True when the step changes nothing (MCP readOnlyHint, `--dry-run` notes). */
  readOnly?: boolean;
  load: () => Promise<Step>;
}
