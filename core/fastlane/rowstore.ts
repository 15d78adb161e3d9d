/**
 * The fast lane's rows as UTF-8, by frame index, in chunks (a row never straddles two): written by the row
 * formatter (core/fastlane/records.ts), on the lane's thread or a second one (core/cli/commands/lane-thread.ts,
 * which hands its store back), and handed in frame order to whoever prints them (core/cli/commands/list-fast.ts).
 */
import { Buffer } from 'node:buffer';
import { resized } from '../bytes/byteview.js';
import { copyBytes } from './tsv.js';

const CHUNK = 4 << 20;

/** Where a pass's rows go, in frame order (frame index i): as UTF-8 bytes [start, end) of `chunk`, or as text. */
export interface RowSink {
  bytes(i: number, chunk: Buffer, start: number, end: number): void;
  text(i: number, line: string): void;
}

/** A store's contents, to hand to another thread (its chunks' buffers transferable). */
export interface RowStoreParts {
  chunks: ArrayBuffer[];
  starts: Float64Array;
  lens: Int32Array;
}

export class RowStore {
  private readonly chunks: Buffer[] = [];
  /** The chunk rows are written into now, from `off` (see room() and stored()). */
  chunk: Buffer;
  off = 0;
  /** Chunk number × CHUNK + offset of each frame's row; its length + 1, or 0 for none (grown as rows come). */
  private starts: Float64Array;
  private lens: Int32Array;

  /** Room for the rows of `frames` frames to begin with; or the store whose `parts` another thread gave. */
  constructor(frames: number, parts?: RowStoreParts) {
    if (parts) {
      for (const c of parts.chunks) this.chunks.push(Buffer.from(c));
      this.starts = parts.starts;
      this.lens = parts.lens;
      // (Its rows are only read: a row written now would start a chunk of its own.)
      this.chunk = this.chunks[this.chunks.length - 1];
      this.off = CHUNK;
      return;
    }
    this.starts = new Float64Array(frames);
    this.lens = new Int32Array(frames);
    this.chunk = RowStore.newChunk(CHUNK);
    this.chunks.push(this.chunk);
  }

  /** The store whose parts another thread gave (see parts()). */
  static of(parts: RowStoreParts): RowStore {
    return new RowStore(0, parts);
  }

  /** Its own memory (not the runtime's shared pool), so that it can be transferred. */
  private static newChunk(bytes: number): Buffer {
    return Buffer.allocUnsafeSlow(bytes);
  }

  /** Stores frame i's row. */
  put(i: number, line: string): void {
    this.room(3 * line.length);
    this.stored(i, this.off + this.chunk.write(line, this.off));
  }

  /** Stores frame i's row, UTF-8 bytes [start, end) of `b`. */
  putBytes(i: number, b: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.stored(i, copyBytes(b, start, end, this.chunk, this.off));
  }

  /**
   * A new chunk when the current one has not `bytes` left from `off` (a longer row gets a chunk of its own): a
   * row of up to `bytes` may then be written at `chunk[off]`, and stored().
   */
  room(bytes: number): void {
    // (Compared with CHUNK, not the chunk's length: a row starts below CHUNK, as `starts` encodes it.)
    if (this.off + bytes <= CHUNK) return;
    this.chunk = RowStore.newChunk(Math.max(CHUNK, bytes));
    this.chunks.push(this.chunk);
    this.off = 0;
  }

  /** Frame i's row was written from `off` up to `end` of the current chunk. */
  stored(i: number, end: number): void {
    if (i >= this.lens.length) {
      const n = Math.max(i + 1, 2 * this.lens.length, 1024);
      this.starts = resized(this.starts, n);
      this.lens = resized(this.lens, n);
    }
    this.starts[i] = (this.chunks.length - 1) * CHUNK + this.off;
    this.lens[i] = end - this.off + 1;
    this.off = end;
  }

  /** Hands the stored rows of frames [from, to) that `keep` keeps to `sink`, in order; returns how many. */
  emit(from: number, to: number, keep: (i: number) => boolean, sink: RowSink): number {
    let rows = 0;
    const end = Math.min(to, this.lens.length);
    for (let i = from; i < end; i++) {
      const n = this.lens[i] - 1;
      if (n < 0 || !keep(i)) continue;
      const at = this.starts[i];
      const c = Math.floor(at / CHUNK);
      const start = at - c * CHUNK;
      sink.bytes(i, this.chunks[c], start, start + n);
      rows++;
    }
    return rows;
  }

  /** The contents, for another thread (this store is not to be used afterwards). */
  parts(): RowStoreParts {
    return { chunks: this.chunks.map((c) => c.buffer as ArrayBuffer), starts: this.starts, lens: this.lens };
  }

  /** Lets go of every chunk once written. */
  clear(): void {
    this.chunks.length = 0;
  }
}
