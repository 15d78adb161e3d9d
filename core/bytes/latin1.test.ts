import { describe, expect, it } from 'vitest';
import { ByteView, latin1 } from './byteview.js';

const chars = (b: Uint8Array) => Array.from(b, (x) => String.fromCharCode(x)).join('');

describe('latin1', () => {
  const all = Uint8Array.from({ length: 512 }, (_, i) => i & 255);
  const ranges = [
    [0, 0],
    [3, 9],
    [5, 12],
    [100, 356],
    [0, 490],
  ];

  it('reads every byte value as its character, from any view of any length', () => {
    for (const [from, to] of ranges) {
      const want = chars(all.subarray(from, to));
      expect(latin1(all.subarray(from, to))).toBe(want);
      // (A view into the middle of a larger buffer, as a frame's bytes are.)
      expect(latin1(new Uint8Array(all.buffer, from, to - from))).toBe(want);
    }
  });

  it("reads a ByteView's ranges, the view itself inside a larger buffer", () => {
    const v = new ByteView(all.subarray(7), 5, 495);
    for (const [from, to] of ranges)
      expect(v.latin1(from, to - from)).toBe(chars(all.subarray(12 + from, 12 + to)));
  });
});
