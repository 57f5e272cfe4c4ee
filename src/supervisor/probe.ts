import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

/** Output lines of the process being probed, for the log probe. */
export interface LineFeed {
  subscribe(listener: (line: string, stream: 'stdout' | 'stderr') => void): () => void;
}

/** Who holds the listening socket that answered: the probed process (its group), someone else, or unknown (no /proc). */
export type ListenerOwner = { kind: 'ours' } | { kind: 'other'; holder?: string } | { kind: 'unknown' };

/** What a probe watches: the process's output lines, and who holds a socket that answers. */
export interface ProbeTarget {
  /** The process's name, for messages. */
  name?: string;
  lines: LineFeed;
  /** The owner of the socket listening on ip:port; without it any answer counts. */
  owner?(ip: string, port: number): ListenerOwner;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** @default 10 ms for the first 2 s, 25 ms until 5 s, then 100 ms */
  intervalMs?: (elapsedMs: number) => number;
}

// Most processes are ready within a second or two: poll tightly then (a refused connection costs
// microseconds), and back off for the slow ones.
const defaultInterval = (elapsedMs: number) => (elapsedMs < 2000 ? 10 : elapsedMs < 5000 ? 25 : 100);

/**
 * A readiness check. The base owns timeout, retry and cancellation; each strategy only answers
 * "ready yet?" once. `ProcessProbe.http(url)`, `ProcessProbe.tcp(host, port)`, `ProcessProbe.log(regex)`, `ProcessProbe.none()`.
 */
export abstract class ProcessProbe {
  /** For messages and `tldr ps`: `http http://…`, `tcp 127.0.0.1:5173`, `log /ready\./`. */
  abstract readonly description: string;

  /** Why the last attempt did not count although something answered, e.g. another program holds the port. */
  observation: string | undefined;
  protected target: ProbeTarget | undefined;

  /** Called before the process starts, so a line printed at once is not missed. Returns the detach. */
  attach(target: ProbeTarget): () => void {
    this.target = target;
    this.observation = undefined;
    return () => (this.target = undefined);
  }

  // Only the process tldr started may make it ready: an answer from a socket someone else holds
  // (a stray server on the same port) is noted and not counted.
  protected answeredByOwn(ip: string | undefined, port: number | undefined): boolean {
    if (!ip || !port || !this.target?.owner) return true;
    const owner = this.target.owner(ip, port);
    if (owner.kind !== 'other') return true;
    this.observation = `${ip.includes(':') ? `[${ip}]` : ip}:${port} answered, but from ${owner.holder ?? 'another program'}, not from ${this.target.name ?? 'the process tldr started'}`;
    return false;
  }

  /** One attempt. */
  protected abstract check(): Promise<boolean>;

  /** Resolves true once ready, false when `timeoutMs` passed first; rejects with the abort reason. */
  async waitUntilReady(options: WaitOptions): Promise<boolean> {
    const started = Date.now();
    const interval = options.intervalMs ?? defaultInterval;
    for (;;) {
      options.signal?.throwIfAborted();
      if (await this.check()) return true;
      const elapsed = Date.now() - started;
      if (elapsed >= options.timeoutMs) return false;
      await sleep(Math.min(interval(elapsed), options.timeoutMs - elapsed), options.signal);
    }
  }

  static http(url: string): ProcessProbe {
    return new HttpProbe(url);
  }

  static tcp(host: string, port: number): ProcessProbe {
    return new TcpProbe(host, port);
  }

  static log(pattern: string): ProcessProbe {
    return new LogProbe(new RegExp(pattern));
  }

  /** No readiness check: ready as soon as the process runs. */
  static none(): ProcessProbe {
    return new NoProbe();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** Ready on any answer below 500: a 404 or a redirect still means the server is up. */
export class HttpProbe extends ProcessProbe {
  readonly description: string;
  constructor(private readonly url: string) {
    super();
    this.description = `http ${url}`;
  }

  protected check(): Promise<boolean> {
    return new Promise((resolve) => {
      const request = this.url.startsWith('https:') ? httpsRequest : httpRequest;
      const req = request(this.url, { method: 'GET', agent: false, timeout: 2000, rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve((res.statusCode ?? 500) < 500 && this.answeredByOwn(res.socket?.remoteAddress, res.socket?.remotePort));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
  }
}

export class TcpProbe extends ProcessProbe {
  readonly description: string;
  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    super();
    this.description = `tcp ${host}:${port}`;
  }

  protected check(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port, timeout: 1000 });
      const finish = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => finish(this.answeredByOwn(socket.remoteAddress, socket.remotePort)));
      socket.once('timeout', () => finish(false));
      socket.once('error', () => finish(false));
    });
  }
}

/** Matches stdout and stderr alike: Celery prints `celery@host ready.` on stderr. */
export class LogProbe extends ProcessProbe {
  readonly description: string;
  private matched = false;
  constructor(private readonly pattern: RegExp) {
    super();
    this.description = `log /${pattern.source}/`;
  }

  override attach(target: ProbeTarget): () => void {
    this.matched = false;
    const detach = super.attach(target);
    const off = target.lines.subscribe((line) => {
      if (this.pattern.test(line)) this.matched = true;
    });
    return () => (off(), detach());
  }

  protected async check(): Promise<boolean> {
    return this.matched;
  }
}

class NoProbe extends ProcessProbe {
  readonly description = 'none (ready when started)';
  protected async check(): Promise<boolean> {
    return true;
  }
}
