import { stringify } from 'yaml';

/** A (redacted) config as YAML, for `tldr config print`. */
export function configYaml(config: unknown): string {
  return stringify(config);
}
