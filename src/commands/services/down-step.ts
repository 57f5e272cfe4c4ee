import { openServices } from '../../services/open.js';
import { serviceNames } from '../../services/provider.js';
import type { StepDefinition } from '../../pipeline/types.js';

/** `down` in a pipeline: stop the services, keeping their data. */
export const step: StepDefinition = {
  name: 'down',
  title: 'services down (data kept)',
  async run(ctx) {
    const opened = await openServices(ctx.project, { persist: false });
    const reports = await opened.provider.down([...serviceNames]);
    for (const r of reports) ctx.output.emit({ type: 'service', name: r.name, state: r.container === 'missing' ? 'missing' : 'stopped' });
    return { message: reports.map((r) => `${r.name} ${r.container}`).join(', '), data: { services: reports } };
  },
};
