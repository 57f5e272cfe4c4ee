import { existsSync, lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makePrivateDir } from '../../config/private-files.js';
import { EnvironmentError, ServiceError } from '../../errors.js';
import { findBinary } from '../binaries.js';
import type { Instance } from '../instance.js';
import { freePort, isPortFree, portHolder } from '../ports.js';
import type {
  DownReport,
  ExecOptions,
  LogOptions,
  PostgresSpec,
  ServiceHandle,
  ServiceName,
  ServiceProvider,
  ServiceSpec,
  ServiceStatus,
  UpAction,
  UpOptions,
} from '../provider.js';
import { clientArgv, HOST } from './argv.js';
import { withLock } from '../../process/owner-lock.js';
import { readLogFile } from './log-file.js';
import { nativePaths, type NativePaths } from './paths.js';
import { NativePostgres } from './postgres.js';
import { watchExit } from './process.js';
import { NativeRedis } from './redis.js';
import { postgresRunAs, reachable } from './run-as.js';
import { nativeServers, type NativeRunner, type RunAs } from '../../process/servers.js';
import { nativeBinaries, withPgBindir } from './binaries.js';

interface Started {
  pid: number;
  port: number;
  action: UpAction;
  reason?: string;
}

/**
 * Postgres and Redis as local processes of this machine (DESIGN.md § Services, native): data under
 * `.tldr/<instance>/`, bound to 127.0.0.1, left running between runs like containers are.
 */
export class NativeProvider implements ServiceProvider {
  readonly kind = 'native' as const;
  readonly where: string;
  private setup?: Promise<{ postgres: NativePostgres; redis: NativeRedis; paths: NativePaths; runAs: RunAs | undefined }>;

  constructor(
    private readonly instance: Instance,
    private readonly stateDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly runner: NativeRunner = nativeServers,
  ) {
    this.where = `local processes (${stateDir}/${instance.name})`;
  }

  async up(specs: ServiceSpec[], options: UpOptions = {}): Promise<ServiceHandle[]> {
    // Made before parts() looks at it: whether the Postgres user can reach it decides where its data goes.
    makePrivateDir(join(this.stateDir, this.instance.name));
    const { paths } = await this.parts();
    if (paths.postgresElsewhere) refuseStrandedCluster(paths);
    if (paths.postgresElsewhere) ownBase(dirname(paths.postgresDir));
    return withLock(join(paths.instanceDir, '.lock'), async () => {
      const ports = await this.choosePorts(specs);
      return Promise.all(specs.map((spec, i) => this.upOne(spec, ports[i]!, options)));
    });
  }

  async status(specs: ServiceSpec[]): Promise<ServiceStatus[]> {
    const { postgres, redis, paths } = await this.parts();
    return specs.map((spec): ServiceStatus => {
      const server = spec.name === 'postgres' ? postgres : redis;
      const volume = spec.name === 'postgres' ? paths.postgresDir : paths.redisDir;
      const running = server.running();
      if (!running) return { name: spec.name, state: server.initialised ? 'stopped' : 'missing', volume };
      const outdated = spec.portPolicy === 'fixed' && spec.port !== running.port;
      return { name: spec.name, state: 'running', host: HOST, port: running.port, id: String(running.pid), volume, startedAt: running.startedAt, outdated };
    });
  }

  async down(names: ServiceName[], options: { volumes?: boolean } = {}): Promise<DownReport[]> {
    const { paths } = await this.parts();
    if (!existsSync(paths.instanceDir)) return names.map((name) => ({ name, container: 'missing' }));
    const reports = await withLock(join(paths.instanceDir, '.lock'), () => Promise.all(names.map((name) => this.downOne(name, options.volumes ?? false))));
    if (options.volumes) rmdirIfEmpty(paths.instanceDir);
    return reports;
  }

  async logs(name: ServiceName, options: LogOptions): Promise<void> {
    const { paths } = await this.parts();
    const file = name === 'postgres' ? paths.postgresLog : paths.redisLog;
    if (!existsSync(file))
      throw new ServiceError(`${name} has no log yet (${file})`, { code: 'service-not-running', hint: `start it with \`tldr up ${name}\`` });
    return readLogFile(file, options);
  }

  async exec(name: ServiceName, argv: string[], options: ExecOptions): Promise<number> {
    const { postgres, redis } = await this.parts();
    const running = (name === 'postgres' ? postgres : redis).running();
    if (!running) throw new ServiceError(`${name} is not running`, { code: 'service-not-running', hint: `start it with \`tldr up ${name}\`` });
    const full = clientArgv(argv, running.port, (program) => findBinary(program, this.env));
    const tty = options.tty ?? Boolean(options.stdio.stdin.isTTY && options.stdio.stdout.isTTY);
    return this.runner.interactive(full, {
      ...(options.env ? { env: options.env } : {}),
      stdio: options.stdio,
      tty,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  private async downOne(name: ServiceName, volumes: boolean): Promise<DownReport> {
    const { postgres, redis, paths } = await this.parts();
    const server = name === 'postgres' ? postgres : redis;
    const existed = server.initialised || existsSync(name === 'postgres' ? paths.postgresDir : paths.redisDir);
    const container: DownReport['container'] = (await server.stop()) ? 'stopped' : existed ? 'already stopped' : 'missing';
    if (!volumes) return { name, container, ...(existed ? { volume: 'kept' as const } : {}) };
    if (name === 'postgres') {
      rmSync(paths.postgresDir, { recursive: true, force: true });
      if (paths.postgresElsewhere) rmSync(dirname(paths.postgresDir), { recursive: true, force: true });
    } else redis.remove();
    return { name, container, volume: existed ? 'removed' : 'missing' };
  }

  private parts() {
    this.setup ??= (async () => {
      const bin = nativeBinaries(await withPgBindir(this.runner, this.env));
      const runAs = await postgresRunAs(this.runner);
      const postgresReachable = reachable(join(this.stateDir, this.instance.name), runAs);
      const tmp = tmpdir();
      // The fallback for a project folder that user cannot reach: the temp folder must be reachable itself.
      if (!postgresReachable && runAs && !reachable(join(tmp, 'tldr-native'), runAs)) {
        throw new EnvironmentError(`PostgreSQL runs as "${runAs.user}", which can reach neither ${join(this.stateDir, this.instance.name)} nor ${tmp}`, {
          code: 'native-unreachable',
          hint: `make ${tmp} searchable by others (its usual mode is 1777: chmod 1777 ${tmp}), set TMPDIR to a folder that user can reach, run tldr as a normal user, or use services.provider: docker`,
        });
      }
      const paths = nativePaths(this.stateDir, this.instance.name, { postgresReachable, tmp });
      const postgres = new NativePostgres({ runner: this.runner, runAs, paths, bin });
      return { postgres, redis: new NativeRedis(this.runner, bin.redisServer, paths), paths, runAs };
    })();
    return this.setup;
  }

  // Like the docker provider: a running server keeps its port; an auto port picks a free one; a
  // fixed port that something else holds is exit 3 before anything starts.
  private async choosePorts(specs: ServiceSpec[]): Promise<number[]> {
    const { postgres, redis } = await this.parts();
    const ports: number[] = [];
    const conflicts: Array<{ service: ServiceName; line: string }> = [];
    for (const spec of specs) {
      const running = (spec.name === 'postgres' ? postgres : redis).running();
      const wanted = spec.portPolicy === 'auto' ? (running?.port ?? spec.port) : spec.port;
      if (wanted !== undefined && running?.port === wanted) ports.push(wanted);
      else if (wanted !== undefined && !ports.includes(wanted) && (await isPortFree(wanted, HOST))) ports.push(wanted);
      else if (spec.portPolicy === 'auto') ports.push(await freePort(HOST));
      else {
        const holder = portHolder(wanted!);
        conflicts.push({ service: spec.name, line: `port ${wanted} on ${HOST} (services.${spec.name}.port) is taken${holder ? ` by ${holder}` : ''}` });
        ports.push(wanted!);
      }
    }
    if (conflicts.length) {
      const hint = `stop what holds it, or set services.${conflicts[0]!.service}.port to another port in tldr.config.yaml (0 = any free port, remembered)`;
      throw new EnvironmentError(conflicts.map((c) => c.line).join('\n'), { code: 'port-taken', hint });
    }
    return ports;
  }

  private async upOne(spec: ServiceSpec, port: number, options: UpOptions): Promise<ServiceHandle> {
    const say = (message: string) => options.progress?.step(spec.name, message);
    const started = spec.name === 'postgres' ? await this.upPostgres(spec, port, say) : await this.upRedis(port, say);
    const program = spec.name === 'postgres' ? 'postgres' : 'redis-server';
    return {
      name: spec.name,
      host: HOST,
      port: started.port,
      action: started.action,
      ...(started.reason ? { reason: started.reason } : {}),
      id: String(started.pid),
      ...(started.action === 'none' ? {} : { exited: (signal: AbortSignal) => watchExit(started.pid, program, spec.name, signal) }),
      [Symbol.asyncDispose]: async () => {
        await this.down([spec.name]);
      },
    };
  }

  private async upPostgres(spec: PostgresSpec, port: number, say: (m: string) => void): Promise<Started> {
    const { postgres, paths, runAs } = await this.parts();
    const running = postgres.running();
    if (running?.port === port) return { pid: running.pid, port, action: 'none' };
    let action: UpAction = 'started';
    let reason: string | undefined;
    if (running) {
      say(`restarting postgres: port ${running.port} → ${port}`);
      await postgres.stop();
      [action, reason] = ['recreated', 'config changed (port)'];
    }
    if (!postgres.initialised) {
      say(
        `initdb ${paths.postgresData}${runAs ? ` as ${runAs.user}` : ''}${paths.postgresElsewhere ? ' (the project folder is not reachable by that user)' : ''}`,
      );
      await postgres.init(spec);
      action = 'created';
    }
    say(`starting postgres on ${HOST}:${port}`);
    const now = await postgres.start(port);
    await postgres.createDatabase(spec, port);
    return { pid: now.pid, port, action, ...(reason ? { reason } : {}) };
  }

  private async upRedis(port: number, say: (m: string) => void): Promise<Started> {
    const { redis } = await this.parts();
    const running = redis.running();
    if (running?.port === port) return { pid: running.pid, port, action: 'none' };
    let action: UpAction = redis.initialised ? 'started' : 'created';
    let reason: string | undefined;
    if (running) {
      say(`restarting redis: port ${running.port} → ${port}`);
      await redis.stop();
      [action, reason] = ['recreated', 'config changed (port)'];
    }
    say(`starting redis-server on ${HOST}:${port}`);
    const now = await redis.start(port);
    return { pid: now.pid, port, action, ...(reason ? { reason } : {}) };
  }
}

// .tldr/ is private (0700) now, so Postgres running as another user keeps its data outside; a
// cluster an older tldr made inside must not silently give way to a new, empty one.
function refuseStrandedCluster(paths: NativePaths): void {
  const old = join(paths.instanceDir, 'postgres');
  if (!existsSync(join(old, 'data', 'PG_VERSION')) || existsSync(paths.postgresData)) return;
  throw new EnvironmentError(`a Postgres cluster made by an earlier tldr is in ${old}, which the postgres user can no longer reach (.tldr/ is private)`, {
    code: 'native-data-dir',
    hint: `move it to where tldr keeps it now: mkdir -p ${dirname(paths.postgresDir)} && mv ${old} ${paths.postgresDir}`,
  });
}

// The folder in the shared tmp has a predictable name: it must be a real folder of ours, not
// something another user planted there (a symlink would point initdb's chown elsewhere).
function ownBase(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const st = lstatSync(dir);
  if (!st.isDirectory() || st.uid !== process.getuid?.()) {
    throw new EnvironmentError(`${dir} is not a folder owned by this user`, {
      code: 'native-data-dir',
      hint: `remove ${dir}, or move the project to a folder the postgres user can reach`,
    });
  }
}

function rmdirIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // already gone
  }
}
