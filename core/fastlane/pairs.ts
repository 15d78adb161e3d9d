/**
 * Address pairs (by pairHash, core/session/shard.ts) the fast lane gave up on, as a bit per bucket of 128
 * hashes: looked up for every frame, without hashing a number. Pairs sharing a bucket are given up together —
 * each still whole, as the engine must have them.
 */
export class PairSet {
  readonly bits = new Int32Array(1 << 20);
  /** The buckets set, in the order they were (few: what another thread sends of its set). */
  readonly buckets: number[] = [];

  /** How many buckets are set. */
  get size(): number {
    return this.buckets.length;
  }

  has(h: number): boolean {
    const b = h >>> 7;
    return (this.bits[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  add(h: number): void {
    this.addBucket(h >>> 7);
  }

  /** Adds the buckets of another set (its `buckets`). */
  addAll(buckets: readonly number[]): void {
    for (const b of buckets) this.addBucket(b);
  }

  private addBucket(b: number): void {
    const bit = 1 << (b & 31);
    if (this.bits[b >>> 5] & bit) return;
    this.bits[b >>> 5] |= bit;
    this.buckets.push(b);
  }
}
