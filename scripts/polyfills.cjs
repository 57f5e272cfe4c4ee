// Node 20.x minors added what tldr's code relies on beyond ES2022: explicit resource management's
// Symbol.dispose / Symbol.asyncDispose (20.4) and AbortSignal.any (20.3). Each process tldr starts
// (the CLI, the detached supervisor) loads this first, so none of them depends on which 20.x it
// runs on; nothing is replaced where Node has it. (The package's engines say >=20.5.0 all the same:
// execa, which tldr runs children with, needs events.addAbortListener from 20.5.)
'use strict';

if (typeof Symbol.dispose !== 'symbol') Object.defineProperty(Symbol, 'dispose', { value: Symbol.for('Symbol.dispose') });
if (typeof Symbol.asyncDispose !== 'symbol') Object.defineProperty(Symbol, 'asyncDispose', { value: Symbol.for('Symbol.asyncDispose') });

if (typeof AbortSignal.any !== 'function') {
  // Aborts with the first input's reason; once it has, it stops listening to the others.
  AbortSignal.any = function any(signals) {
    const controller = new AbortController();
    const inputs = Array.from(signals);
    const release = () => {
      for (const signal of inputs) signal.removeEventListener('abort', onAbort);
    };
    function onAbort() {
      release();
      controller.abort(this.reason);
    }
    for (const signal of inputs) {
      if (signal.aborted) {
        controller.abort(signal.reason);
        release();
        return controller.signal;
      }
      signal.addEventListener('abort', onAbort);
    }
    return controller.signal;
  };
}
