import type { Config } from '../config/schema.js';
import { ConfigError, EnvironmentError } from '../errors.js';
import type { DownReport, ServiceHandle, ServiceName, ServiceProvider, ServiceSpec, ServiceStatus } from './provider.js';

/** The specs of `provider: external`: everything comes from `services.<name>.url`. */
export function externalSpecs(services: Config['services'], names: readonly ServiceName[]): Array<{ spec: ServiceSpec; url: string }> {
  return names.map((name) => {
    const url = services[name].url;
    if (!url) {
      throw new ConfigError(`services.${name}.url is required with services.provider: external`, {
        code: 'config-invalid',
        hint: name === 'postgres' ? 'set services.postgres.url: postgres://user:password@host:5432/db' : 'set services.redis.url: redis://host:6379/0',
      });
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`services.${name}.url is not a URL`, { code: 'config-invalid', hint: 'write it as scheme://user:password@host:port/name' });
    }
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const image = '(external)';
    if (name === 'postgres') {
      const spec: ServiceSpec = {
        name,
        image,
        host,
        port: Number(parsed.port || 5432),
        portPolicy: 'fixed',
        db: decodeURIComponent(parsed.pathname.slice(1)) || 'postgres',
        user: decodeURIComponent(parsed.username),
        password: decodeURIComponent(parsed.password),
      };
      return { spec, url };
    }
    return { spec: { name, image, host, port: Number(parsed.port || 6379), portPolicy: 'fixed' }, url };
  });
}

/** Services someone else runs (CI service containers, a cloud database): tldr only probes them. */
export class ExternalProvider implements ServiceProvider {
  readonly kind = 'external' as const;
  readonly where = 'the configured URLs';

  constructor(private readonly services: Config['services']) {}

  async up(specs: ServiceSpec[]): Promise<ServiceHandle[]> {
    return specs.map((spec) => ({
      name: spec.name,
      host: hostOf(spec),
      port: spec.port!,
      action: 'none',
      url: this.services[spec.name].url!,
      [Symbol.asyncDispose]: async () => undefined,
    }));
  }

  async status(specs: ServiceSpec[]): Promise<ServiceStatus[]> {
    return specs.map((spec) => ({ name: spec.name, state: 'external', host: hostOf(spec), port: spec.port! }));
  }

  async down(names: ServiceName[]): Promise<DownReport[]> {
    return names.map((name) => ({ name, container: 'external' }));
  }

  async logs(name: ServiceName): Promise<void> {
    throw unmanaged(name, 'logs');
  }

  async exec(name: ServiceName): Promise<number> {
    throw unmanaged(name, 'a client shell');
  }
}

function hostOf(spec: ServiceSpec): string {
  return spec.host ?? '127.0.0.1';
}

function unmanaged(name: ServiceName, what: string): EnvironmentError {
  return new EnvironmentError(`${name} is external (services.provider: external): tldr has no ${what} for it`, {
    code: 'service-external',
    hint:
      name === 'postgres' ? 'connect with your own client: psql "$DATABASE_URL" (see `tldr env`)' : 'connect with your own client: redis-cli -u "$REDIS_URL"',
  });
}
