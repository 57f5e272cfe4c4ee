import type { ListrTask, ListrTaskWrapper } from 'listr2';
import { ExitCode, TldrError } from '../errors.js';
import { listrOptions } from '../output/listr-options.js';
import type { Output } from '../output/output.js';
import type { Plan, PlanNode, Step, StepContext, StepResult } from './types.js';

/** Runs a `{ run: "…" }` leaf; supplied by the caller so this file stays free of process code. */
export type RunLeaf = (words: string[], ctx: StepContext) => Promise<StepResult | void>;

export interface RunPlanOptions {
  plan: Plan;
  context: Omit<StepContext, 'log'>;
  resolveStep: (name: string) => Promise<Step>;
  runLeaf: RunLeaf;
  /**
   * Whether a failed leaf lets the pipeline go on (`tldr ci`: findings and failed tests are an
   * answer, not a broken setup); the run still ends with its exit code. @default never
   */
  keepGoing?: (node: Extract<PlanNode, { kind: 'step' | 'run' }>) => boolean;
}

export interface PlanOutcome {
  ok: boolean;
  exitCode: number;
  steps: Array<{ id: string; title: string; status: 'ok' | 'failed' | 'skipped'; durationMs: number; message?: string }>;
  /** `data` of each step that returned some, by step id. */
  data: Record<string, unknown>;
  error?: unknown;
  /** The exit code of the first failed step the run went on after. */
  keptExitCode?: number;
}

/** A step ended with "no" (findings, failed tests): stop the pipeline with that exit code. */
class StepFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Executes a plan with listr2 (renderer chosen by the output mode), emitting step events. */
export async function runPlan(options: RunPlanOptions): Promise<PlanOutcome> {
  const { output } = options.context;
  const outcome: PlanOutcome = { ok: true, exitCode: ExitCode.ok, steps: [], data: {} };
  const toTask = (node: PlanNode): ListrTask => ({
    title: node.title,
    task: async (_ctx, task) => {
      if (node.kind === 'sequence' || node.kind === 'parallel') {
        return task.newListr(node.children.map(toTask), { concurrent: node.kind === 'parallel', exitOnError: true });
      }
      return runLeafNode(node as Extract<PlanNode, { kind: 'step' | 'run' }>, task, options, outcome);
    },
  });
  // listr2 is loaded only when a pipeline runs, so commands that render no steps skip its import cost.
  const { Listr } = await import('listr2');
  const list = new Listr(options.plan.root.kind === 'sequence' ? options.plan.root.children.map(toTask) : [toTask(options.plan.root)], {
    ...(await listrOptions(output, { collapseSubtasks: false, showErrorMessage: false })),
    exitOnError: true,
    // listr2's own SIGINT handler exits 127 on the spot, before anything is stopped; the CLI
    // session turns signals into an abort, and every step cleans up and ends with 130.
    registerSignalListeners: false,
  } as never);
  try {
    await list.run();
    // Failures that let the run go on (keepGoing) are in the steps; the first one's code is the run's.
    const kept = outcome.steps.find((s) => s.status === 'failed');
    if (kept) {
      outcome.ok = false;
      outcome.exitCode = outcome.keptExitCode ?? ExitCode.no;
    }
  } catch (error) {
    outcome.ok = false;
    outcome.error = error;
    outcome.exitCode = error instanceof StepFailed || error instanceof TldrError ? error.exitCode : ExitCode.internal;
  }
  return outcome;
}

async function runLeafNode(
  node: Extract<PlanNode, { kind: 'step' | 'run' }>,
  // listr2's task generics are renderer-specific; a leaf only sets output, title and skip.
  task: ListrTaskWrapper<any, any, any>,
  options: RunPlanOptions,
  outcome: PlanOutcome,
): Promise<void> {
  const { output } = options.context;
  const stepName = node.kind === 'step' ? node.name : 'run';
  const started = performance.now();
  output.emit({ type: 'step.start', step: stepName, title: node.title });
  const useTaskOutput = output.listrRenderer === 'default';
  const ctx: StepContext = {
    ...options.context,
    log: (source, line, stream) => {
      if (useTaskOutput) task.output = `${source} | ${output.secrets.redact(line)}`;
      else output.log(source, line, stream);
    },
  };
  const end = (status: 'ok' | 'failed' | 'skipped', message?: string) => {
    const durationMs = Math.round(performance.now() - started);
    output.emit({ type: 'step.end', step: stepName, status, durationMs, ...(message ? { message } : {}) });
    outcome.steps.push({ id: node.id, title: node.title, status, durationMs, ...(message ? { message } : {}) });
  };
  let result: StepResult | void;
  try {
    result = node.kind === 'step' ? await (await options.resolveStep(node.name)).run(ctx) : await options.runLeaf(node.words, ctx);
  } catch (error) {
    end('failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
  if (result?.data !== undefined) outcome.data[node.id] = result.data;
  const status = result?.status ?? 'ok';
  end(status, result?.message);
  if (status === 'skipped') task.skip(result?.message ? `${node.title} — ${result.message}` : node.title);
  else if (result?.message) task.title = `${node.title} — ${result.message}`;
  if (status !== 'failed') return;
  // An aborted run (Ctrl-C, SIGTERM, a timeout) goes no further, whatever the step.
  if (options.keepGoing?.(node) && !options.context.signal.aborted) {
    outcome.keptExitCode ??= result?.exitCode ?? ExitCode.no;
    return;
  }
  throw new StepFailed(result?.message ?? `${node.title} failed`, result?.exitCode ?? ExitCode.no);
}
