// The background supervisor's own entry point. `tldr dev --detach` starts it directly instead of
// `tldr supervise` (the same function behind the CLI): without commander and the whole library
// it takes its plan ~300 ms sooner, which is most of what a detached start costs over runserver.
// Like the CLI it is an entry point: what it needs above the supervisor layer (stopping the
// services for `--down`) it gets from the public API, loaded only then.
import { exitCodeOf, InterruptedError, TldrError } from '../errors.js';
import { Output } from '../output/output.js';
import { STOP_SIGNALS } from '../process/signals.js';
import { supervise } from './detached.js';
import { statesLine } from './states.js';

const output = new Output({ mode: 'human', color: false });
const controller = new AbortController();
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  // A second signal means "now": the supervisor's exit hook SIGKILLs what still runs.
  if (interrupted) process.exit(130);
  interrupted = true;
  controller.abort(new InterruptedError(signal));
};
for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

async function stopServices(configFile: string): Promise<void> {
  // Loaded only here: the library (config loader, zod, yaml) would slow every background start.
  const lib = await import('../index.js');
  await lib.down({ project: lib.openProject({ configPath: configFile }), output });
}

// The warm Django server runs beside the loop: started once the processes are ready, stopped with them.
async function startWarm(configFile: string): Promise<void> {
  const lib = await import('../index.js');
  const project = lib.openProject({ configPath: configFile });
  const context = lib.commandContext({ project, output });
  await lib.startDevWarm(project, output, () => context.env());
}

async function stopWarm(stateDir: string): Promise<void> {
  const lib = await import('../index.js');
  await lib.stopDevWarm(stateDir);
}

// No top-level await: the file is also bundled as CommonJS (dist/bundle/supervise-main.cjs).
void (async () => {
  try {
    const final = await supervise({ output, signal: controller.signal, stopServices, onStarted: startWarm, onStopped: stopWarm });
    output.result({ ok: true, exitCode: 0, summary: `dev loop stopped: ${statesLine(final)}` });
    process.exitCode = 0;
  } catch (error) {
    const code = exitCodeOf(error);
    const details =
      error instanceof TldrError ? [...error.details, ...(error.hint ? [`hint: ${error.hint}`] : [])] : [String((error as Error)?.stack ?? error)];
    output.note([`supervisor: ${(error as Error)?.message ?? error}`, ...details].join('\n  '));
    process.exitCode = code;
  }
})();
