import { connect } from 'node:net';
import { ndjsonReader, type ControlMessage, type ControlRequest } from './control-protocol.js';

/**
 * Sends one request to a supervisor's control socket and calls `onMessage` for each answer
 * line; resolves when the supervisor closes the connection, or at once when `onMessage` returns
 * `'done'` (the answer is complete: the supervisor's close can lag behind its last line while
 * its event loop is busy). Rejects when nobody listens.
 */
export function controlRequest(
  path: string,
  request: ControlRequest,
  onMessage: (message: ControlMessage) => 'done' | void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    const onAbort = () => socket.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    let done = false;
    socket.on(
      'data',
      ndjsonReader((message) => {
        if (done || !message) return;
        if (onMessage(message as ControlMessage) !== 'done') return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve();
      }),
    );
    socket.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      connected ? resolve() : reject(error);
    });
    socket.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/** The messages of a request that ends by itself (ps, stop), collected. */
export async function controlCall(path: string, request: ControlRequest, timeoutMs = 5000): Promise<ControlMessage[]> {
  const messages: ControlMessage[] = [];
  await controlRequest(path, request, (m) => void messages.push(m), AbortSignal.timeout(timeoutMs));
  return messages;
}
