import type Dockerode from 'dockerode';
import { EnvironmentError, ServiceError } from '../../errors.js';
import type { Instance } from '../instance.js';
import { freePort, isPortFree } from '../ports.js';
import type {
  DownOptions,
  DownReport,
  ExecOptions,
  LogOptions,
  ServiceHandle,
  ServiceName,
  ServiceProvider,
  ServiceSpec,
  ServiceStatus,
  UpOptions,
} from '../provider.js';
import { isNotFound, type DockerConnection } from './connection.js';
import { containerDefinition, type ContainerDefinition } from './container-spec.js';
import { execInContainer } from './exec.js';
import { postgresDataDir, postgresDataDirFromImage, postgresMajor } from './image-ref.js';
import { ensureImage, imageFacts, postgresDataDirOf } from './images.js';
import { foreignResourceError } from './foreign.js';
import { containerName, Label, ownedBy, volumeName } from './labels.js';
import { containerLogs } from './logs.js';
import { decideAction, existingContainer, type DockerAction, type ExistingContainer } from './plan.js';
import { describeHolder, portConflictError, type PortConflict } from './port-check.js';

interface Planned {
  spec: ServiceSpec;
  existing: ExistingContainer | undefined;
  port: number;
  dataDir: string;
  definition: ContainerDefinition;
  action: DockerAction;
  reason?: string;
}

const HOST = '127.0.0.1';
const STOP_SECONDS = 10;

/** Postgres and Redis as containers on a Docker Engine (DESIGN.md § Services, docker). */
export class DockerProvider implements ServiceProvider {
  readonly kind = 'docker' as const;

  readonly where: string;

  constructor(
    private readonly engine: DockerConnection,
    private readonly instance: Instance,
  ) {
    this.where = engine.host;
  }

  private get docker(): Promise<Dockerode> {
    return this.engine.client();
  }

  async up(specs: ServiceSpec[], options: UpOptions = {}): Promise<ServiceHandle[]> {
    const planned = await Promise.all(specs.map((spec) => this.plan(spec, options)));
    await Promise.all(planned.filter((p) => p.action === 'create' || p.action === 'recreate').map((p) => this.requireOwnVolume(p.spec.name)));
    await this.checkPorts(planned);
    // A name conflict (409) means a concurrent `tldr up` created the container a moment ago: plan again from what it made.
    return Promise.all(
      planned.map((p) =>
        this.apply(p, options).catch(async (error: unknown) => {
          if ((error as { statusCode?: number }).statusCode !== 409) throw error;
          return this.apply(await this.plan(p.spec, options), options);
        }),
      ),
    );
  }

  async status(specs: ServiceSpec[]): Promise<ServiceStatus[]> {
    return Promise.all(
      specs.map(async (spec): Promise<ServiceStatus> => {
        const name = containerName(this.instance.name, spec.name);
        const existing = await this.inspect(spec.name);
        if (!existing) return { name: spec.name, state: 'missing', container: name };
        const port = (spec.portPolicy === 'auto' ? (existing.port ?? spec.port) : spec.port) ?? 0;
        const dataDir = await this.knownDataDir(spec);
        const outdated = dataDir === undefined ? undefined : existing.hash !== containerDefinition({ ...this.base(spec), port, dataDir }).hash;
        return {
          name: spec.name,
          state: existing.running ? 'running' : 'stopped',
          host: HOST,
          ...(existing.port ? { port: existing.port } : {}),
          id: existing.id,
          container: name,
          image: existing.image,
          volume: volumeName(this.instance.name, spec.name),
          ...(existing.startedAt ? { startedAt: existing.startedAt } : {}),
          ...(outdated !== undefined ? { outdated } : {}),
        };
      }),
    );
  }

  async down(names: ServiceName[], options: DownOptions = {}): Promise<DownReport[]> {
    // Everything is checked before anything stops: a container or volume that is not tldr's stops the whole `down`.
    const found = await Promise.all(names.map(async (name) => ({ name, existing: await this.inspect(name) })));
    if (options.volumes) await Promise.all(names.map((name) => this.requireOwnVolume(name)));
    return Promise.all(
      found.map(async ({ name, existing }): Promise<DownReport> => {
        const docker = await this.docker;
        const container = docker.getContainer(containerName(this.instance.name, name));
        let report: DownReport['container'] = 'missing';
        if (options.volumes && options.discard && existing) report = existing.running ? 'stopped' : 'already stopped';
        else if (existing?.running || existing?.status === 'paused' || existing?.status === 'restarting') {
          await container.stop({ t: STOP_SECONDS }).catch(ignoreStatus(304));
          report = 'stopped';
        } else if (existing) report = 'already stopped';
        if (!options.volumes) return { name, container: report, ...(existing ? { volume: 'kept' as const } : {}) };
        if (existing) await container.remove({ force: true, v: false }).catch(ignoreStatus(404));
        const volume = await docker
          .getVolume(volumeName(this.instance.name, name))
          .remove()
          .then(
            () => 'removed' as const,
            (error) => (isNotFound(error) ? ('missing' as const) : Promise.reject(error)),
          );
        return { name, container: existing ? 'removed' : 'missing', volume };
      }),
    );
  }

  async logs(name: ServiceName, options: LogOptions): Promise<void> {
    await this.require(name);
    return containerLogs(await this.docker, containerName(this.instance.name, name), options);
  }

  async exec(name: ServiceName, argv: string[], options: ExecOptions): Promise<number> {
    const existing = await this.require(name);
    if (!existing.running) throw notRunning(name);
    return execInContainer(await this.docker, existing.id, argv, options);
  }

  private base(spec: ServiceSpec) {
    return { instance: this.instance.name, checkout: this.instance.checkout, spec, ...(this.instance.labels ? { labels: this.instance.labels } : {}) };
  }

  // Every path reads the container through here, so none of them touches one that is not tldr's.
  private async inspect(name: ServiceName): Promise<ExistingContainer | undefined> {
    const info = await this.engine.inspectContainer(containerName(this.instance.name, name));
    if (!info) return undefined;
    const existing = existingContainer(info);
    if (!ownedBy(info.Config?.Labels, this.instance.name)) {
      throw foreignResourceError(
        {
          kind: 'container',
          name: containerName(this.instance.name, name),
          image: existing.image,
          created: existing.created,
          state: existing.status,
          ...(existing.project ? { project: existing.project } : {}),
        },
        this.instance.name,
      );
    }
    return existing;
  }

  private async requireOwnVolume(name: ServiceName): Promise<void> {
    const volume = volumeName(this.instance.name, name);
    const info = await this.engine.inspectVolume(volume);
    if (info && !ownedBy(info.Labels, this.instance.name)) {
      const { CreatedAt } = info as { CreatedAt?: string };
      throw foreignResourceError(
        {
          kind: 'volume',
          name: volume,
          ...(CreatedAt ? { created: CreatedAt } : {}),
          ...(info.Labels?.[Label.project] ? { project: info.Labels[Label.project] } : {}),
        },
        this.instance.name,
      );
    }
  }

  private async require(name: ServiceName): Promise<ExistingContainer> {
    const existing = await this.inspect(name);
    if (!existing) throw notRunning(name);
    return existing;
  }

  // The data dir comes from the image tag; only an image whose name does not tell is inspected (and pulled).
  private async dataDir(spec: ServiceSpec, options: UpOptions = {}): Promise<string> {
    if (spec.name === 'redis') return '/data';
    const major = postgresMajor(spec.image);
    return major !== undefined ? postgresDataDir(major) : postgresDataDirOf(await this.docker, spec.image, options.progress, options.signal);
  }

  // For status: the data dir without pulling anything (undefined when only a missing image could tell).
  private async knownDataDir(spec: ServiceSpec): Promise<string | undefined> {
    if (spec.name === 'redis') return '/data';
    const major = postgresMajor(spec.image);
    if (major !== undefined) return postgresDataDir(major);
    const facts = await imageFacts(await this.docker, spec.image);
    return facts && postgresDataDirFromImage(facts);
  }

  private async plan(spec: ServiceSpec, options: UpOptions): Promise<Planned> {
    const existing = await this.inspect(spec.name);
    if (existing?.checkout && existing.checkout !== this.instance.checkout) {
      throw new EnvironmentError(`container ${containerName(this.instance.name, spec.name)} belongs to another checkout (${existing.checkout})`, {
        code: 'instance-taken',
        hint: `delete ${this.instance.checkout}/.tldr/state.json so tldr picks an instance name of its own for this checkout`,
      });
    }
    // An auto port keeps the running container's binding, so a lost state file does not recreate it.
    const port = (spec.portPolicy === 'auto' ? (existing?.port ?? spec.port) : spec.port) ?? (await freePort(HOST));
    const dataDir = await this.dataDir(spec, options);
    return this.withPort({ spec, existing, dataDir }, port);
  }

  private withPort(p: Pick<Planned, 'spec' | 'existing' | 'dataDir'>, port: number): Planned {
    const definition = containerDefinition({ ...this.base(p.spec), port, dataDir: p.dataDir });
    return { ...p, port, definition, ...decideAction(p.existing, definition) };
  }

  // Every port is checked before anything is created: a conflict changes nothing.
  private async checkPorts(planned: Planned[]): Promise<void> {
    const conflicts: PortConflict[] = [];
    for (let i = 0; i < planned.length; i++) {
      const p = planned[i]!;
      if (p.action === 'none' || p.action === 'unpause') continue;
      const ownPort = p.existing?.running && p.existing.port === p.port;
      if (ownPort || (await isPortFree(p.port, HOST))) continue;
      if (p.spec.portPolicy === 'auto') planned[i] = this.withPort(p, await freePort(HOST));
      else conflicts.push({ service: p.spec.name, port: p.port, holder: await describeHolder(await this.docker, p.port) });
    }
    const ports = planned.map((p) => p.port);
    const duplicate = ports.find((port, i) => ports.indexOf(port) !== i);
    if (duplicate !== undefined) {
      throw new EnvironmentError(`postgres and redis are both configured for port ${duplicate}`, {
        code: 'port-taken',
        hint: 'give services.postgres.port and services.redis.port different values',
      });
    }
    if (conflicts.length) throw portConflictError(conflicts);
  }

  private async apply(p: Planned, options: UpOptions): Promise<ServiceHandle> {
    const name = p.definition.name;
    let id = p.existing?.id;
    const say = (message: string) => options.progress?.step(p.spec.name, message);
    if (p.action === 'unpause') await (await this.docker).getContainer(name).unpause();
    if (p.action === 'start') {
      say(`starting ${name}`);
      await this.start(p);
    }
    if (p.action === 'create' || p.action === 'recreate') {
      if (p.action === 'recreate') {
        say(`recreating ${name}: ${p.reason}; the data volume is kept`);
        const old = (await this.docker).getContainer(name);
        await old.stop({ t: STOP_SECONDS }).catch(ignoreStatus(304, 404));
        await old.remove({ force: true, v: false }).catch(ignoreStatus(404));
      } else say(`creating ${name}`);
      await this.engine.createVolume({ Name: p.definition.volume, Labels: volumeLabels(this.instance, p.spec.name) });
      id = await this.createContainer(p, options);
      await this.start(p);
    }
    const action = ({ none: 'none', unpause: 'started', start: 'started', create: 'created', recreate: 'recreated' } as const)[p.action];
    return {
      name: p.spec.name,
      host: HOST,
      port: p.port,
      action,
      ...(p.reason ? { reason: p.reason } : {}),
      ...(id ? { id } : {}),
      // Only a container started just now is watched: the warm path stays one inspect per service.
      ...(p.action === 'none' ? {} : { exited: (signal: AbortSignal) => this.exited(id ?? name, signal) }),
      [Symbol.asyncDispose]: async () => {
        await this.down([p.spec.name]);
      },
    };
  }

  // Creating straight away and pulling only when the Engine says the image is missing saves an image inspect.
  private async createContainer(p: Planned, options: UpOptions): Promise<string> {
    try {
      return await this.engine.createContainer(p.definition.body);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await ensureImage(await this.docker, p.spec.image, p.spec.name, options.progress, options.signal);
    return this.engine.createContainer(p.definition.body);
  }

  private async exited(container: string, signal: AbortSignal): Promise<string> {
    const code = await this.engine.waitExit(container, signal);
    return `the container exited (code ${code ?? '?'})`;
  }

  private async start(p: Planned): Promise<void> {
    try {
      await this.engine.startContainer(p.definition.name);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 304) return;
      const message = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message;
      if (/port is already allocated|address already in use/i.test(message)) {
        throw portConflictError([{ service: p.spec.name, port: p.port, holder: await describeHolder(await this.docker, p.port) }]);
      }
      throw new ServiceError(`could not start ${p.definition.name}: ${message}`, {
        code: 'service-start-failed',
        hint: `see \`tldr logs ${p.spec.name}\``,
        cause: error,
      });
    }
  }
}

function volumeLabels(instance: Instance, service: ServiceName): Record<string, string> {
  return { ...instance.labels, [Label.project]: instance.name, [Label.service]: service, [Label.checkout]: instance.checkout };
}

function notRunning(name: ServiceName): ServiceError {
  return new ServiceError(`${name} is not running`, { code: 'service-not-running', hint: `start it with \`tldr up ${name}\`` });
}

function ignoreStatus(...codes: number[]) {
  return (error: unknown) => {
    if (!codes.includes((error as { statusCode?: number }).statusCode ?? 0)) throw error;
  };
}
