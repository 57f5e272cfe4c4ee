import { backendSteps } from './backend/steps.js';
import { checkSteps } from './migrate-check/steps.js';
import { serviceSteps } from './services/steps.js';
import type { StepDefinition, StepEntry } from '../pipeline/types.js';

const builtins: Record<string, StepEntry> = { ...serviceSteps, ...backendSteps, ...checkSteps };

/** name → title of every built-in step (the planner's vocabulary). */
export function knownSteps(): Record<string, string> {
  return Object.fromEntries(Object.entries(builtins).map(([name, entry]) => [name, entry.title]));
}

export async function resolveStep(name: string): Promise<StepDefinition> {
  const entry = builtins[name];
  if (!entry) throw new Error(`unknown step ${name}`);
  return entry.load();
}
