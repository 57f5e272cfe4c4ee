/**
 * The last lines of a child's output, bounded by count and by size whatever the child prints:
 * what error messages, `result.data.tail` and `tldr logs` over the control socket show.
 */
export class TailBuffer {
  private readonly kept: string[] = [];
  private chars = 0;

  constructor(
    readonly maxLines: number,
    /** Lines are dropped from the front past this many characters (the newest line always stays). */
    readonly maxChars = Number.POSITIVE_INFINITY,
  ) {}

  push(line: string): void {
    this.kept.push(line);
    this.chars += line.length;
    while (this.kept.length > this.maxLines || (this.chars > this.maxChars && this.kept.length > 1)) this.chars -= this.kept.shift()!.length;
  }

  /** The last `n` lines kept (all of them by default), oldest first. */
  lines(n = this.maxLines): string[] {
    return n <= 0 ? [] : this.kept.slice(-n);
  }

  get length(): number {
    return this.kept.length;
  }
}
