import { splitRunString } from '../config/run-string.js';
import type { PipelineStepConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { Plan, PlanNode } from './types.js';

/**
 * Turns a pipeline from the config into a plan. Pure: the known built-in step names are passed
 * in, so an unknown name is a config error that lists them.
 */
export function planPipeline(name: string, steps: PipelineStepConfig[], known: Record<string, string>): Plan {
  const build = (step: PipelineStepConfig, id: string): PlanNode => {
    if (typeof step === 'string') {
      const title = known[step];
      if (title === undefined) {
        throw new ConfigError(`pipelines.${name}: unknown step "${step}"`, {
          code: 'unknown-step',
          hint: `use one of ${Object.keys(known).sort().join(', ')}, or { run: "…" }`,
        });
      }
      return { kind: 'step', id, name: step, title };
    }
    if ('run' in step) {
      let words: string[];
      try {
        words = splitRunString(step.run);
      } catch (error) {
        throw new ConfigError(`pipelines.${name}: ${(error as Error).message}`, { code: 'config-invalid' });
      }
      if (words.length === 0) throw new ConfigError(`pipelines.${name}: empty run string`, { code: 'config-invalid' });
      return { kind: 'run', id, title: step.run, words };
    }
    const kind = 'parallel' in step ? 'parallel' : 'sequence';
    const list = 'parallel' in step ? step.parallel : step.sequence;
    const children = list.map((child, i) => build(child, `${id}.${i + 1}`));
    return { kind, id, title: `${kind}: ${children.map((c) => c.title).join(', ')}`, children };
  };
  const children = steps.map((step, i) => build(step, String(i + 1)));
  return { pipeline: name, root: { kind: 'sequence', id: '0', title: name, children } };
}

/** The plan as indented text, for `--dry-run`. */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [`pipeline ${plan.pipeline}`];
  const walk = (node: PlanNode, depth: number) => {
    const pad = '  '.repeat(depth);
    if (node.kind === 'step') lines.push(`${pad}${node.id}. ${node.name} — ${node.title}`);
    else if (node.kind === 'run') lines.push(`${pad}${node.id}. run [${node.words.map((w) => JSON.stringify(w)).join(', ')}]`);
    else {
      lines.push(`${pad}${node.id}. ${node.kind}`);
      node.children.forEach((c) => walk(c, depth + 1));
    }
  };
  plan.root.kind === 'sequence' && plan.root.id === '0' ? plan.root.children.forEach((c) => walk(c, 1)) : walk(plan.root, 1);
  return lines.join('\n');
}
