import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resultJsonSchema } from '../../src/commands/json-schema.js';
import { commandDefinitions } from '../../src/commands/registry.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { eventsJsonSchema } from '../../src/output/json-schema.js';

const committed = (name: string) => JSON.parse(readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8'));

describe('committed JSON Schemas', () => {
  it('schema/tldr.config.schema.json matches the zod schema (run `npm run build && npm run schema` after changing it)', () => {
    expect(committed('tldr.config.schema.json')).toEqual(configJsonSchema());
  });
  it('schema/events.schema.json matches the event schemas', () => {
    expect(committed('events.schema.json')).toEqual(eventsJsonSchema());
  });
  it('schema/results/<command>.schema.json: one per command, each matching its result schema (`npm run build && npm run schema`)', () => {
    const files = commandDefinitions.map((d) => `${d.name.replace(/ /g, '-')}.schema.json`);
    expect(readdirSync(new URL('../../schema/results/', import.meta.url)).sort()).toEqual([...files].sort());
    for (const definition of commandDefinitions)
      expect(committed(`results/${definition.name.replace(/ /g, '-')}.schema.json`), definition.name).toEqual(resultJsonSchema(definition));
  });
  it('the repo config points editors at the schema', () => {
    const first = readFileSync(new URL('../../tldr.config.yaml', import.meta.url), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=./schema/tldr.config.schema.json');
  });
});
