/**
 * Address pairs (by pairHash, core/session/shard.ts) the fast lane gave up on, as a bit per bucket of 128
 * hashes: looked up for every frame, without hashing a number. Pairs sharing a bucket are given up together —
 * each still whole, as the engine must have them.
 */
export class PairSet {
  readonly bits = new Int32Array(1 << 20);
  size = 0;

  has(h: number): boolean {
    const b = h >>> 7;
    return (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  add(h: number): void {
    if (this.has(h)) return;
    const b = h >>> 7;
    this.bits[b >>> 5] |= 1 << (b & 31);
    this.size++;
  }

  /** Adds the buckets of another set (its `bits`). */
  addAll(bits: Int32Array): void {
    for (let k = 0; k < bits.length; k++) {
      const fresh = bits[k] & ~this.bits[k];
      if (!fresh) continue;
      this.bits[k] |= fresh;
      for (let x = fresh; x; x &= x - 1) this.size++;
    }
  }
}
