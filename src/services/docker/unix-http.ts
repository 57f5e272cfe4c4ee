import { connect } from 'node:net';

/** What came back: the status code and the whole body (chunked transfer decoded). */
export interface UnixHttpResponse {
  status: number;
  body: Buffer;
}

export interface UnixHttpOptions {
  body?: Buffer;
  headers?: Record<string, string>;
  /** 0: wait for as long as it takes (long polls such as /wait). @default 30000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Responses larger than this are an error, not memory: Engine JSON answers are kilobytes. */
const MAX_RESPONSE = 64 * 1024 * 1024;

/**
 * One HTTP/1.1 request over a unix socket with `Connection: close`, read to the end of the
 * connection: what the Docker Engine calls on every backend command (ping, inspect) need. node:http
 * costs ~10 ms on its first request (and its load on every start); a request that the server
 * answers and closes needs none of its keep-alive, pooling or streaming.
 */
export function unixHttp(socketPath: string, method: string, path: string, options: UnixHttpOptions = {}): Promise<UnixHttpResponse> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | undefined, response?: UnixHttpResponse) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      error ? reject(error) : resolve(response!);
    };
    const onAbort = () => settle(options.signal?.reason instanceof Error ? options.signal.reason : new Error('aborted'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => settle(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs) : undefined;
    socket.once('error', (error) => settle(error));
    socket.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE) return settle(new Error(`the answer to ${method} ${path} is larger than ${MAX_RESPONSE} bytes`));
      chunks.push(chunk);
    });
    socket.once('end', () => {
      try {
        settle(undefined, parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        settle(error as Error);
      }
    });
    const headers = { host: 'docker', connection: 'close', ...options.headers, ...(options.body ? { 'content-length': String(options.body.length) } : {}) };
    const head = `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;
    socket.write(options.body ? Buffer.concat([Buffer.from(head, 'latin1'), options.body]) : head);
  });
}

/** Status line, headers and body of a complete response (the server closed the connection after it). */
export function parseResponse(raw: Buffer): UnixHttpResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('the connection closed before the response headers were complete');
  const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (!status) throw new Error(`not an HTTP response: ${JSON.stringify((statusLine ?? '').slice(0, 80))}`);
  const header = (name: string) => {
    const line = lines.find((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name);
    return line?.slice(line.indexOf(':') + 1).trim();
  };
  let body = raw.subarray(end + 4);
  if (/\bchunked\b/i.test(header('transfer-encoding') ?? '')) body = dechunk(body);
  else {
    const length = header('content-length');
    if (length !== undefined) {
      if (body.length < Number(length)) throw new Error('the connection closed before the response body was complete');
      body = body.subarray(0, Number(length));
    }
  }
  return { status: Number(status[1]), body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) throw new Error('the connection closed inside a chunked response');
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1').split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size)) throw new Error('a malformed chunk size in the response');
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (data.length < start + size) throw new Error('the connection closed inside a chunked response');
    parts.push(data.subarray(start, start + size));
    at = start + size + 2;
  }
}
