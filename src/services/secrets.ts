import type { Project } from '../config/project.js';
import type { Output } from '../output/output.js';
import type { ServiceSpec } from './provider.js';

/**
 * Registers the Postgres password for redaction everywhere. A password that equals a public
 * name (the default `tldr` is also the project, user and database name) is not registered:
 * it would turn every `tldr-postgres` into `***-postgres`; in URLs it is still redacted.
 */
export function registerSecrets(output: Output, project: Pick<Project, 'name'>, instance: string, specs: ServiceSpec[]): void {
  for (const spec of specs) {
    if (spec.name !== 'postgres' || !spec.password) continue;
    const publicNames = [project.name, instance, spec.user, spec.db, 'postgres', 'redis'];
    if (publicNames.some((n) => n.includes(spec.password))) continue;
    output.secrets.add(spec.password);
  }
}
