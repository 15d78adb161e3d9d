/**
 * `wirelens list` on several threads (core/cli/shards.ts): each worker prints the rows of its shard's frames
 * into byte batches, which are written in frame order. The output equals the one-thread pass (tests compare
 * them on the corpus and on generated captures).
 */
import { Buffer } from 'node:buffer';
import { compileFilter } from '../../dfilter/index.js';
import type { Dissection, ItemSelection } from '../../dissect/types.js';
import type { TimeFormat } from '../../api/time-format.js';
import {
  shardWorker,
  framesNow,
  runShards,
  type ShardBatch,
  type ShardJobBase,
  type ShardReply,
} from '../shards.js';
import { OutBuffer, rowText, tsvRow } from './list-rows.js';

export interface ListShardJob extends ShardJobBase {
  kind: 'list';
  file: string;
  format: 'tsv' | 'text';
  time: TimeFormat;
  filter?: string;
  /** Count the matching rows only. */
  count: boolean;
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

/** The worker's side: one shard's rows, posted in batches, then `done` (or an `error`). */
export async function runListShard(
  job: ListShardJob,
  postNow: (m: ShardReply<RowBatch>, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  return shardWorker(job, postNow, (session, post) => {
    let match: ((d: Dissection) => boolean) | undefined;
    let selection: ItemSelection = 'columns';
    if (job.filter !== undefined) {
      const c = compileFilter(job.filter);
      if (!c.ok) throw new Error(c.error.message);
      match = c.filter.match.bind(c.filter);
      selection = c.filter.needsAll ? 'all' : c.filter.fields;
    }
    let count = 0;
    let buf = Buffer.allocUnsafe(BATCH_BYTES + (1 << 16));
    let off = 0;
    let nos: number[] = [];
    let ends: number[] = [];
    let posted = 0;
    const flush = (upTo: number) => {
      const batch: RowBatch = {
        nos: Uint32Array.from(nos),
        ends: Uint32Array.from(ends),
        bytes: new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + off)),
        upTo,
      };
      post({ kind: 'batch', batch }, [
        batch.bytes.buffer,
        batch.nos.buffer,
        batch.ends.buffer,
      ] as ArrayBuffer[]);
      off = 0;
      nos = [];
      ends = [];
      posted = upTo;
    };
    session.scanShard(job, selection, true, (i, d) => {
      if (match && !match(d)) {
        if (i + 1 - posted >= BATCH_FRAMES) flush(i + 1);
        return;
      }
      count++;
      if (job.count) return;
      const r = session.toRowColumns(d);
      const line = job.format === 'tsv' ? tsvRow(r) : rowText(r, job.time);
      if (off + 3 * line.length > buf.length) {
        flush(i);
        if (3 * line.length > buf.length) buf = Buffer.allocUnsafe(3 * line.length);
      }
      off += buf.write(line, off);
      nos.push(i + 1);
      ends.push(off);
      if (nos.length >= BATCH_ROWS || off >= BATCH_BYTES || i + 1 - posted >= BATCH_FRAMES) flush(i + 1);
    });
    flush(Number.MAX_SAFE_INTEGER);
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
  const frames = await framesNow(job.file);
  const jobs = Array.from({ length: shards }, (_, shard): ListShardJob => ({
    ...job,
    kind: 'list',
    shard,
    shards,
    frames,
  }));
  return runShards<ListShardJob, RowBatch>(jobs, (b, from, to, consumed) => {
    out.pushBytes(b.bytes.subarray(from === 0 ? 0 : b.ends[from - 1], b.ends[to - 1]));
    // Written out (a write to a pipe waits for the reader, so the workers wait with it).
    consumed?.();
  });
}
