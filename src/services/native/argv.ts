import type { PostgresSpec } from '../provider.js';

export const HOST = '127.0.0.1';

/**
 * initdb: the configured user as superuser with its password (from a file, never argv), password
 * auth for every connection. Pure.
 */
export function initdbArgv(bin: string, data: string, spec: Pick<PostgresSpec, 'user'>, pwfile: string): string[] {
  return [bin, '-D', data, `--username=${spec.user}`, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-instructions'];
}

/**
 * The settings tldr owns, written to `tldr.conf` (included from postgresql.conf) before each start:
 * 127.0.0.1 only, the chosen port, and no unix socket (its path could exceed the 107-byte limit
 * in a deep checkout, and nothing here uses it). Pure.
 */
export function postgresConf(port: number): string {
  return [`listen_addresses = '${HOST}'`, `port = ${port}`, "unix_socket_directories = ''", ''].join('\n');
}

export function pgCtlStartArgv(bin: string, data: string, log: string): string[] {
  return [bin, 'start', '-D', data, '-l', log, '-w', '-t', '60', '-s'];
}

export function pgCtlStopArgv(bin: string, data: string): string[] {
  return [bin, 'stop', '-D', data, '-m', 'fast', '-w', '-t', '30', '-s'];
}

export function createdbArgv(bin: string, port: number, spec: Pick<PostgresSpec, 'user' | 'db'>): string[] {
  return [bin, '-h', HOST, '-p', String(port), '-U', spec.user, '--', spec.db];
}

/** redis-server in the foreground (tldr detaches it), data in `dir`, log to stdout (a file). Pure. */
export function redisServerArgv(bin: string, dir: string, port: number): string[] {
  return [
    bin,
    '--bind',
    HOST,
    '--port',
    String(port),
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--protected-mode',
    'yes',
    '--appendonly',
    'no',
    '--save',
    '3600 1 300 100 60 10000',
  ];
}

/** A client shell pointed at the service: `psql …` / `redis-cli …` gain `-h 127.0.0.1 -p PORT`. Pure. */
export function clientArgv(argv: readonly string[], port: number, resolve: (name: string) => string | null): string[] {
  const [program, ...rest] = argv;
  if (!program) return [];
  const file = resolve(program) ?? program;
  if (program === 'psql' || program === 'redis-cli') return [file, '-h', HOST, '-p', String(port), ...rest];
  return [file, ...rest];
}

/** postmaster.pid: line 1 the pid, line 3 the start time (epoch seconds), line 4 the port. Pure. */
export function parsePostmasterPid(text: string): { pid: number; startedAt: number; port: number } | undefined {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const startedAt = Number(lines[2]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  return { pid, startedAt, port };
}
