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

describe('TldrError as JSON (the control socket)', () => {
  it('round-trips code, message, hint, details and the class its exit code belongs to', () => {
    for (const error of [
      new ConfigError('bad flag', { code: 'usage', hint: 'see --help' }),
      new EnvironmentError('no docker', { details: ['tried /var/run/docker.sock'] }),
      new ServiceError('web crashed', { code: 'process-crashed', hint: 'full log: x', details: ['last lines'] }),
      new TldrError('odd', { code: 'helper-protocol', exitCode: ExitCode.internal }),
    ]) {
      const back = TldrError.fromJSON(JSON.parse(JSON.stringify(error)));
      expect(back).toBeInstanceOf(error.constructor);
      expect(back.toJSON()).toEqual(error.toJSON());
      expect(back.exitCode).toBe(error.exitCode);
    }
    const interrupted = TldrError.fromJSON(new InterruptedError('SIGTERM').toJSON());
    expect(interrupted).toBeInstanceOf(InterruptedError);
    expect(interrupted.message).toBe('interrupted by SIGTERM');
  });

  it('anything else thrown becomes an internal error (exit 5) with its message', () => {
    expect(TldrError.of(new Error('boom')).toJSON()).toEqual({ code: 'internal', message: 'boom', exitCode: 5 });
    const known = new ServiceError('x');
    expect(TldrError.of(known)).toBe(known);
    expect(TldrError.fromJSON({ code: 'x', message: 'y', exitCode: 42 }).exitCode).toBe(5);
  });
});
