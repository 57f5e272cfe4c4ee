import type { OutputProgress, TldrEvent } from '../index.js';

/** Sends one `notifications/progress` (the request's progress token is filled in by the caller). */
export type SendProgress = (progress: { progress: number; total?: number; message: string }) => void;

const THROTTLE_MS = 100;

/**
 * Turns what a command reports — services starting, steps, findings, tests done of total — into
 * MCP progress notifications, so clients that reset their timeout on progress keep waiting.
 * `progress` must grow with every notification: it counts them, and `total` is set so that it
 * ends where the command's own count (tests) ends. Test progress is sent at most every 100 ms
 * (and always the last one). Pure but for `send` and `now`.
 */
export class ProgressRelay {
  private sent = 0;
  private lastAt = -Infinity;

  constructor(
    private readonly send: SendProgress,
    private readonly now: () => number = Date.now,
  ) {}

  event(event: TldrEvent): void {
    const message = describe(event);
    if (message !== undefined) this.notify(message);
  }

  progress(progress: OutputProgress): void {
    const last = progress.total !== undefined && progress.done >= progress.total;
    if (!last && progress.done > 0 && this.now() - this.lastAt < THROTTLE_MS) return;
    this.notify(progress.message, progress.total === undefined ? undefined : progress.total - progress.done);
  }

  private notify(message: string, remaining?: number): void {
    this.sent++;
    this.lastAt = this.now();
    this.send({ progress: this.sent, ...(remaining !== undefined ? { total: this.sent + remaining } : {}), message });
  }
}

function describe(event: TldrEvent): string | undefined {
  switch (event.type) {
    case 'service':
      return `${event.name} ${event.state}${event.message ? `: ${event.message}` : ''}`;
    case 'step.start':
      return event.title;
    case 'step.end':
      return `${event.step} ${event.status}${event.message ? `: ${event.message}` : ''}`;
    case 'finding':
      return `${event.severity} ${event.code}${event.migration ? ` in ${event.app}.${event.migration}` : ''}`;
    default:
      return undefined;
  }
}
