/**
 * `wirelens list` on several threads (core/cli/shards.ts): each worker prints the rows of its shard's frames
 * into byte batches, which are written in frame order. The output equals the one-thread pass (tests compare
 * them on the corpus and on generated captures).
 */
import { Buffer } from 'node:buffer';
import { compileFilter, type CompiledFilter } from '../../dfilter/index.js';
import type { ItemSelection } from '../../dissect/types.js';
import type { TimeFormat } from '../../api/time-format.js';
import {
  shardWorker,
  runShardsCounting,
  type ShardBatch,
  type ShardJobBase,
  type ShardReply,
} from '../shards.js';
import { OutBuffer, rowText, tsvRow } from './list-rows.js';
import { laneRows, NO_ROWS } from './list-fast.js';
import type { RowSink } from '../../fastlane/rowstore.js';

export interface ListShardJob extends ShardJobBase {
  kind: 'list';
  file: string;
  format: 'tsv' | 'text';
  time: TimeFormat;
  filter?: string;
  /** Count the matching rows only. */
  count: boolean;
  /** All rows (no filter) through the fast lane (list-fast.ts). */
  lane?: boolean;
}

/** Rows `nos` ending at byte offsets `ends` of `bytes` (UTF-8). */
interface RowBatch extends ShardBatch {
  ends: Uint32Array;
  bytes: Uint8Array;
}

/** A batch is posted after this many rows or bytes, or after this many frames without one. */
const BATCH_ROWS = 4096;
const BATCH_BYTES = 1 << 19;
const BATCH_FRAMES = 65_536;

/** A shard's rows gathered into batches of UTF-8 bytes and posted (flow-controlled by `post`). */
class RowBatcher implements RowSink {
  private buf = Buffer.allocUnsafe(BATCH_BYTES + (1 << 16));
  private off = 0;
  private nos: number[] = [];
  private ends: number[] = [];
  private posted = 0;

  constructor(private readonly post: (m: ShardReply<RowBatch>, transfer?: ArrayBuffer[]) => void) {}

  /** Posts what is gathered; every frame of the shard below index `upTo` has been seen. */
  flush(upTo: number): void {
    const batch: RowBatch = {
      nos: Uint32Array.from(this.nos),
      ends: Uint32Array.from(this.ends),
      bytes: new Uint8Array(this.buf.buffer.slice(this.buf.byteOffset, this.buf.byteOffset + this.off)),
      upTo,
    };
    this.post({ kind: 'batch', batch }, [
      batch.bytes.buffer,
      batch.nos.buffer,
      batch.ends.buffer,
    ] as ArrayBuffer[]);
    this.off = 0;
    this.nos = [];
    this.ends = [];
    this.posted = upTo;
  }

  /** Frame i seen without a row: a batch goes out after many such frames (the merge waits for it). */
  skip(i: number): void {
    if (i + 1 - this.posted >= BATCH_FRAMES) this.flush(i + 1);
  }

  private room(i: number, bytes: number): void {
    if (this.off + bytes > this.buf.length) {
      this.flush(i);
      if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
    }
  }

  private added(i: number): void {
    this.nos.push(i + 1);
    this.ends.push(this.off);
    if (this.nos.length >= BATCH_ROWS || this.off >= BATCH_BYTES || i + 1 - this.posted >= BATCH_FRAMES)
      this.flush(i + 1);
  }

  text(i: number, line: string): void {
    this.room(i, 3 * line.length);
    this.off += this.buf.write(line, this.off);
    this.added(i);
  }

  bytes(i: number, chunk: Buffer, start: number, end: number): void {
    this.room(i, end - start);
    this.off += chunk.copy(this.buf, this.off, start, end);
    this.added(i);
  }
}

/** The worker's side: one shard's rows, posted in batches, then `done` (or an `error`). */
export async function runListShard(
  job: ListShardJob,
  postNow: (m: ShardReply<RowBatch>, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  return shardWorker(job, postNow, async (session, post, info) => {
    const rows = new RowBatcher(post);
    let filter: CompiledFilter | undefined;
    if (job.filter !== undefined) {
      const c = compileFilter(job.filter);
      if (!c.ok) throw new Error(c.error.message);
      filter = c.filter;
    }
    if (job.lane) {
      const listing = { format: job.format, time: job.time, filter, part: job };
      const r = await laneRows(session, info, listing, job.count ? NO_ROWS : rows);
      rows.flush(Number.MAX_SAFE_INTEGER);
      return r.lane + r.engine;
    }
    const match = filter ? filter.match.bind(filter) : undefined;
    const selection: ItemSelection = filter ? (filter.needsAll ? 'all' : filter.fields) : 'columns';
    let count = 0;
    session.scanShard(job, selection, true, (i, d) => {
      if (match && !match(d)) return rows.skip(i);
      count++;
      if (job.count) return;
      const r = session.toRowColumns(d);
      rows.text(i, job.format === 'tsv' ? tsvRow(r) : rowText(r, job.time));
    });
    rows.flush(Number.MAX_SAFE_INTEGER);
    return count;
  });
}

/**
 * Lists `job.file` on `shards` threads, writing the rows to `out` in frame order. Returns the number of rows
 * (matching frames) and the capture's warnings; throws the first worker's error.
 */
export async function listSharded(
  job: Omit<ListShardJob, 'kind' | 'shard' | 'shards' | 'frames'>,
  shards: number,
  out: OutBuffer,
): Promise<{ count: number; warnings: string[] }> {
  const jobs = Array.from({ length: shards }, (_, shard): ListShardJob => ({
    ...job,
    kind: 'list',
    shard,
    shards,
  }));
  return runShardsCounting<ListShardJob, RowBatch>(jobs, (b, from, to, consumed) => {
    out.pushBytes(b.bytes.subarray(from === 0 ? 0 : b.ends[from - 1], b.ends[to - 1]));
    // Written out (a write to a pipe waits for the reader, so the workers wait with it).
    consumed?.();
  });
}
