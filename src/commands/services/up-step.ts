import { serviceNames } from '../../services/provider.js';
import type { StepDefinition } from '../../pipeline/types.js';

/** `up`: the run's services, brought up once and shared by every later step (a pipeline's and `tldr dev`'s). */
export const step: StepDefinition = {
  name: 'up',
  title: 'Start services',
  async run(ctx) {
    const values = await ctx.services();
    const ports = serviceNames.filter((name) => values[`${name}.port`]).map((name) => `${name} :${values[`${name}.port`]}`);
    return { message: ports.length ? `${ports.join(', ')} ready` : 'ready', data: { services: ports } };
  },
};
