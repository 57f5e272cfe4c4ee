import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../../src/errors.js';
import { interruptBeforeSpawn } from '../../../src/process/signals.js';

describe('interruptBeforeSpawn', () => {
  it('a signal before the spawn aborts; after release() the child owns signals', () => {
    const source = new EventEmitter();
    const outer = new AbortController();
    const early = interruptBeforeSpawn(outer.signal, source);
    source.emit('SIGTERM', 'SIGTERM');
    expect(early.signal.aborted).toBe(true);
    expect(early.signal.reason).toBeInstanceOf(InterruptedError);
    early.release();
    expect(source.listenerCount('SIGTERM')).toBe(0);

    const later = interruptBeforeSpawn(undefined, source);
    later.release();
    source.emit('SIGINT', 'SIGINT');
    expect(later.signal.aborted).toBe(false);
  });
});
