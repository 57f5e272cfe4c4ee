import { chmodSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { ndjsonReader, type ControlMessage, type ControlRequest, type StartupOutcome, type SupervisorInfo } from './control-protocol.js';
import { removeSocket } from './reap.js';
import type { Stream } from './process-log.js';
import type { ProcessStatus } from './types.js';

/** What the control socket exposes; the dev pipeline wires it to its Supervisor. */
export interface ControlTarget {
  info(): SupervisorInfo;
  status(): ProcessStatus[];
  /** The last lines of a process, or undefined for an unknown name. */
  tail(name: string, lines: number): string[] | undefined;
  subscribe(listener: (name: string, line: string, stream: Stream) => void): () => void;
  subscribeStates(listener: (status: ProcessStatus, message?: string) => void): () => void;
  /** Settles once start-up is over. */
  startup: Promise<StartupOutcome>;
  /** Stops the loop; resolves with the final states (the owner exits afterwards). */
  stop(): Promise<ProcessStatus[]>;
}

/** A running control socket; disposing closes it and removes the socket file. */
export interface ControlServer extends AsyncDisposable {
  path: string;
  close(): Promise<void>;
}

/** Serves ps / logs / stop / wait on a unix socket (mode 0600: only this user may stop the loop). */
export async function serveControl(path: string, target: ControlTarget): Promise<ControlServer> {
  removeSocket(path);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let handled = false;
    socket.on(
      'data',
      ndjsonReader((message) => {
        if (handled) return;
        handled = true;
        void handle(message as ControlRequest, socket, target);
      }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  const close = async () => {
    for (const socket of sockets) socket.end();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    removeSocket(path);
  };
  return { path, close, [Symbol.asyncDispose]: close };
}

/** A client that reads slower than processes print gets lines dropped (and counted) past this much unsent data. */
const MAX_UNSENT_BYTES = 1024 * 1024;
const dropped = new WeakMap<Socket, number>();

function send(socket: Socket, message: ControlMessage): void {
  if (socket.destroyed) return;
  if (message.type === 'line' && socket.writableLength > MAX_UNSENT_BYTES) {
    dropped.set(socket, (dropped.get(socket) ?? 0) + 1);
    return;
  }
  const skipped = dropped.get(socket);
  if (skipped) {
    dropped.delete(socket);
    const name = message.type === 'line' ? message.name : 'tldr';
    socket.write(
      `${JSON.stringify({ type: 'line', name, line: `[tldr] ${skipped} line(s) skipped: this reader was slower than the processes printed (the log files have them all)`, stream: 'stderr' } satisfies ControlMessage)}\n`,
    );
  }
  socket.write(`${JSON.stringify(message)}\n`);
}

async function handle(request: ControlRequest | undefined, socket: Socket, target: ControlTarget): Promise<void> {
  switch (request?.op) {
    case 'ps':
      send(socket, { type: 'ps', supervisor: target.info(), processes: target.status() });
      socket.end();
      return;
    case 'logs': {
      const lines = target.tail(request.name, request.tail ?? 100);
      if (!lines) {
        send(socket, { type: 'error', message: `no process named ${request.name}` });
        socket.end();
        return;
      }
      for (const line of lines) send(socket, { type: 'line', name: request.name, line, stream: 'stdout' });
      if (!request.follow) {
        send(socket, { type: 'end' });
        socket.end();
        return;
      }
      const off = target.subscribe((name, line, stream) => name === request.name && send(socket, { type: 'line', name, line, stream }));
      socket.on('close', off);
      return;
    }
    case 'wait': {
      const lines = request.lines ?? true;
      // A line printed before this client connected is replayed, so a caller never misses one.
      if (lines)
        for (const name of target.info().processes)
          for (const line of target.tail(name, 200) ?? []) send(socket, { type: 'line', name, line, stream: 'stdout' });
      const offLines = lines ? target.subscribe((name, line, stream) => send(socket, { type: 'line', name, line, stream })) : () => undefined;
      const offStates = target.subscribeStates((status, message) => send(socket, { type: 'state', status, ...(message ? { message } : {}) }));
      socket.on('close', () => (offLines(), offStates()));
      const outcome = await target.startup;
      offLines();
      offStates();
      send(socket, outcome.ok ? { type: 'ready', processes: outcome.processes } : { type: 'failed', error: outcome.error });
      socket.end();
      return;
    }
    case 'stop': {
      send(socket, { type: 'stopping' });
      const processes = await target.stop();
      send(socket, { type: 'stopped', processes });
      socket.end();
      return;
    }
    default:
      send(socket, { type: 'error', message: 'unknown request; expected {"op": "ps" | "logs" | "stop" | "wait"}' });
      socket.end();
  }
}
