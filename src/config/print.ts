import { stringify } from 'yaml';
import { redactDeep } from '../output/redact.js';
import type { Config } from './schema.js';

/** The resolved config as YAML, every default filled in and secrets redacted (`tldr config print`). */
export function printConfig(config: Config): string {
  return stringify(redactDeep(config));
}
