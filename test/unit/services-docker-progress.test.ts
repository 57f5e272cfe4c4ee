import { describe, expect, it } from 'vitest';
import { demuxFrames, frameLines } from '../../src/services/docker/logs.js';
import { formatPull, pullSnapshot, reducePull, type LayerProgress, type PullEvent } from '../../src/services/docker/pull-progress.js';

describe('image pull progress', () => {
  it('counts layers and bytes from the Engine progress stream', () => {
    const events: PullEvent[] = [
      { status: 'Pulling from library/redis', id: '7' },
      { status: 'Already exists', id: 'a' },
      { status: 'Pulling fs layer', id: 'b' },
      { status: 'Waiting', id: 'c' },
      { status: 'Downloading', id: 'b', progressDetail: { current: 500, total: 2000 } },
      { status: 'Downloading', id: 'c', progressDetail: { current: 10, total: 1000 } },
      { status: 'Download complete', id: 'b' },
      { status: 'Extracting', id: 'b', progressDetail: { current: 100, total: 2000 } },
      { status: 'Pull complete', id: 'b' },
      { status: 'Digest: sha256:abc' },
    ];
    let layers: Record<string, LayerProgress> = {};
    for (const e of events) layers = reducePull(layers, e);
    const s = pullSnapshot('redis', 'redis:7', layers);
    expect(s).toEqual({ service: 'redis', image: 'redis:7', layersDone: 2, layersTotal: 3, bytesDone: 2010, bytesTotal: 3000, done: false });
    expect(formatPull(s)).toBe('pulling redis:7  2/3 layers  2.0 kB / 2.9 kB');
  });
});

describe('docker log demultiplexing', () => {
  const frame = (type: number, text: string) => {
    const body = Buffer.from(text);
    const header = Buffer.alloc(8);
    header[0] = type;
    header.writeUInt32BE(body.length, 4);
    return Buffer.concat([header, body]);
  };

  it('splits stdout and stderr frames into lines (a line may span frames)', () => {
    const buf = Buffer.concat([frame(1, 'ready to '), frame(2, 'LOG: a\nLOG: b\n'), frame(1, 'accept\n')]);
    expect(frameLines(demuxFrames(buf))).toEqual([
      { stream: 'stderr', line: 'LOG: a' },
      { stream: 'stderr', line: 'LOG: b' },
      { stream: 'stdout', line: 'ready to accept' },
    ]);
  });

  it('a TTY log (no headers) is plain stdout', () => {
    expect(frameLines(demuxFrames(Buffer.from('hello\nworld')))).toEqual([
      { stream: 'stdout', line: 'hello' },
      { stream: 'stdout', line: 'world' },
    ]);
  });
});
