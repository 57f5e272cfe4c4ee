import type { StepDefinition } from './types.js';

/**
 * Built-in steps by name, imported only when a pipeline uses them. Later areas add their
 * entries here (up/down: services; migrate/makemigrations/test/manage: backend; migrate-check).
 */
const loaders: Record<string, { title: string; load: () => Promise<StepDefinition> }> = {};

export function registerStep(name: string, title: string, load: () => Promise<StepDefinition>): void {
  loaders[name] = { title, load };
}

/** name → title of every known built-in step (the planner's vocabulary). */
export function knownSteps(): Record<string, string> {
  return Object.fromEntries(Object.entries(loaders).map(([name, entry]) => [name, entry.title]));
}

export async function resolveStep(name: string): Promise<StepDefinition> {
  const entry = loaders[name];
  if (!entry) throw new Error(`unknown step ${name}`);
  return entry.load();
}
