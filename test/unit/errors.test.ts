import { describe, expect, it } from 'vitest';
import { ConfigError, EnvironmentError, ExitCode, exitCodeOf, InterruptedError, notImplemented, ServiceError, TldrError } from '../../src/errors.js';

describe('exit codes', () => {
  it('maps each error class to its exit code', () => {
    expect(exitCodeOf(new ConfigError('bad'))).toBe(2);
    expect(exitCodeOf(new EnvironmentError('no docker'))).toBe(3);
    expect(exitCodeOf(new ServiceError('postgres died'))).toBe(4);
    expect(exitCodeOf(new InterruptedError())).toBe(130);
    expect(exitCodeOf(notImplemented('x'))).toBe(2);
    expect(exitCodeOf(new Error('bug'))).toBe(ExitCode.internal);
    expect(exitCodeOf('a string')).toBe(5);
  });
  it('keeps code, hint and cause', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new EnvironmentError('no daemon', { code: 'docker-unreachable', hint: 'start docker', cause });
    expect(error).toBeInstanceOf(TldrError);
    expect(error).toMatchObject({ code: 'docker-unreachable', hint: 'start docker', cause, exitCode: 3, name: 'EnvironmentError' });
  });
});
