import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { childExitCode, signalExitCode } from '../../../src/process/exit-status.js';
import { describeExit } from '../../../src/supervisor/restart-policy.js';

describe('a signal becomes 128 + its number (os.constants.signals)', () => {
  it.each([
    ['SIGHUP', 129],
    ['SIGINT', 130],
    ['SIGKILL', 137],
    ['SIGTERM', 143],
  ])('%s → %i', (signal, code) => {
    expect(signalExitCode(signal)).toBe(code);
  });

  it('the signals a crash or a broken pipe brings use the platform numbers, never 129', () => {
    for (const signal of ['SIGSEGV', 'SIGABRT', 'SIGPIPE', 'SIGUSR1', 'SIGBUS', 'SIGQUIT']) {
      expect(signalExitCode(signal)).toBe(128 + (constants.signals as Record<string, number>)[signal]!);
      expect(signalExitCode(signal)).not.toBe(129);
    }
    if (process.platform === 'linux') {
      expect([signalExitCode('SIGSEGV'), signalExitCode('SIGABRT'), signalExitCode('SIGPIPE'), signalExitCode('SIGUSR1')]).toEqual([139, 134, 141, 138]);
    }
  });

  it('an unknown name is 255, not a made-up signal', () => {
    expect(signalExitCode('SIGNOPE')).toBe(255);
  });

  it('a child end: its own code wins; else the signal; else 1', () => {
    expect(childExitCode({ code: 0, signal: null })).toBe(0);
    expect(childExitCode({ code: 7, signal: null })).toBe(7);
    expect(childExitCode({ code: null, signal: 'SIGSEGV' })).toBe(signalExitCode('SIGSEGV'));
    expect(childExitCode({ code: null, signal: null })).toBe(1);
  });

  it("the supervisor's exit description names the signal and the exit status it stands for", () => {
    expect(describeExit({ code: null, signal: 'SIGABRT' })).toBe(`signal SIGABRT (exit status ${signalExitCode('SIGABRT')})`);
    expect(describeExit({ code: 3, signal: null })).toBe('exit code 3');
  });
});
