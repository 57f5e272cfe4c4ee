// `node --require test/helpers/early-node20.cjs …`: this Node as an early 20.x sees it — no
// Symbol.dispose / Symbol.asyncDispose (20.4) and no AbortSignal.any (20.3). Node defines the two
// symbols non-configurable, so the global Symbol is replaced by a copy without them (a polyfill
// can still define them on it); AbortSignal.any is simply deleted.
'use strict';
const RealSymbol = Symbol;
const EarlySymbol = function Symbol(description) {
  if (new.target) throw new TypeError('Symbol is not a constructor');
  return RealSymbol(description);
};
for (const key of Reflect.ownKeys(RealSymbol)) {
  if (['dispose', 'asyncDispose', 'length', 'name', 'prototype'].includes(key)) continue;
  Object.defineProperty(EarlySymbol, key, Object.getOwnPropertyDescriptor(RealSymbol, key));
}
EarlySymbol.prototype = RealSymbol.prototype;
globalThis.Symbol = EarlySymbol;
delete AbortSignal.any;
