/** Values `${postgres.url}` … `${redis.port}` resolve to once services run. */
export type ServiceValues = Partial<Record<ServiceExpansion, string>>;

export const serviceExpansions = [
  'postgres.url',
  'postgres.host',
  'postgres.port',
  'postgres.db',
  'postgres.user',
  'postgres.password',
  'redis.url',
  'redis.port',
] as const;
export type ServiceExpansion = (typeof serviceExpansions)[number];

const pattern = /\$\{([^}]*)\}/g;

export class ExpansionError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export interface ExpandOptions {
  /** A service expansion with no value: 'error' ("the service is not running") or 'keep' it as written. @default 'error' */
  unresolved?: 'error' | 'keep';
}

/**
 * Expands `${env:NAME}` (or `${env:NAME:-default}`) from `callerEnv` and, when `services` is
 * given, `${postgres.*}` / `${redis.*}`. Service expansions are left as written when `services`
 * is undefined, so the loader can expand env references before any service runs.
 */
export function expand(value: string, callerEnv: NodeJS.ProcessEnv, services?: ServiceValues, options: ExpandOptions = {}): string {
  return value.replace(pattern, (whole, inner: string) => {
    if (inner.startsWith('env:')) {
      const [name, fallback] = splitDefault(inner.slice(4));
      const found = callerEnv[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      throw new ExpansionError(`\${env:${name}} is not set in the environment`, `export ${name}=… before running tldr, or write \${env:${name}:-default}`);
    }
    if ((serviceExpansions as readonly string[]).includes(inner)) {
      if (!services) return whole;
      const resolved = services[inner as ServiceExpansion];
      if (resolved === undefined && options.unresolved === 'keep') return whole;
      if (resolved === undefined) {
        throw new ExpansionError(`\${${inner}} has no value: the service is not running`, 'run `tldr up` first');
      }
      return resolved;
    }
    throw new ExpansionError(`unknown expansion \${${inner}}`, `use \${env:NAME} or one of ${serviceExpansions.map((s) => `\${${s}}`).join(', ')}`);
  });
}

function splitDefault(spec: string): [string, string | undefined] {
  const at = spec.indexOf(':-');
  return at === -1 ? [spec, undefined] : [spec.slice(0, at), spec.slice(at + 2)];
}
