import type { StepDefinition } from '../types.js';

/** `up` in a pipeline: the run's services, brought up once and shared by every later step. */
export const step: StepDefinition = {
  name: 'up',
  title: 'services up (Postgres, Redis) and ready',
  async run(ctx) {
    const values = await ctx.services();
    const ports = [values['postgres.port'] && `postgres :${values['postgres.port']}`, values['redis.port'] && `redis :${values['redis.port']}`].filter(Boolean);
    return { message: ports.join(', '), data: { services: ports } };
  },
};
