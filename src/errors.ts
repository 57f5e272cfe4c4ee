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

/** A TldrError as data, e.g. on the dev loop's control socket: what `toJSON()` gives and `fromJSON()` takes. */
export interface TldrErrorJSON {
  code: string;
  message: string;
  exitCode: number;
  hint?: string;
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

  toJSON(): TldrErrorJSON {
    return {
      code: this.code,
      message: this.message,
      exitCode: this.exitCode,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details.length ? { details: this.details } : {}),
    };
  }

  /** The error again from its JSON, in the class its exit code belongs to (the cause stays behind). */
  static fromJSON(json: TldrErrorJSON): TldrError {
    const options = { code: json.code, ...(json.hint ? { hint: json.hint } : {}), ...(json.details ? { details: json.details } : {}) };
    switch (json.exitCode) {
      case ExitCode.usage:
        return new ConfigError(json.message, options);
      case ExitCode.environment:
        return new EnvironmentError(json.message, options);
      case ExitCode.service:
        return new ServiceError(json.message, options);
      case ExitCode.interrupted:
        return Object.assign(new InterruptedError(), { message: json.message });
      default:
        return new TldrError(json.message, { ...options, exitCode: isExitCode(json.exitCode) ? json.exitCode : ExitCode.internal });
    }
  }

  /** Anything thrown, as a TldrError: itself, or an internal error (exit 5) with its message. */
  static of(error: unknown): TldrError {
    if (error instanceof TldrError) return error;
    return new TldrError(error instanceof Error ? error.message : String(error), { code: 'internal', exitCode: ExitCode.internal, cause: error });
  }
}

function isExitCode(value: number): value is ExitCode {
  return (Object.values(ExitCode) as number[]).includes(value);
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

/** The `result` fields of a run that ended in an error (the CLI's --json result, an MCP tool result). */
export interface ErrorResult {
  ok: false;
  exitCode: number;
  summary: string;
  error: { code: string; message: string; hint?: string };
}

/**
 * What a `result` says of a thrown error: its first line as the summary, the tldr code and hint;
 * anything else is `unknownCode` (`internal` unless the caller knows better, e.g. a cancelled call). Pure.
 */
export function errorResult(error: unknown, exitCode: number, unknownCode = 'internal'): ErrorResult {
  const known = error instanceof TldrError ? error : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    exitCode,
    summary: message.split('\n')[0]!,
    error: { code: known?.code ?? unknownCode, message, ...(known?.hint ? { hint: known.hint } : {}) },
  };
}
