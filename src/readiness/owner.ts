import type { ListenerOwner } from '../process/proc-sockets.js';

/** Only the process tldr started may make itself ready (DESIGN.md § Processes). */
export interface OwnedBy {
  /** The owner of the socket listening on ip:port; without it any answer counts. */
  owner?(ip: string, port: number): ListenerOwner;
  /** The probed process's name, for messages. */
  name?: string;
}

/**
 * Why an answer from ip:port does not count — a socket someone else holds (a stray server on
 * the same port) — or undefined when it does.
 */
export function foreignAnswer(ip: string | undefined, port: number | undefined, by: OwnedBy): string | undefined {
  if (!ip || !port || !by.owner) return undefined;
  const owner = by.owner(ip, port);
  if (owner.kind !== 'other') return undefined;
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port} answered, but from ${owner.holder ?? 'another program'}, not from ${by.name ?? 'the process tldr started'}`;
}
