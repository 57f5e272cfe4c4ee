import { describe, expect, it } from 'vitest';
import { TailBuffer } from '../../../src/process/tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps the last lines, oldest first', () => {
    const tail = new TailBuffer(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) tail.push(line);
    expect(tail.lines()).toEqual(['c', 'd', 'e']);
    expect(tail.lines(2)).toEqual(['d', 'e']);
    expect(tail.lines(0)).toEqual([]);
    expect(tail.length).toBe(3);
  });

  it('is bounded by size too, but always keeps the newest line', () => {
    const tail = new TailBuffer(100, 10);
    tail.push('12345');
    tail.push('67890');
    tail.push('x');
    expect(tail.lines()).toEqual(['67890', 'x']);
    tail.push('a line far longer than ten characters');
    expect(tail.lines()).toEqual(['a line far longer than ten characters']);
  });
});
