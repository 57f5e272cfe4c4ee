import { rmSync } from 'node:fs';
import { makePrivateDir, writePrivateFile } from '../../config/private-files.js';
import { redisServerArgv } from './argv.js';
import type { NativePaths } from './paths.js';
import { isRunning, readJson, waitGone } from './process.js';
import type { NativeRunner } from '../../process/servers.js';

interface RedisRecord {
  pid: number;
  port: number;
  startedAt: string;
}

const PROGRAM = 'redis-server';

/** The local redis-server of one instance: started detached, its pid and port recorded next to its data. */
export class NativeRedis {
  constructor(
    private readonly runner: NativeRunner,
    private readonly bin: string,
    private readonly paths: NativePaths,
  ) {}

  get initialised(): boolean {
    return readJson<RedisRecord>(this.paths.redisRecord) !== undefined;
  }

  running(): RedisRecord | undefined {
    const record = readJson<RedisRecord>(this.paths.redisRecord);
    return record && isRunning(record.pid, PROGRAM) ? record : undefined;
  }

  async start(port: number): Promise<RedisRecord> {
    makePrivateDir(this.paths.redisDir);
    const pid = await this.runner.spawnDetached(redisServerArgv(this.bin, this.paths.redisDir, port), {
      logFile: this.paths.redisLog,
      cwd: this.paths.redisDir,
    });
    const record = { pid, port, startedAt: new Date().toISOString() };
    writePrivateFile(this.paths.redisRecord, `${JSON.stringify(record)}\n`);
    return record;
  }

  /** SIGTERM: Redis saves its snapshot and exits; SIGKILL after 10 s. */
  async stop(): Promise<boolean> {
    const record = this.running();
    if (!record) return false;
    process.kill(record.pid, 'SIGTERM');
    if (!(await waitGone(record.pid, PROGRAM, 10_000))) {
      process.kill(record.pid, 'SIGKILL');
      await waitGone(record.pid, PROGRAM, 2_000);
    }
    return true;
  }

  remove(): void {
    rmSync(this.paths.redisDir, { recursive: true, force: true });
  }
}
