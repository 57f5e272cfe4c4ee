import type { StepEntry } from '../types.js';

/** Built-in steps of this area, by name: { title, load: () => import('…').then((m) => m.step) }. */
export const serviceSteps: Record<string, StepEntry> = {};
