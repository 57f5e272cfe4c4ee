import { connect } from 'node:net';
import { ndjsonReader, type ControlMessage, type ControlRequest } from './control-protocol.js';

/**
 * Sends one request to a supervisor's control socket and calls `onMessage` for each answer
 * line; resolves when the supervisor closes the connection. Rejects when nobody listens.
 */
export function controlRequest(path: string, request: ControlRequest, onMessage: (message: ControlMessage) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let connected = false;
    const onAbort = () => socket.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on(
      'data',
      ndjsonReader((message) => message && onMessage(message as ControlMessage)),
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
  await controlRequest(path, request, (m) => messages.push(m), AbortSignal.timeout(timeoutMs));
  return messages;
}
