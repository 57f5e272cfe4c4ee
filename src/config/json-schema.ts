import { z } from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema of tldr.config.yaml, generated from the zod schema (what editors validate against). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    $id: 'https://tldr.dev/schema/tldr.config.schema.json',
    title: 'tldr.config.yaml',
  };
}
