// The fork server's frames (src/python/README.md § tldr_forkserver): 1 byte stream, 4 bytes
// big-endian length, payload. Stream 0 is one JSON object, 1 and 2 the child's stdout and stderr.

const HEADER = 5;
/** Largest stream-0 payload the server sends (and accepts). */
export const MAX_MESSAGE_BYTES = 1 << 20;
/** Largest output frame the server sends; anything longer is a protocol error. */
export const MAX_OUTPUT_FRAME = 64 * 1024;

export type Frame = { stream: 0; message: Record<string, unknown> } | { stream: 1 | 2; data: Buffer };

export function encodeMessage(message: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(message));
  const header = Buffer.alloc(HEADER);
  header.writeUInt8(0, 0);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

/** Turns socket chunks into frames; memory stays bounded by the largest frame allowed. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    while (this.pending.length >= HEADER) {
      const stream = this.pending.readUInt8(0);
      const length = this.pending.readUInt32BE(1);
      if (stream > 2) throw new Error(`unknown stream ${stream}`);
      if (length > (stream === 0 ? MAX_MESSAGE_BYTES : MAX_OUTPUT_FRAME)) throw new Error(`a frame of ${length} bytes on stream ${stream} (too long)`);
      if (this.pending.length < HEADER + length) break;
      const payload = this.pending.subarray(HEADER, HEADER + length);
      this.pending = this.pending.subarray(HEADER + length);
      if (stream === 0) frames.push({ stream: 0, message: parseMessage(payload) });
      else frames.push({ stream: stream as 1 | 2, data: Buffer.from(payload) });
    }
    return frames;
  }
}

function parseMessage(payload: Buffer): Record<string, unknown> {
  const value: unknown = JSON.parse(payload.toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('a message that is not a JSON object');
  return value as Record<string, unknown>;
}
