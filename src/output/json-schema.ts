import { z } from 'zod';
import { tldrEvent } from './events.js';

/** JSON Schema of one `--json` line (every event type), generated from the zod schemas. */
export function eventsJsonSchema(): Record<string, unknown> {
  return { ...z.toJSONSchema(tldrEvent, { io: 'output', unrepresentable: 'any' }), title: 'tldr --json event' };
}
