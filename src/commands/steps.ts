import type { Step, StepEntry } from '../pipeline/types.js';

/** Every built-in step of `tldr run` pipelines (and `tldr ci`), by name: its title, and its code loaded on first use. */
const builtins: Record<string, StepEntry> = {
  up: { title: 'Start services', load: () => import('./services/steps.js').then((m) => m.up) },
  down: { title: 'Stop services (data kept)', load: () => import('./services/steps.js').then((m) => m.down) },
  migrate: { title: 'Apply migrations', load: () => import('./backend/steps.js').then((m) => m.migrate) },
  makemigrations: { title: 'Make migrations', load: () => import('./backend/steps.js').then((m) => m.makemigrations) },
  manage: { title: 'Django system checks', readOnly: true, load: () => import('./backend/steps.js').then((m) => m.manage) },
  // It reads the database and builds a scratch copy, which it drops: the developer's data is untouched.
  'migrate-check': { title: 'Check migrations', readOnly: true, load: () => import('./migrate-check/step.js').then((m) => m.step) },
  test: { title: 'Django tests', load: () => import('./test/step.js').then((m) => m.step) },
};

/** name → title of every built-in step (the planner's vocabulary). */
export function knownSteps(): Record<string, string> {
  return Object.fromEntries(Object.entries(builtins).map(([name, entry]) => [name, entry.title]));
}

/** The built-in step `name` (its title and whether it reads only), or undefined. */
export function builtinStep(name: string): StepEntry | undefined {
  return builtins[name];
}

export async function resolveStep(name: string): Promise<Step> {
  const entry = builtins[name];
  if (!entry) throw new Error(`unknown step ${name}`);
  return entry.load();
}
