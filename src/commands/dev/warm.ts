import { resolvePython } from '../../backend/python.js';
import { readWarmRecord, startWarmServer, stopWarmServer, type WarmStopped } from '../../backend/warm-server.js';
import type { Project } from '../../config/project.js';
import type { Output } from '../../output/output.js';

// The warm Django fork server runs with the dev loop: started once the processes are up (beside
// them, so the loop's start is not slowed), recorded by pid + start time in `.tldr/warm.json`
// with owner `dev`, stopped when the loop ends, and reaped by the next dev-loop command after a
// SIGKILL of the loop. No idle timeout: it lives as long as the loop.

/** Starts the dev loop's warm server; a project it cannot serve is a note, never a failure of the loop. */
export async function startDevWarm(project: Project, output: Output, env: () => Promise<Record<string, string>>): Promise<void> {
  try {
    const started = await startWarmServer(project, {
      python: resolvePython(project),
      env: await env(),
      reason: 'started with the dev loop',
      idleTimeoutS: 0,
      owner: 'dev',
      redact: (text) => output.secrets.redact(text),
    });
    if (started.ok) output.debug(`warm Django ${started.already ? 'already running' : 'ready'} (pid ${started.record.pid})`);
    else output.debug(`warm Django not started: ${started.reason}; backend commands run cold`);
  } catch (error) {
    output.debug(`warm Django not started: ${(error as Error).message}; backend commands run cold`);
  }
}

/** Stops the warm server when the dev loop started it (one `tldr warm start` started stays). */
export async function stopDevWarm(stateDir: string): Promise<WarmStopped | undefined> {
  if (readWarmRecord(stateDir)?.owner !== 'dev') return undefined;
  return stopWarmServer(stateDir);
}
