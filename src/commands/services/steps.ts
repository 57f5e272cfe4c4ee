import type { StepEntry } from '../../pipeline/types.js';

/** Built-in steps of this area, by name: { title, load: () => import('…').then((m) => m.step) }. */
export const serviceSteps: Record<string, StepEntry> = {
  up: { title: 'Start services', load: () => import('./up-step.js').then((m) => m.step) },
  down: { title: 'services down (data kept)', load: () => import('./down-step.js').then((m) => m.step) },
};
