import { unixHttp } from './unix-http.js';

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
export async function engineRequest<T>(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<T | undefined> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers: Record<string, string> = { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) };
  const res = await unixHttp(socketPath, method, path, {
    headers,
    timeoutMs,
    ...(payload ? { body: payload } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((error: Error) => {
    throw /^timed out/.test(error.message) ? new Error(`the Docker Engine did not answer ${method} ${path} within ${timeoutMs} ms`) : error;
  });
  const text = res.body.toString('utf8');
  const json = parse(text);
  if (res.status === 404) return undefined;
  if (res.status >= 400) throw new EngineError(`(HTTP code ${res.status}) ${json?.message ?? text.trim()}`, res.status, json);
  return (text ? json : undefined) as T | undefined;
}

function parse(text: string): { message?: string } | undefined {
  try {
    return JSON.parse(text) as { message?: string };
  } catch {
    return undefined;
  }
}
