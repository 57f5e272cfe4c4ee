import { request } from 'node:http';

/** An Engine API error, shaped like dockerode's (`statusCode`, `json.message`) so callers handle both alike. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly json: { message?: string } | undefined,
  ) {
    super(message);
  }
}

/**
 * One JSON request to the Engine API over a unix socket — what the hot paths of `up` need,
 * without loading dockerode. 404 resolves to `undefined`; other statuses ≥ 400 reject.
 * `timeoutMs: 0` waits for as long as it takes (long polls such as /wait).
 */
export function engineRequest<T>(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<T | undefined> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    const req = request(
      { socketPath, path, method, headers, ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}), ...(options.signal ? { signal: options.signal } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          const json = parse(text);
          if (status === 404) return resolve(undefined);
          if (status >= 400) return reject(new EngineError(`(HTTP code ${status}) ${json?.message ?? text.trim()}`, status, json));
          resolve((text ? json : undefined) as T | undefined);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`the Docker Engine did not answer ${method} ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function parse(text: string): { message?: string } | undefined {
  try {
    return JSON.parse(text) as { message?: string };
  } catch {
    return undefined;
  }
}
