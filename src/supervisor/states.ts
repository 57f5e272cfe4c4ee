import type { ProcessStatus } from './types.js';

/** `web ready, worker restarting`: one line for summaries. */
export function statesLine(processes: ProcessStatus[]): string {
  return processes.map((p) => `${p.name} ${p.state}`).join(', ');
}
