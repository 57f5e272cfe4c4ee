import type { Readable } from 'node:stream';

/** Longest line kept whole; a longer one is cut into pieces of at most this many bytes. */
export const MAX_LINE_BYTES = 64 * 1024;
/** Starts every piece of a cut line after the first, so a reader can tell (and join) them. */
export const CONTINUATION = '[...] ';

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines (\n, \r\n or a lone \r, as readline does) with memory bounded
 * by `maxBytes` whatever the input: a longer line becomes pieces, each after the first starting
 * with CONTINUATION. Works on bytes and cuts only between characters, so a UTF-8 character split
 * across chunks (or at a cut) arrives whole.
 */
export class LineSplitter {
  private readonly buffer: Buffer;
  private size = 0;
  private continued = false;
  private skipLF = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(maxBytes);
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.skipLF) {
      this.skipLF = false;
      if (chunk[0] === LF) start = 1;
    }
    let lf = chunk.indexOf(LF, start);
    let cr = chunk.indexOf(CR, start);
    while (lf >= 0 || cr >= 0) {
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      this.append(chunk.subarray(start, end));
      this.emit(true);
      start = end + 1;
      if (end === cr) {
        if (start === chunk.length) this.skipLF = true;
        else if (chunk[start] === LF) start++;
      }
      if (lf >= 0 && lf < start) lf = chunk.indexOf(LF, start);
      if (cr >= 0 && cr < start) cr = chunk.indexOf(CR, start);
    }
    this.append(chunk.subarray(start));
  }

  /** The last line, when the input ended without a newline. */
  end(): void {
    if (this.size > 0) this.emit(true);
    this.continued = false;
    this.skipLF = false;
  }

  private append(bytes: Buffer): void {
    let rest = bytes;
    while (rest.length > this.maxBytes - this.size) {
      const room = this.maxBytes - this.size;
      rest.copy(this.buffer, this.size, 0, room);
      this.size = this.maxBytes;
      rest = rest.subarray(room);
      // Full, and the line goes on: emit what is complete, carry a split character over.
      const carry = incompleteTail(this.buffer, this.size);
      const keep = this.size - carry;
      this.size = keep;
      this.emit(false);
      this.buffer.copy(this.buffer, 0, keep, keep + carry);
      this.size = carry;
    }
    rest.copy(this.buffer, this.size);
    this.size += rest.length;
  }

  private emit(lineEnds: boolean): void {
    const text = this.buffer.toString('utf8', 0, this.size);
    this.size = 0;
    this.onLine(this.continued ? `${CONTINUATION}${text}` : text);
    this.continued = !lineEnds;
  }
}

/** How many bytes at the end of `buffer[0, size)` begin a UTF-8 character that is not complete yet. */
export function incompleteTail(buffer: Buffer, size: number): number {
  let i = size - 1;
  while (i >= 0 && size - i < 4 && (buffer[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return 0;
  const lead = buffer[i]!;
  const length = lead >= 0xf0 && lead < 0xf8 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return size - i < length ? size - i : 0;
}

/** Feeds a readable stream through a LineSplitter; resolves once it ended (the last partial line delivered). */
export function splitLines(source: Readable, onLine: (line: string) => void, maxBytes = MAX_LINE_BYTES): Promise<void> {
  const splitter = new LineSplitter(onLine, maxBytes);
  source.on('data', (chunk: Buffer | string) => splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  return new Promise((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      splitter.end();
      resolve();
    };
    source.once('end', finish);
    source.once('close', finish);
    source.once('error', finish);
  });
}
