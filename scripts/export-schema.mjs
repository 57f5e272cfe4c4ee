#!/usr/bin/env node
// Writes the JSON Schemas generated from the zod schemas (run `npm run build` first).
// test/unit/schema-files.test.ts fails when the committed files are stale.
import { writeFileSync } from 'node:fs';
import { configJsonSchema, eventsJsonSchema } from '../dist/index.js';

writeFileSync('schema/tldr.config.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
writeFileSync('schema/events.schema.json', `${JSON.stringify(eventsJsonSchema(), null, 2)}\n`);
process.stderr.write('wrote schema/tldr.config.schema.json, schema/events.schema.json\n');
