import { ReadinessProbe, type Clock } from './probe.js';

/** Output lines of the process being probed. */
export interface LineFeed {
  subscribe(listener: (line: string, stream: 'stdout' | 'stderr') => void): () => void;
}

/**
 * Ready once a line matches, on stdout or stderr alike (Celery prints `celery@host ready.` on
 * stderr). It listens from its creation, so create it before the process starts: a line printed
 * at once is not missed. Dispose it to stop listening.
 */
export class LogProbe extends ReadinessProbe {
  readonly description: string;
  private matched = false;
  private readonly off: () => void;

  constructor(
    private readonly pattern: RegExp,
    lines: LineFeed,
    clock?: Clock,
  ) {
    super(clock);
    this.description = `log /${pattern.source}/`;
    this.off = lines.subscribe((line) => {
      if (!this.matched && this.pattern.test(line)) this.matched = true;
    });
  }

  async attempt(): Promise<void> {
    if (!this.matched) throw new Error(`no line matched /${this.pattern.source}/ yet`);
  }

  override [Symbol.dispose](): void {
    this.off();
  }
}
