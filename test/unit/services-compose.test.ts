import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { containerDefinition } from '../../src/services/docker/container-spec.js';
import { postgresDataDir, postgresMajor } from '../../src/services/docker/image-ref.js';
import { serviceSpecs } from '../../src/services/specs.js';

// compose/docker-compose.yml promises "the same services tldr runs": this fails when it drifts.
const root = new URL('../../', import.meta.url);
const config = parseConfig(readFileSync(new URL('tldr.config.yaml', root), 'utf8'), { file: 'tldr.config.yaml', env: {} });
const compose = parse(readFileSync(new URL('compose/docker-compose.yml', root), 'utf8')) as {
  name: string;
  services: Record<
    string,
    {
      image: string;
      container_name: string;
      environment?: Record<string, string>;
      ports: string[];
      volumes: string[];
      labels: Record<string, string>;
      stop_grace_period: string;
    }
  >;
  volumes: Record<string, { name: string }>;
};
const name = config.name!;
const specs = serviceSpecs(config.services, { main: true, ports: {} }, ['postgres', 'redis']);

describe('compose/docker-compose.yml matches what `tldr up` creates for tldr.config.yaml', () => {
  it('has the project name and exactly the two services', () => {
    expect(compose.name).toBe(name);
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'redis']);
  });

  for (const spec of specs) {
    it(`${spec.name}: image, env, ports on 127.0.0.1, volume, stop grace, labels`, () => {
      const dataDir = spec.name === 'postgres' ? postgresDataDir(postgresMajor(spec.image)!) : '/data';
      const def = containerDefinition({ instance: name, checkout: '/x', spec, port: spec.port!, dataDir });
      const service = compose.services[spec.name]!;
      expect(service.image).toBe(def.body.Image);
      expect(service.container_name).toBe(def.name);
      const env = Object.entries(service.environment ?? {}).map(([k, v]) => `${k}=${v}`);
      expect(env.sort()).toEqual([...(def.body.Env ?? [])].sort());
      const [inner, bindings] = Object.entries(def.body.HostConfig!.PortBindings as Record<string, Array<{ HostIp: string; HostPort: string }>>)[0]!;
      expect(service.ports).toEqual([`${bindings[0]!.HostIp}:${bindings[0]!.HostPort}:${inner.replace('/tcp', '')}`]);
      expect(service.ports.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
      const mount = def.body.HostConfig!.Mounts![0]!;
      const [volumeKey, target] = service.volumes[0]!.split(':');
      expect(compose.volumes[volumeKey!]!.name).toBe(mount.Source);
      expect(target).toBe(mount.Target);
      expect(service.stop_grace_period).toBe(`${def.body.StopTimeout}s`);
      expect(service.labels).toEqual({ 'dev.tldr.project': name, 'dev.tldr.service': spec.name });
    });
  }
});
