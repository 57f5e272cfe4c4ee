import { Writable } from 'node:stream';
import { startServices } from '../../services/ensure.js';
import { openServices } from '../../services/open.js';
import type { ExecStdio, ServiceName } from '../../services/provider.js';
import type { z } from 'zod';
import type { RunOptions } from '../../pipeline/context.js';
import type { CommandResult } from '../definition.js';
import type { clientInput } from './definitions.js';
import type { ClientData } from './schemas.js';

export type ClientOptions = RunOptions &
  z.input<typeof clientInput> & {
    /** @default process.stdin and the output's terminal streams (the client owns the terminal) */
    stdio?: ExecStdio;
  };

type ClientResult = CommandResult<ClientData>;

/** `tldr psql [ARGS…]`: psql as the configured user, on the configured database (in the container with docker, the host's psql with native). */
export function psql(options: ClientOptions): Promise<ClientResult> {
  const pg = options.project.config.services.postgres;
  return client(options, 'postgres', ['psql', '-U', pg.user, '-d', pg.db, ...(options.args ?? [])], { PGPASSWORD: pg.password });
}

/** `tldr redis-cli [ARGS…]`: redis-cli inside the Redis container. */
export function redisCli(options: ClientOptions): Promise<ClientResult> {
  return client(options, 'redis', ['redis-cli', ...(options.args ?? [])], {});
}

const CAPTURE_LIMIT = 4096;

// The client runs in the service's container (`docker exec -it` through the Engine API): nothing
// to install on the host, and the client's version matches the server's.
async function client(options: ClientOptions, name: ServiceName, argv: string[], env: Record<string, string>): Promise<ClientResult> {
  const { project, output } = options;
  const opened = await openServices(project);
  const [current] = await opened.provider.status(opened.specs([name]));
  if (current?.state !== 'running' && current?.state !== 'external') {
    await startServices(project, output, { only: [name], ...(options.signal ? { signal: options.signal } : {}) });
  }
  // With --json the client's output goes into the result (stdout stays NDJSON).
  const captured = { stdout: '', stderr: '' };
  const sink = (key: 'stdout' | 'stderr') =>
    new Writable({
      write(chunk, _encoding, done) {
        captured[key] += String(chunk);
        done();
      },
    });
  const stdio: ExecStdio =
    options.stdio ?? (output.json ? { stdin: process.stdin, stdout: sink('stdout'), stderr: sink('stderr') } : { stdin: process.stdin, ...output.terminal });
  const exitCode = await opened.provider.exec(name, argv, {
    env,
    stdio,
    ...(output.json ? { tty: false } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const data = output.json ? { exitCode, stdout: clip(captured.stdout), stderr: clip(captured.stderr) } : { exitCode };
  return { exitCode, summary: `${argv[0]} exited with ${exitCode}`, data };
}

function clip(text: string): string {
  return text.length <= CAPTURE_LIMIT
    ? text
    : `${text.slice(0, CAPTURE_LIMIT)}\n… (${text.length - CAPTURE_LIMIT} more characters; run without --json for the full output)`;
}
