import { InterruptedError } from '../errors.js';

/** The signals that mean "stop": tldr stops its children on each and exits 130. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Where process signals come from; tests pass their own emitter. */
export type SignalSource = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/** Sends `signal` to a process, or to its whole group; a process that is already gone is no error. */
export function signalProcess(pid: number, signal: NodeJS.Signals | 0, group = false): boolean {
  try {
    process.kill(group ? -pid : pid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface EarlyInterrupt extends Disposable {
  /** Aborts when `outer` does or a signal arrives before `release()`. */
  signal: AbortSignal;
  /** The child runs now and takes signals itself (runCommand forwards them). */
  release(): void;
}

/**
 * Passthrough commands leave Ctrl-C to the child, so the CLI session does not abort them. Until
 * the child runs, though, nobody would act on it: a signal received while services come up
 * becomes an abort here instead of being lost.
 */
export function interruptBeforeSpawn(outer: AbortSignal | undefined, signals: SignalSource = process): EarlyInterrupt {
  const controller = new AbortController();
  const onSignal = (received: NodeJS.Signals) => controller.abort(new InterruptedError(received));
  for (const s of STOP_SIGNALS) signals.on(s, onSignal);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    for (const s of STOP_SIGNALS) signals.off(s, onSignal);
  };
  return { signal: outer ? AbortSignal.any([outer, controller.signal]) : controller.signal, release, [Symbol.dispose]: release };
}
