#!/usr/bin/env node
// Writes the JSON Schemas generated from the zod schemas (run `npm run build` first): the config,
// one --json event line, and each command's `result.data` (schema/results/<command>.schema.json).
// test/unit/schema-files.test.ts fails when the committed files are stale.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { commandDefinitions, configJsonSchema, eventsJsonSchema, resultJsonSchema } from '../dist/index.js';

const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
writeFileSync('schema/tldr.config.schema.json', json(configJsonSchema()));
writeFileSync('schema/events.schema.json', json(eventsJsonSchema()));
mkdirSync('schema/results', { recursive: true });
const written = new Set();
for (const definition of commandDefinitions) {
  const file = `${definition.name.replace(/ /g, '-')}.schema.json`;
  writeFileSync(`schema/results/${file}`, json(resultJsonSchema(definition)));
  written.add(file);
}
// A command that is gone takes its schema with it.
for (const file of readdirSync('schema/results')) if (!written.has(file)) rmSync(`schema/results/${file}`);
process.stderr.write(`wrote schema/tldr.config.schema.json, schema/events.schema.json and ${written.size} result schemas in schema/results/\n`);
