import type { Writable, Readable } from 'node:stream';

export const serviceNames = ['postgres', 'redis'] as const;
export type ServiceName = (typeof serviceNames)[number];

interface SpecBase {
  image: string;
  /** Where it answers when not on 127.0.0.1 (provider external: the URL's host). */
  host?: string;
  /** Host port on 127.0.0.1; `undefined` = the provider picks a free one. */
  port: number | undefined;
  /** `fixed`: the configured port, taken → exit 3. `auto`: any free port will do (`port: 0`, second checkouts). */
  portPolicy: 'fixed' | 'auto';
}

export interface PostgresSpec extends SpecBase {
  name: 'postgres';
  db: string;
  user: string;
  password: string;
}

export interface RedisSpec extends SpecBase {
  name: 'redis';
}

/** What a provider runs for one service; built from the config by `serviceSpecs` (pure). */
export type ServiceSpec = PostgresSpec | RedisSpec;

/** What `up` had to do for a service. */
export type UpAction = 'none' | 'started' | 'created' | 'recreated';

/** A started (not yet probed) service. Disposing it stops it, keeping its data. */
export interface ServiceHandle extends AsyncDisposable {
  name: ServiceName;
  host: string;
  port: number;
  action: UpAction;
  /** Why the action was needed, e.g. "config changed (image)". */
  reason?: string;
  /** Container id, pid, … — whatever identifies the running thing. */
  id?: string;
  /** The connection URL as configured (provider external); otherwise built from host, port and the spec. */
  url?: string;
  /** Resolves with a reason when the service stops before `signal` aborts (readiness fails fast). */
  exited?(signal: AbortSignal): Promise<string>;
}

export interface PullSnapshot {
  service: ServiceName;
  image: string;
  layersDone: number;
  layersTotal: number;
  bytesDone: number;
  /** Sum of the sizes known so far (layers report theirs once they start downloading). */
  bytesTotal: number;
  done: boolean;
}

/** How `up` reports what it does while it works. */
export interface UpProgress {
  step(name: ServiceName, message: string): void;
  pull(snapshot: PullSnapshot): void;
}

export interface UpOptions {
  signal?: AbortSignal;
  progress?: UpProgress;
}

export interface ServiceStatus {
  name: ServiceName;
  state: 'running' | 'stopped' | 'missing' | 'external';
  host?: string;
  port?: number;
  id?: string;
  container?: string;
  image?: string;
  volume?: string;
  /** ISO time the service (re)started, when running. */
  startedAt?: string;
  /** The running spec differs from the config: the next `up` recreates it. */
  outdated?: boolean;
}

export interface DownReport {
  name: ServiceName;
  container: 'stopped' | 'removed' | 'already stopped' | 'missing' | 'external';
  volume?: 'removed' | 'kept' | 'missing';
}

export interface LogOptions {
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
  onLine(line: string, stream: 'stdout' | 'stderr'): void;
}

export interface ExecStdio {
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable;
}

export interface ExecOptions {
  env?: Record<string, string>;
  /** Attach a TTY (interactive shells); default: when stdin and stdout are TTYs. */
  tty?: boolean;
  stdio: ExecStdio;
  signal?: AbortSignal;
}

export interface DownOptions {
  volumes?: boolean;
  /** With `volumes`: the data is thrown away, so skip the clean shutdown (a CI run's teardown). */
  discard?: boolean;
}

/** One way of running Postgres and Redis: docker, native or external (DESIGN.md § Services). */
export interface ServiceProvider {
  readonly kind: 'docker' | 'native' | 'external';
  /** Where it runs (a socket, URLs), for messages. */
  readonly where: string;
  /** Brings the services up without waiting for readiness; idempotent. */
  up(specs: ServiceSpec[], options?: UpOptions): Promise<ServiceHandle[]>;
  status(specs: ServiceSpec[]): Promise<ServiceStatus[]>;
  /** Stops the services, keeping data unless `volumes`. */
  down(names: ServiceName[], options?: DownOptions): Promise<DownReport[]>;
  logs(name: ServiceName, options: LogOptions): Promise<void>;
  /** Runs argv next to the service (inside its container) and resolves to its exit code. */
  exec(name: ServiceName, argv: string[], options: ExecOptions): Promise<number>;
}
