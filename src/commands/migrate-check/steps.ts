import type { StepEntry } from '../../pipeline/types.js';

/** Built-in steps of this area, by name: { title, load: () => import('…').then((m) => m.step) }. */
export const checkSteps: Record<string, StepEntry> = {
  'migrate-check': { title: 'Check migrations', load: () => import('./step.js').then((m) => m.step) },
};
