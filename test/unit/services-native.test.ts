import { describe, expect, it } from 'vitest';
import { chooseProvider } from '../../src/services/provider-choice.js';
import {
  clientArgv,
  createdbArgv,
  initdbArgv,
  parsePostmasterPid,
  pgCtlStartArgv,
  pgCtlStopArgv,
  postgresConf,
  redisServerArgv,
} from '../../src/services/native/argv.js';
import { lastLines } from '../../src/output/log-file.js';
import { ancestors, canTraverse, nativePaths } from '../../src/services/native/paths.js';

describe('native provider: paths', () => {
  it('keeps data under <root>/.tldr/<instance>/ when the Postgres user can reach it', () => {
    const p = nativePaths('/src/app/.tldr', 'app', { postgresReachable: true, tmp: '/tmp' });
    expect(p.postgresData).toBe('/src/app/.tldr/app/postgres/data');
    expect(p.postgresLog).toBe('/src/app/.tldr/app/postgres/postgres.log');
    expect(p.redisDir).toBe('/src/app/.tldr/app/redis');
    expect(p.redisLog).toBe('/src/app/.tldr/app/redis/redis.log');
    expect(p.postgresElsewhere).toBe(false);
  });

  it('moves only the Postgres folder to a stable per-instance tmp folder when the project is not reachable', () => {
    const a = nativePaths('/root/app/.tldr', 'app', { postgresReachable: false, tmp: '/tmp' });
    expect(a.postgresDir).toMatch(/^\/tmp\/tldr-native-[0-9a-f]{12}\/postgres$/);
    expect(a.redisDir).toBe('/root/app/.tldr/app/redis');
    expect(nativePaths('/root/app/.tldr', 'app', { postgresReachable: false, tmp: '/tmp' }).postgresDir).toBe(a.postgresDir);
    expect(nativePaths('/root/app/.tldr', 'app-1a2b3c', { postgresReachable: false, tmp: '/tmp' }).postgresDir).not.toBe(a.postgresDir);
  });

  it('a user can traverse when every folder is searchable by owner, group or others, as applies', () => {
    const pg = { uid: 101, gid: 104 };
    const dir = (mode: number, uid = 0, gid = 0) => ({ path: '/x', mode: 0o40000 | mode, uid, gid });
    expect(canTraverse([dir(0o755), dir(0o755)], pg)).toBe(true);
    expect(canTraverse([dir(0o755), dir(0o700)], pg)).toBe(false);
    expect(canTraverse([dir(0o700, 101)], pg)).toBe(true);
    expect(canTraverse([dir(0o750, 0, 104)], pg)).toBe(true);
    expect(canTraverse([dir(0o705, 0, 104)], pg)).toBe(false);
    expect(ancestors('/a/b/c')).toEqual(['/', '/a', '/a/b', '/a/b/c']);
  });
});

describe('native provider: argv (never a shell)', () => {
  it('initdb makes the configured user superuser with a password file and password auth', () => {
    expect(initdbArgv('/pg/initdb', '/d', { user: 'tldr' }, '/d/.pw')).toEqual([
      '/pg/initdb',
      '-D',
      '/d',
      '--username=tldr',
      '--pwfile=/d/.pw',
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      '--no-instructions',
    ]);
  });

  it('Postgres listens on 127.0.0.1 and the given port only, without a unix socket', () => {
    expect(postgresConf(54321)).toBe("listen_addresses = '127.0.0.1'\nport = 54321\nunix_socket_directories = ''\n");
    expect(pgCtlStartArgv('pg_ctl', '/d', '/l')).toEqual(['pg_ctl', 'start', '-D', '/d', '-l', '/l', '-w', '-t', '60', '-s']);
    expect(pgCtlStopArgv('pg_ctl', '/d')).toEqual(['pg_ctl', 'stop', '-D', '/d', '-m', 'fast', '-w', '-t', '30', '-s']);
    expect(createdbArgv('createdb', 5433, { user: 'u', db: '-weird' })).toEqual(['createdb', '-h', '127.0.0.1', '-p', '5433', '-U', 'u', '--', '-weird']);
  });

  it('redis-server binds 127.0.0.1 in the foreground with its data folder', () => {
    const argv = redisServerArgv('/usr/bin/redis-server', '/r', 6380);
    expect(argv.slice(0, 7)).toEqual(['/usr/bin/redis-server', '--bind', '127.0.0.1', '--port', '6380', '--dir', '/r']);
    expect(argv).toContain('--daemonize');
  });

  it('client shells gain host and port; other programs are passed as given', () => {
    const where = (name: string) => `/bin/${name}`;
    expect(clientArgv(['psql', '-U', 'u', '-c', 'select 1'], 5433, where)).toEqual(['/bin/psql', '-h', '127.0.0.1', '-p', '5433', '-U', 'u', '-c', 'select 1']);
    expect(clientArgv(['redis-cli', 'ping'], 6380, () => null)).toEqual(['redis-cli', '-h', '127.0.0.1', '-p', '6380', 'ping']);
    expect(clientArgv(['pg_dump', 'x'], 5433, where)).toEqual(['/bin/pg_dump', 'x']);
  });

  it('reads pid, start time and port from postmaster.pid', () => {
    expect(parsePostmasterPid('812\n/d\n1764150000\n54321\n\n127.0.0.1\n  5432001   0\nready\n')).toEqual({ pid: 812, startedAt: 1764150000, port: 54321 });
    expect(parsePostmasterPid('')).toBeUndefined();
  });

  it('tails a log text', () => {
    expect(lastLines('a\nb\nc\n', 2)).toEqual(['b', 'c']);
    expect(lastLines('a\nb', undefined)).toEqual(['a', 'b']);
    expect(lastLines('a\n', 0)).toEqual([]);
  });
});

describe('provider choice', () => {
  it('auto = docker when a daemon answers, else native when its binaries exist, else none', () => {
    expect(chooseProvider('auto', { dockerAnswers: true, nativeAvailable: true })).toBe('docker');
    expect(chooseProvider('auto', { dockerAnswers: false, nativeAvailable: true })).toBe('native');
    expect(chooseProvider('auto', { dockerAnswers: false, nativeAvailable: false })).toBe('none');
    expect(chooseProvider('native', { dockerAnswers: true, nativeAvailable: false })).toBe('native');
    expect(chooseProvider('docker', { dockerAnswers: false, nativeAvailable: true })).toBe('docker');
  });
});
