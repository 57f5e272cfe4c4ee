import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const MAX_BYTES = 1024 * 1024;

/**
 * The server's own lines (start, each call, errors): to stderr — stdout is the protocol's — and
 * to `.tldr/logs/mcp.log`, private, rotated to `mcp.log.1` past 1 MB. Lines are redacted by the caller.
 */
export class Diagnostics {
  constructor(
    private readonly file: string | undefined,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {
    if (file) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  }

  line(text: string): void {
    const line = `${new Date().toISOString()} ${text.replace(/\n/g, '\n  ')}\n`;
    this.stderr.write(`tldr mcp: ${text}\n`);
    if (!this.file) return;
    try {
      if ((statSync(this.file, { throwIfNoEntry: false })?.size ?? 0) > MAX_BYTES) renameSync(this.file, `${this.file}.1`);
      appendFileSync(this.file, line, { mode: 0o600 });
    } catch {
      // a read-only checkout: stderr still has it
    }
  }
}
