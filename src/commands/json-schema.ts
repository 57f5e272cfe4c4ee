import { z } from 'zod';
import type { AnyDefinition } from './definition.js';

/** The JSON Schema of a command's input (options and positionals; what a caller may send). */
export function inputJsonSchema(definition: Pick<AnyDefinition, 'input'>): Record<string, unknown> {
  return z.toJSONSchema(definition.input, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}

/** The JSON Schema of a command's `result.data` (schema/results/<command>.schema.json; MCP `outputSchema`). */
export function resultJsonSchema(definition: Pick<AnyDefinition, 'name' | 'result'>): Record<string, unknown> {
  return {
    ...z.toJSONSchema(definition.result, { io: 'output', unrepresentable: 'any', target: 'draft-2020-12' }),
    title: `tldr ${definition.name}: result.data`,
  };
}
