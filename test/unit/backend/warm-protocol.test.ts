import { describe, expect, it } from 'vitest';
import { encodeMessage, FrameReader, MAX_OUTPUT_FRAME } from '../../../src/backend/warm-protocol.js';

const output = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(5);
  header.writeUInt8(stream, 0);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
};

describe('the warm server frames', () => {
  it('a message and output frames come back whole, however the bytes are cut', () => {
    const bytes = Buffer.concat([
      encodeMessage({ type: 'started', pid: 7 }),
      output(1, 'héllo\n'),
      output(2, 'warn'),
      encodeMessage({ type: 'exit', code: 0 }),
    ]);
    for (const size of [1, 3, 7, bytes.length]) {
      const reader = new FrameReader();
      const frames = [];
      for (let i = 0; i < bytes.length; i += size) frames.push(...reader.push(bytes.subarray(i, i + size)));
      expect(frames.map((f) => (f.stream === 0 ? f.message : { stream: f.stream, text: f.data.toString() }))).toEqual([
        { type: 'started', pid: 7 },
        { stream: 1, text: 'héllo\n' },
        { stream: 2, text: 'warn' },
        { type: 'exit', code: 0 },
      ]);
    }
  });

  it('refuses what the server never sends: an unknown stream, an output frame over 64 KiB, a message that is not an object', () => {
    const header = (stream: number, length: number) => {
      const h = Buffer.alloc(5);
      h.writeUInt8(stream, 0);
      h.writeUInt32BE(length, 1);
      return h;
    };
    expect(() => new FrameReader().push(header(3, 0))).toThrow('unknown stream 3');
    expect(() => new FrameReader().push(header(1, MAX_OUTPUT_FRAME + 1))).toThrow(/too long/);
    expect(() => new FrameReader().push(Buffer.concat([header(0, 2), Buffer.from('[]')]))).toThrow(/not a JSON object/);
  });
});
