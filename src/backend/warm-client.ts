import { connect, type Socket } from 'node:net';
import { STOP_SIGNALS, type SignalSource } from '../process/signals.js';
import { encodeMessage, FrameReader, type Frame } from './warm-protocol.js';

// The client of the warm fork server (src/python/tldr_forkserver). It lives in backend/ beside the
// other Django helpers' protocols: it spawns nothing (the server forks), it only talks over a
// unix socket, and what it says (manage.py argv, the managed env) is backend knowledge.

/** What a run through the warm path ended with. */
export type WarmOutcome =
  | { kind: 'exit'; exitCode: number; signal?: string; durationMs: number; forkMs?: number; prepared?: { ageMs: number; setUpAgain?: string } }
  /** Nothing ran: run the command cold. `stale` also means the server is exiting (start a fresh one). */
  | { kind: 'refused' | 'stale' | 'error' | 'unreachable'; reason: string }
  /** Nothing ran: a held request whose `hold` resolved false, or a prepared run that was out of date (`prepared`). */
  | { kind: 'cancelled'; reason: string; prepared?: boolean }
  /** The command started and the server went away before its exit status: it must not run again cold. */
  | { kind: 'lost'; reason: string };

export interface WarmRunRequest {
  /** `['manage.py', …]` or `['-m', MODULE, …]`. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  lifeline: boolean;
  /** @default 'SIGTERM' */
  stopSignal?: NodeJS.Signals;
  /** @default 10000 */
  graceMs?: number;
  /**
   * The server may prepare the next run like this one once it has ended (a `manage.py test
   * --keepdb` of tldr's runner); `lateEnv`: the variables that differ between two such runs.
   */
  prepare?: { lateEnv: string[] };
}

export interface WarmRunOptions {
  /** The child's output as it arrives, by stream; a promise holds the rest back until it resolves (a full pipe). */
  onOutput(stream: 'stdout' | 'stderr', data: Buffer): void | Promise<void>;
  /** Aborting stops the child: `stopSignal` to its group, SIGKILL after `graceMs`. */
  signal?: AbortSignal;
  /** Pass SIGINT/SIGTERM/SIGHUP this process receives on as a stop, once. */
  forwardSignals?: boolean;
  signals?: SignalSource;
  /**
   * Send the request at once, held: the server checks, forks and prepares the child now, and
   * the program starts when this resolves true (the services answered with the environment the
   * request carries); false ends the child with nothing run (outcome `cancelled`).
   */
  hold?: Promise<boolean>;
}

const REQUEST_TIMEOUT_MS = 5_000;

/** One request/answer (`status`, `stop`): the first message back, or undefined when nobody answers. */
export async function warmRequest(
  socketPath: string,
  request: { op: 'status' | 'stop' },
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const reader = new FrameReader();
    const done = (value: Record<string, unknown> | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('error', () => done(undefined));
    socket.once('connect', () => socket.write(encodeMessage(request)));
    socket.on('data', (chunk: Buffer) => {
      try {
        const message = reader.push(chunk).find((f): f is Extract<Frame, { stream: 0 }> => f.stream === 0);
        if (message) done(message.message);
      } catch {
        done(undefined);
      }
    });
    socket.once('close', () => done(undefined));
  });
}

/** Runs one command in a fork of the warm server; its output and exit status are relayed. */
export async function warmRun(socketPath: string, request: WarmRunRequest, options: WarmRunOptions): Promise<WarmOutcome> {
  const started = performance.now();
  const stopSignal = request.stopSignal ?? 'SIGTERM';
  const graceMs = request.graceMs ?? 10_000;
  const signals = options.signals ?? process;
  return new Promise((resolve) => {
    const socket: Socket = connect(socketPath);
    const reader = new FrameReader();
    let running = false;
    let settled = false;
    let stopping = false;
    let killTimer: NodeJS.Timeout | undefined;
    let forkMs: number | undefined;
    let prepared: { ageMs: number; setUpAgain?: string } | undefined;
    const send = (signal: NodeJS.Signals) => {
      if (!socket.destroyed) socket.write(encodeMessage({ type: 'signal', signal }));
    };
    const stop = () => {
      if (stopping) return;
      stopping = true;
      if (!running) {
        socket.destroy(); // before `started` the server stops whatever it forked when the client goes
        return;
      }
      send(stopSignal);
      killTimer = setTimeout(() => send('SIGKILL'), graceMs);
      killTimer.unref();
    };
    const onProcessSignal = () => stop();
    const finish = (outcome: WarmOutcome) => {
      if (settled) return;
      settled = true;
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', stop);
      if (options.forwardSignals) for (const s of STOP_SIGNALS) signals.off(s, onProcessSignal);
      socket.destroy();
      resolve(outcome);
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    if (options.forwardSignals) for (const s of STOP_SIGNALS) signals.on(s, onProcessSignal);
    // After go the program may have started even without `started` having arrived: never run it again cold.
    let sentGo = false;
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(
        running || sentGo
          ? { kind: 'lost', reason: `the warm server went away mid-run: ${error.message}` }
          : { kind: 'unreachable', reason: error.code ?? error.message },
      ),
    );
    socket.once('close', () =>
      finish(
        running || sentGo
          ? { kind: 'lost', reason: 'the warm server closed the connection before the exit status' }
          : { kind: 'unreachable', reason: 'closed' },
      ),
    );
    const hold = options.hold;
    // Given up on before go: closing the connection ends the held child (nothing ran).
    void hold?.then((go) => {
      if (!go && !running) finish({ kind: 'cancelled', reason: 'the services did not answer with the environment it was held with' });
    });
    socket.once('connect', () => {
      const held = hold ? { hold: true } : {};
      socket.write(
        encodeMessage({
          op: 'run',
          argv: request.argv,
          env: request.env,
          cwd: request.cwd,
          tty: false,
          lifeline: request.lifeline,
          stopSignal,
          graceMs,
          ...held,
          ...(request.prepare ? { prepare: true, lateEnv: request.prepare.lateEnv } : {}),
        }),
      );
      if (options.signal?.aborted) stop();
    });
    socket.on('data', (chunk: Buffer) => {
      let frames: Frame[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        finish({ kind: running ? 'lost' : 'error', reason: `protocol: ${(error as Error).message}` });
        return;
      }
      for (const frame of frames) {
        if (frame.stream !== 0) {
          const held = options.onOutput(frame.stream === 1 ? 'stdout' : 'stderr', frame.data);
          if (held) {
            // Memory stays bounded when tldr's own stdout is slower than the child.
            socket.pause();
            void held.then(() => socket.resume());
          }
          continue;
        }
        const m = frame.message;
        const reason = typeof m.reason === 'string' ? m.reason : String(m.type);
        if (m.type === 'held') {
          if (typeof m.forkMs === 'number') forkMs = m.forkMs;
          void hold?.then((go) => {
            if (go && !settled && !stopping) {
              sentGo = true;
              socket.write(encodeMessage({ type: 'go' }));
            }
          });
        } else if (m.type === 'started') {
          running = true;
          if (typeof m.forkMs === 'number' && forkMs === undefined) forkMs = m.forkMs;
          const ready = m.prepared as { ageMs?: unknown; setUpAgain?: unknown } | undefined;
          if (ready && typeof ready.ageMs === 'number')
            prepared = { ageMs: ready.ageMs, ...(typeof ready.setUpAgain === 'string' ? { setUpAgain: ready.setUpAgain } : {}) };
          if (stopping) {
            stopping = false;
            stop();
          }
        } else if (m.type === 'exit') {
          const durationMs = Math.round(performance.now() - started);
          const signal = typeof m.signal === 'string' ? m.signal : undefined;
          finish({
            kind: 'exit',
            exitCode: Number(m.code),
            ...(signal ? { signal } : {}),
            durationMs,
            ...(forkMs !== undefined ? { forkMs } : {}),
            ...(prepared ? { prepared } : {}),
          });
        } else if (m.type === 'cancelled' && !running) {
          // Said by the server itself: nothing of the program ran (held, or a prepared run out of date).
          finish({ kind: 'cancelled', reason, ...(m.prepared === true ? { prepared: true } : {}) });
        } else if (m.type === 'refused' || m.type === 'stale' || m.type === 'error') finish({ kind: m.type, reason });
      }
    });
  });
}
