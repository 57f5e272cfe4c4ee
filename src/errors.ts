/** Exit codes shared by every command (README § Exit codes). */
export const ExitCode = {
  ok: 0,
  no: 1,
  usage: 2,
  environment: 3,
  service: 4,
  internal: 5,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface TldrErrorOptions {
  /** A stable, kebab-case identifier an agent can match on. */
  code: string;
  exitCode: ExitCode;
  /** One sentence that tells the reader how to fix it. */
  hint?: string;
  cause?: unknown;
  /** Extra lines shown under the message (log tails, lists of what was tried). */
  details?: string[];
}

export class TldrError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly details: string[];

  constructor(message: string, options: TldrErrorOptions) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

type SubclassOptions = Omit<TldrErrorOptions, 'exitCode' | 'code'> & { code?: string };

/** Bad flags or a bad config file: exit 2. */
export class ConfigError extends TldrError {
  constructor(message: string, options: SubclassOptions = {}) {
    super(message, { code: 'config-invalid', ...options, exitCode: ExitCode.usage });
  }
}

/** Something missing on the machine: no Docker, no Python, a port taken. Exit 3. */
export class EnvironmentError extends TldrError {
  constructor(message: string, options: SubclassOptions = {}) {
    super(message, { code: 'environment', ...options, exitCode: ExitCode.environment });
  }
}

/** A service or process failed to start, become ready, or died. Exit 4. */
export class ServiceError extends TldrError {
  constructor(message: string, options: SubclassOptions = {}) {
    super(message, { code: 'service-failed', ...options, exitCode: ExitCode.service });
  }
}

/** The user interrupted the run (SIGINT/SIGTERM/SIGHUP). Exit 130. */
export class InterruptedError extends TldrError {
  constructor(signal = 'SIGINT') {
    super(`interrupted by ${signal}`, { code: 'interrupted', exitCode: ExitCode.interrupted });
  }
}

export function usageError(message: string, hint?: string): ConfigError {
  return new ConfigError(message, { code: 'usage', hint });
}

export function notImplemented(command: string): ConfigError {
  return new ConfigError(`tldr ${command}: not implemented yet`, {
    code: 'not-implemented',
    hint: 'See the open issues for when it lands.',
  });
}

/** Maps anything thrown to a process exit code: TldrErrors keep theirs, the rest is internal (5). */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof TldrError ? error.exitCode : ExitCode.internal;
}
