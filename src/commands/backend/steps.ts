import type { StepEntry } from '../../pipeline/types.js';

/** Built-in steps of this area, by name: { title, load: () => import('…').then((m) => m.step) }. */
export const backendSteps: Record<string, StepEntry> = {
  migrate: { title: 'Apply migrations', load: () => import('./step-definitions.js').then((m) => m.migrateStep) },
  makemigrations: { title: 'Make migrations', load: () => import('./step-definitions.js').then((m) => m.makemigrationsStep) },
  test: { title: 'Django tests', load: () => import('./step-definitions.js').then((m) => m.testStep) },
  manage: { title: 'Django system checks', load: () => import('./step-definitions.js').then((m) => m.manageCheckStep) },
};
