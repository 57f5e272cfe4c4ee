import { z } from 'zod';
import { defineCommand } from '../definition.js';

const inspect = { readOnly: true, destructive: false, interrupt: 'abort' } as const;

export const configValidate = defineCommand({
  ...inspect,
  name: 'config validate',
  summary: 'check the config; errors name file:line:column and the key path (exit 2)',
  input: z.object({}),
  result: z.object({ file: z.string(), name: z.string().describe('the project name (containers, volumes and state are named after it)') }),
  project: 'required',
  load: () => import('./config.js').then((m) => m.validateConfig),
});

export const configPrint = defineCommand({
  ...inspect,
  name: 'config print',
  summary: 'the config with every default filled in (secrets redacted)',
  input: z.object({}),
  result: z.object({ config: z.record(z.string(), z.unknown()).describe('tldr.config.yaml as tldr reads it, secrets redacted') }),
  project: 'required',
  load: () => import('./config.js').then((m) => m.printConfig),
});

export const configSchemaInput = z.object({ events: z.boolean().default(false).describe('the schema of one --json event line instead') });

export const configSchema = defineCommand({
  ...inspect,
  name: 'config schema',
  summary: 'the JSON Schema of tldr.config.yaml (for editors: yaml-language-server)',
  input: configSchemaInput,
  result: z.object({ schema: z.record(z.string(), z.unknown()).describe('a JSON Schema (draft 2020-12)') }),
  // Works without a config: it describes what one may hold.
  project: 'none',
  load: () => import('./config.js').then((m) => m.printSchema),
});
