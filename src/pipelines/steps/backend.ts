import type { StepEntry } from '../types.js';

/** Built-in steps of this area, by name: { title, load: () => import('…').then((m) => m.step) }. */
export const backendSteps: Record<string, StepEntry> = {
  migrate: { title: 'Apply migrations', load: () => import('../backend-steps.js').then((m) => m.migrateStep) },
  makemigrations: { title: 'Make migrations', load: () => import('../backend-steps.js').then((m) => m.makemigrationsStep) },
  test: { title: 'Django tests', load: () => import('../backend-steps.js').then((m) => m.testStep) },
  manage: { title: 'Django system checks', load: () => import('../backend-steps.js').then((m) => m.manageCheckStep) },
};
