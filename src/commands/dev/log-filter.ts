import { usageError } from '../../errors.js';
import { TailBuffer } from '../../process/tail-buffer.js';

// A group with a quantifier inside and one after it — `(a+)+`, `(x*y)*`, `(a|a?){9}` — can take
// exponential time on one long line: a filter an agent sends must not stall the server.
const NESTED_QUANTIFIER = /\([^()]*[+*?}][^()]*\)\s*[+*{]/;

/** `--grep`: a case-insensitive regular expression; a bad one (or one that could run for ever) is a usage error naming the fix. */
export function grepFilter(pattern: string | undefined): (line: string) => boolean {
  if (pattern === undefined) return () => true;
  if (NESTED_QUANTIFIER.test(pattern))
    throw usageError(
      `--grep ${JSON.stringify(pattern)} repeats a group that itself repeats (it can take exponential time)`,
      'drop the outer quantifier, e.g. --grep "(ab)+" → --grep "ab"',
    );
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'i');
  } catch (error) {
    throw usageError(
      `--grep ${JSON.stringify(pattern)} is not a regular expression: ${(error as Error).message}`,
      'escape special characters, e.g. --grep "error\\\\("',
    );
  }
  return (line) => regex.test(line);
}

const TEXT_LINES = 200;
const TEXT_CHARS = 8 * 1024;
const LINE_CHARS = 2000;

/** The lines a `logs` result carries for callers without a terminal: the newest, bounded by count and size. */
export class LogText {
  private readonly kept = new TailBuffer(TEXT_LINES, TEXT_CHARS);
  private count = 0;

  push(line: string): void {
    this.count++;
    this.kept.push(line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)} [...]` : line);
  }

  /** `text` and `omitted` of the result. */
  get data(): { text: string[]; omitted: number } {
    return { text: this.kept.lines(), omitted: this.count - this.kept.length };
  }
}
