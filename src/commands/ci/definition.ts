import { z } from 'zod';
import { defineCommand } from '../definition.js';
import { shardField } from '../test/definition.js';

// Reserved: `tldr ci` (issue 11) runs the ci pipeline with isolated services; until then it says so (exit 2).
export const ci = defineCommand({
  name: 'ci',
  summary: 'the CI pipeline (up → migrate-check → migrate → test → down) with isolated services',
  input: z.object({
    junit: z.string().optional().describe('JUnit XML report of the tests and the migration findings'),
    shard: shardField.optional(),
  }),
  cli: { junit: { placeholder: 'file', path: true }, shard: { placeholder: 'i/n' } },
  result: z.object({}),
  readOnly: false,
  destructive: false,
  interrupt: 'abort',
  project: 'required',
  load: () => import('./ci.js').then((m) => m.ci),
});
