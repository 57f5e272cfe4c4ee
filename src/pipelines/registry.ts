import { backendSteps } from './steps/backend.js';
import { checkSteps } from './steps/checks.js';
import { serviceSteps } from './steps/services.js';
import type { StepDefinition, StepEntry } from './types.js';

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
