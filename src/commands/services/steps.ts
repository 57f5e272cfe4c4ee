import { openServices } from '../../services/open.js';
import { serviceNames } from '../../services/provider.js';
import type { Step } from '../../pipeline/types.js';

/** `up`: the run's services, brought up once and shared by every later step (a pipeline's and `tldr dev`'s). */
export const up: Step = {
  async run(ctx) {
    const values = await ctx.services();
    const ports = serviceNames.filter((name) => values[`${name}.port`]).map((name) => `${name} :${values[`${name}.port`]}`);
    return { message: ports.length ? `${ports.join(', ')} ready` : 'ready', data: { services: ports } };
  },
};

/** `down` in a pipeline: stop the services, keeping their data. */
export const down: Step = {
  async run(ctx) {
    const opened = await openServices(ctx.project, { persist: false });
    const reports = await opened.provider.down([...serviceNames]);
    for (const r of reports) ctx.output.emit({ type: 'service', name: r.name, state: r.container === 'missing' ? 'missing' : 'stopped' });
    return { message: reports.map((r) => `${r.name} ${r.container}`).join(', '), data: { services: reports } };
  },
};
