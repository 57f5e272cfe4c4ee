import type { ListenerOwner } from '../process/proc-sockets.js';
import { defaultProcessTable, type ProcessTable } from '../process/process-table.js';

/** Who holds the socket listening on ip:port, given the probed group's leader and members (process/proc-sockets.ts `listenerOwner`). */
export type ListenerLookup = (ip: string, port: number, leader: number, members: () => number[]) => ListenerOwner;

/** A probe's owner check for one process: readiness counts only from the group tldr started (DESIGN.md § Processes). */
export function groupOwnerCheck(
  lookup: ListenerLookup,
  leader: () => number | undefined,
  table: ProcessTable = defaultProcessTable,
): (ip: string, port: number) => ListenerOwner {
  return (ip, port) => {
    const pid = leader();
    return pid === undefined ? { kind: 'unknown' } : lookup(ip, port, pid, () => table.groupMembers(pid));
  };
}
