import { describe, expect, it } from 'vitest';
import { latin1 } from './byteview.js';

describe('latin1', () => {
  it('reads every byte value as its character, from any view of any length', () => {
    const all = Uint8Array.from({ length: 512 }, (_, i) => i & 255);
    for (const [from, to] of [
      [0, 0],
      [3, 9],
      [5, 12],
      [100, 356],
      [0, 512],
    ]) {
      const want = Array.from(all.subarray(from, to), (x) => String.fromCharCode(x)).join('');
      expect(latin1(all.subarray(from, to))).toBe(want);
      // (A view into the middle of a larger buffer, as a frame's bytes are.)
      expect(latin1(new Uint8Array(all.buffer, from, to - from))).toBe(want);
    }
  });
});
