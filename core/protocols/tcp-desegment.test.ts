import { describe, expect, it } from 'vitest';
import { Assemblies, FragHead, fragmentAdd, piecesBytes } from './tcp-desegment.js';

/** Frames 1..n of `size` bytes each, every byte telling its frame and position. */
function frames(n: number, size: number): Uint8Array[] {
  return Array.from({ length: n }, (_, f) => Uint8Array.from({ length: size }, (_, i) => (f * 31 + i) & 255));
}

/** Adds frame `n`'s bytes [0, len) at `off` as the last fragment, then marks the PDU partial (asks for more). */
function grow(fh: FragHead, fr: Uint8Array[], n: number, off: number, len = fr[n - 1].length): boolean {
  const done = fragmentAdd(fh, n, 0, off, len, false, (k) => fr[k - 1]);
  if (done) fh.partial = true;
  return done;
}

describe('reassembly of a PDU that grows a segment at a time', () => {
  it('keeps its bytes and pieces from one reassembly to the next', () => {
    const fr = frames(6, 10);
    const read = (k: number) => fr[k - 1];
    const fh = new FragHead();
    const asm = new Assemblies();
    const keys: object[] = [];
    const views: Uint8Array[] = [];
    for (let n = 1; n <= 6; n++) {
      expect(grow(fh, fr, n, (n - 1) * 10)).toBe(true);
      const { bytes, key } = asm.data(fh, read);
      expect(bytes).toEqual(piecesBytes(fh.pieces, fh.datalen, read));
      expect(bytes).toHaveLength(n * 10);
      keys.push(key);
      views.push(bytes);
    }
    // One key: each reassembly's bytes start with the last one's; the bytes handed out earlier did not change.
    expect(new Set(keys).size).toBe(1);
    views.forEach((v, i) => expect(v).toEqual(piecesBytes(fh.pieces, (i + 1) * 10, read)));
    expect(fh.pieces).toHaveLength(6);
    asm.release(fh);
    expect(fh.asm).toBeUndefined();
  });

  it('starts over when the data changes other than at its end', () => {
    const fr = frames(3, 10);
    const read = (k: number) => fr[k - 1];
    const fh = new FragHead();
    const asm = new Assemblies();
    grow(fh, fr, 1, 0);
    const before = fh.pieces;
    const first = asm.data(fh, read);
    fh.truncate(5);
    const cut = asm.data(fh, read);
    expect(cut.key).not.toBe(first.key);
    expect(cut.bytes).toEqual(fr[0].subarray(0, 5));
    // The bytes and pieces handed out before are what they were.
    expect(first.bytes).toEqual(fr[0]);
    expect(before).toEqual([[1, 0, 10]]);
  });

  it('gives the bytes of PDUs beyond its budget back to the frames', () => {
    const fr = frames(4, 10);
    const read = (k: number) => fr[k - 1];
    const asm = new Assemblies(25);
    const a = new FragHead();
    const b = new FragHead();
    grow(a, fr, 1, 0);
    grow(a, fr, 2, 10);
    asm.data(a, read);
    grow(b, fr, 3, 0);
    grow(b, fr, 4, 10);
    expect(asm.data(b, read).bytes).toEqual(piecesBytes(b.pieces, 20, read));
    // 40 bytes kept would be over 25: the one extended least recently lets go.
    expect(a.asm).toBeUndefined();
    expect(b.asm).toBeDefined();
    grow(a, fr, 3, 20);
    expect(asm.data(a, read).bytes).toEqual(piecesBytes(a.pieces, 30, read));
  });

  it('reassembles fragments that arrive out of order as from scratch', () => {
    const fr = frames(3, 10);
    const read = (k: number) => fr[k - 1];
    const fh = new FragHead();
    // The last fragment first (it sets the length), then the others before it.
    expect(fragmentAdd(fh, 1, 0, 20, 10, false, read)).toBe(false);
    const tail = fh.frags;
    expect(fragmentAdd(fh, 2, 0, 0, 10, true, read)).toBe(false);
    expect(fragmentAdd(fh, 3, 0, 10, 10, true, read)).toBe(true);
    expect(tail.map((x) => x.frame)).toEqual([1]);
    expect(fh.frags.map((x) => x.frame)).toEqual([2, 3, 1]);
    expect(fh.pieces).toEqual([
      [2, 0, 10],
      [3, 0, 10],
      [1, 0, 10],
    ]);
  });
});
