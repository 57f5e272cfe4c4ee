import { ServiceError, TldrError } from '../../errors.js';
import type { Output } from '../../output/output.js';
import { controlRequest } from '../../supervisor/control-client.js';
import { startupOutcomeOf, type StartupOutcome } from '../../supervisor/control-protocol.js';
import { readLastRun } from '../../supervisor/last-run.js';
import { isAlive } from '../../process/process-table.js';
import { readRecord, type SupervisorRecordData } from '../../supervisor/record.js';
import { describeRunning, type RunningLoop } from './status.js';

/**
 * A second `tldr dev` with the same config while the first is still starting: wait until that
 * loop is ready (its states then) or failed (its error, exit 4), instead of reporting "pending".
 * The record is read again each round: a `--detach` start hands it to its background supervisor.
 */
export async function awaitRunningLoop(first: SupervisorRecordData, stateDir: string, output: Output, signal: AbortSignal): Promise<RunningLoop> {
  const now = await describeRunning(first, stateDir);
  if (now.answered && now.processes.every((p) => p.state !== 'pending' && p.state !== 'starting')) return now;
  output.note(`a dev loop with this config is starting (pid ${first.owner.pid}); waiting until it is ready`);
  for (;;) {
    signal.throwIfAborted();
    const record = readRecord(stateDir);
    if (!record || !isAlive(record.owner)) throw endedError(first, stateDir);
    let outcome: StartupOutcome | undefined;
    try {
      await controlRequest(
        record.socket,
        { op: 'wait', lines: false },
        (m) => {
          outcome ??= startupOutcomeOf(m);
          return outcome ? 'done' : undefined;
        },
        signal,
      );
    } catch {
      // not listening yet: services or migrations are still running
    }
    if (outcome?.ok) return describeRunning(record, stateDir);
    if (outcome) throw TldrError.fromJSON(outcome.error);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function endedError(record: SupervisorRecordData, stateDir: string): ServiceError {
  const last = readLastRun(stateDir);
  const how = last && last.startedAt === record.startedAt ? last.summary : 'it is gone';
  return new ServiceError(`the dev loop that was starting (pid ${record.owner.pid}) ended before it was ready: ${how}`, {
    code: 'dev-ended',
    hint: 'see `tldr ps` and `tldr logs NAME`, then start it again with `tldr dev`',
  });
}
