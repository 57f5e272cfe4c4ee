import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CONTINUATION, MAX_LINE_BYTES } from './line-splitter.js';

const LF = 0x0a;
const CHUNK = 64 * 1024;

/** The last `n` lines of a text (all of them when `n` is undefined). Pure. */
export function lastLines(text: string, n: number | undefined): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return n === undefined ? lines : n <= 0 ? [] : lines.slice(-n);
}

/**
 * The last `n` lines of a file (all when undefined; none when it is missing), read backwards in
 * 64 KiB chunks until enough newlines were seen: the cost follows what is returned, not the
 * file. A line longer than `maxLineBytes` comes back as its last `maxLineBytes`, marked with
 * CONTINUATION. Lines are decoded whole, so no character is cut at a chunk boundary.
 */
export function readLastLines(path: string, n?: number, maxLineBytes = MAX_LINE_BYTES): string[] {
  if (n !== undefined && n <= 0) return [];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return [];
  }
  try {
    return backwards(fd, n ?? Infinity, maxLineBytes);
  } finally {
    closeSync(fd);
  }
}

function backwards(fd: number, want: number, maxLineBytes: number): string[] {
  const size = fstatSync(fd).size;
  if (size === 0) return [];
  const chunk = Buffer.allocUnsafe(CHUNK);
  const found: string[] = [];
  // The line being assembled, from its end backwards: at most maxLineBytes of it are kept.
  let parts: Buffer[] = [];
  let kept = 0;
  let cut = false;
  const prepend = (bytes: Buffer) => {
    if (cut || bytes.length === 0) return;
    const room = maxLineBytes - kept;
    if (bytes.length > room) {
      bytes = bytes.subarray(bytes.length - room);
      cut = true;
    }
    parts.unshift(Buffer.from(bytes));
    kept += bytes.length;
  };
  const finishLine = () => {
    let bytes = Buffer.concat(parts);
    if (cut) {
      let start = 0;
      while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++;
      bytes = bytes.subarray(start);
    }
    found.push(cut ? `${CONTINUATION}${bytes.toString('utf8')}` : bytes.toString('utf8'));
    parts = [];
    kept = 0;
    cut = false;
  };
  let position = size;
  let skipFinalNewline = true;
  while (position > 0 && found.length < want) {
    const length = Math.min(CHUNK, position);
    position -= length;
    readSync(fd, chunk, 0, length, position);
    let end = length;
    // A newline that ends the file ends the last line; it does not start an empty one.
    if (skipFinalNewline && chunk[end - 1] === LF) end--;
    skipFinalNewline = false;
    while (end > 0 && found.length < want) {
      const newline = chunk.lastIndexOf(LF, end - 1);
      if (newline < 0) {
        prepend(chunk.subarray(0, end));
        break;
      }
      prepend(chunk.subarray(newline + 1, end));
      finishLine();
      end = newline;
    }
  }
  if (position === 0 && found.length < want) finishLine();
  return found.reverse();
}

/** What `readFromOffset` read: whole lines, and the byte offset to read from next time. */
export interface LogSlice {
  lines: string[];
  /** The file's size when read: the next read starts here. */
  end: number;
  /** Bytes between the requested offset and what was read that were skipped (over `maxBytes`). */
  skipped: number;
}

/**
 * The lines of a file from byte `since` to its end, at most the last `maxBytes` of them (a
 * partial first line is dropped then). An offset past the end means the file was rotated since:
 * it is read from its start. Lines over `maxLineBytes` are cut to their start, marked with CONTINUATION.
 */
export function readFromOffset(path: string, since: number, maxBytes: number, maxLineBytes = MAX_LINE_BYTES): LogSlice {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return { lines: [], end: 0, skipped: 0 };
  }
  try {
    const size = fstatSync(fd).size;
    const from = since > size ? 0 : since;
    const start = Math.max(from, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    let text = buffer.subarray(0, read).toString('utf8');
    if (start > from) text = text.slice(text.indexOf('\n') + 1);
    const lines = lastLines(text, undefined).map((l) => (Buffer.byteLength(l) > maxLineBytes ? `${l.slice(0, maxLineBytes)} ${CONTINUATION.trim()}` : l));
    return { lines, end: start + read, skipped: start - from };
  } finally {
    closeSync(fd);
  }
}
