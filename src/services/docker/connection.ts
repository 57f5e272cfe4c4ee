import type Dockerode from 'dockerode';
import type { ContainerCreateOptions, ContainerInfo, ContainerInspectInfo, DockerOptions, VolumeInspectInfo } from 'dockerode';
import { EngineError, engineRequest } from './engine-http.js';
import { extraCaLoaded } from '../../process/extra-ca.js';

type Filters = Record<string, string[]>;

/**
 * The Engine as DockerProvider uses it. Loading dockerode costs ~200 ms of CPU (it pulls in gRPC
 * and ssh2) and the common paths of `up` are a handful of JSON requests, so on a unix socket
 * those go over plain HTTP; dockerode is loaded on first need for the rest (pull, logs, exec,
 * stop, remove) and for tcp:// and ssh:// endpoints.
 */
export class DockerConnection {
  private loaded: Promise<Dockerode> | undefined;
  private readonly socketPath: string | undefined;

  constructor(
    /** The endpoint, e.g. unix:///var/run/docker.sock, for messages. */
    readonly host: string,
    private readonly options: DockerOptions,
    existing?: Dockerode,
  ) {
    if (existing) this.loaded = Promise.resolve(existing);
    this.socketPath = !existing && typeof options.socketPath === 'string' ? options.socketPath : undefined;
  }

  /** A connection over an already constructed client (tests, library users). */
  static of(docker: Dockerode, host = 'docker'): DockerConnection {
    return new DockerConnection(host, {}, docker);
  }

  client(): Promise<Dockerode> {
    return (this.loaded ??= extraCaLoaded()
      .then(() => import('dockerode'))
      .then(({ default: Docker }) => new Docker(this.options)));
  }

  /** `docker inspect NAME`, or `undefined` when there is no such container. */
  async inspectContainer(name: string): Promise<ContainerInspectInfo | undefined> {
    if (this.socketPath) return engineRequest<ContainerInspectInfo>(this.socketPath, 'GET', `/containers/${encodeURIComponent(name)}/json`);
    return (await this.client()).getContainer(name).inspect().catch(notFound);
  }

  /** `docker volume inspect NAME`, or `undefined` when there is no such volume. */
  async inspectVolume(name: string): Promise<VolumeInspectInfo | undefined> {
    if (this.socketPath) return engineRequest<VolumeInspectInfo>(this.socketPath, 'GET', `/volumes/${encodeURIComponent(name)}`);
    return (await this.client()).getVolume(name).inspect().catch(notFound);
  }

  async createVolume(body: { Name: string; Labels: Record<string, string> }): Promise<void> {
    if (this.socketPath) await engineRequest(this.socketPath, 'POST', '/volumes/create', body);
    else await (await this.client()).createVolume(body);
  }

  /** Creates a container and returns its id. */
  async createContainer(body: ContainerCreateOptions): Promise<string> {
    if (this.socketPath) {
      const { name, ...rest } = body;
      const created = await engineRequest<{ Id: string }>(this.socketPath, 'POST', `/containers/create?name=${encodeURIComponent(name ?? '')}`, rest);
      if (!created) throw new EngineError(`(HTTP code 404) no such image: ${body.Image}`, 404, { message: `No such image: ${body.Image}` });
      return created.Id;
    }
    return (await (await this.client()).createContainer(body)).id;
  }

  async startContainer(name: string): Promise<void> {
    if (this.socketPath) {
      const started = await engineRequest<unknown>(this.socketPath, 'POST', `/containers/${encodeURIComponent(name)}/start`).then(() => true);
      if (!started) throw new EngineError('(HTTP code 404) no such container', 404, { message: `No such container: ${name}` });
      return;
    }
    await (await this.client()).getContainer(name).start();
  }

  /** Resolves with the exit code when the container stops; never settles once `signal` aborts. */
  waitExit(name: string, signal: AbortSignal): Promise<number | undefined> {
    const path = `/containers/${encodeURIComponent(name)}/wait?condition=not-running`;
    const waiting = this.socketPath
      ? engineRequest<{ StatusCode?: number }>(this.socketPath, 'POST', path, undefined, { timeoutMs: 0, signal })
      : this.client().then((docker) => docker.getContainer(name).wait({ condition: 'not-running', abortSignal: signal }) as Promise<{ StatusCode?: number }>);
    return new Promise((resolve) => {
      waiting.then(
        (r) => resolve(r?.StatusCode),
        () => undefined,
      );
    });
  }

  async listContainers(filters: Filters): Promise<ContainerInfo[]> {
    if (this.socketPath)
      return (
        (await engineRequest<ContainerInfo[]>(this.socketPath, 'GET', `/containers/json?all=true&filters=${encodeURIComponent(JSON.stringify(filters))}`)) ?? []
      );
    return (await this.client()).listContainers({ all: true, filters });
  }

  async listVolumes(filters: Filters): Promise<VolumeInspectInfo[]> {
    if (this.socketPath)
      return (
        (
          await engineRequest<{ Volumes: VolumeInspectInfo[] | null }>(
            this.socketPath,
            'GET',
            `/volumes?filters=${encodeURIComponent(JSON.stringify(filters))}`,
          )
        )?.Volumes ?? []
      );
    return (await (await this.client()).listVolumes({ filters })).Volumes ?? [];
  }
}

/** Whether the Engine answered 404 (no such container, volume or image). */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}

/** For `.catch`: a 404 becomes undefined, anything else is thrown again. */
export function notFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}
