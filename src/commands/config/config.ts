import type { z } from 'zod';
import { configJsonSchema } from '../../config/json-schema.js';
import { configYaml } from '../../config/print.js';
import { eventsJsonSchema } from '../../output/json-schema.js';
import { redactDeep } from '../../output/redact.js';
import type { Output } from '../../output/output.js';
import type { RunOptions } from '../../pipeline/context.js';
import type { CommandResult } from '../definition.js';
import type { configSchemaInput } from './definitions.js';

/** `tldr config validate`: loading the project already validated it (a bad one is exit 2 before this runs). */
export async function validateConfig({ project }: RunOptions): Promise<CommandResult<{ file: string; name: string }>> {
  return { exitCode: 0, summary: `${project.file} is valid`, data: { file: project.file, name: project.name } };
}

/** `tldr config print`: the config with every default filled in, secrets redacted. */
export async function printConfig({ project, output }: RunOptions): Promise<CommandResult<{ config: Record<string, unknown> }>> {
  const safe = redactDeep(project.config, output.secrets, { byKey: true }) as Record<string, unknown>;
  output.print(configYaml(safe));
  return { exitCode: 0, summary: project.file, data: { config: safe } };
}

/** `tldr config schema [--events]`: the JSON Schema of tldr.config.yaml, or of one `--json` event line. */
export async function printSchema(
  options: { output: Output } & z.input<typeof configSchemaInput>,
): Promise<CommandResult<{ schema: Record<string, unknown> }>> {
  const schema = options.events ? eventsJsonSchema() : configJsonSchema();
  options.output.print(`${JSON.stringify(schema, null, 2)}\n`);
  return { exitCode: 0, summary: options.events ? 'event schema' : 'config schema', data: { schema } };
}
