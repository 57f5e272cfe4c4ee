import { Writable } from 'node:stream';

/** A terminal, file or pipe tldr writes to: a stream plus what a TTY says about itself. */
export type TextStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

// SGR sequences only (colour, bold, dim): cursor movement of a live display is left alone.
const sgr = /\u001b\[[0-9;]*m/g;

/** Removes colour codes from a text. Pure. */
export function stripColor(text: string): string {
  return text.replace(sgr, '');
}

/**
 * A stream in front of stdout or stderr through which everything tldr prints passes: each chunk
 * is redacted (`redact`) and, when this stream gets no colour, stripped of colour codes that
 * code elsewhere (listr2 decides colour from stdout alone) put in. Writes reach the target
 * synchronously, in order. `isTTY`, `columns` and `rows` are own properties, so copies made with
 * Object.assign (listr2's process output) see the target's.
 */
export class RedactingStream extends Writable {
  declare isTTY?: boolean;
  declare columns?: number;
  declare rows?: number;

  constructor(
    readonly target: TextStream,
    private readonly redact: (text: string) => string,
    readonly color: boolean,
  ) {
    super({ decodeStrings: false });
    for (const key of ['isTTY', 'columns', 'rows'] as const) {
      Object.defineProperty(this, key, { enumerable: true, configurable: true, get: () => target[key] });
    }
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = this.redact(typeof chunk === 'string' ? chunk : String(chunk));
    this.target.write(this.color ? text : stripColor(text));
    done();
  }
}
