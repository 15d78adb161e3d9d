/**
 * `wirelens list` on several threads: each worker opens the capture and dissects the frames of one shard (the
 * conversations of core/session/shard.ts) in order, printing its rows into byte batches; the calling thread
 * merges the batches by frame number and writes them. The output equals the one-thread pass (a test compares
 * them on every corpus capture); the speed comes from the machine's second core.
 */
import { Buffer } from 'node:buffer';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CaptureSession } from '../../session/session.js';
import { compileFilter } from '../../dfilter/index.js';
import { registry } from '../../fields/registry.js';
import { globalOrderField } from '../../session/shard.js';
import type { Dissection, ItemSelection } from '../../dissect/types.js';
import type { TimeFormat } from '../../api/time-format.js';
import { OutBuffer, rowText, tsvRow } from './list-rows.js';

export interface ShardJob {
  file: string;
  shard: number;
  shards: number;
  format: 'tsv' | 'text';
  time: TimeFormat;
  filter?: string;
  /** Count the matching rows only. */
  count: boolean;
}

export type ShardMessage =
  /** Rows `nos` (frame numbers, ascending) ending at byte offsets `ends` of `bytes`; every frame of this shard
   *  numbered ≤ `upTo` has been looked at. */
  | { kind: 'rows'; nos: Uint32Array; ends: Uint32Array; bytes: Uint8Array; upTo: number }
  | { kind: 'done'; count: number; warnings: string[] }
  | { kind: 'error'; message: string };

/** A batch is posted after this many rows or bytes, or after this many frames without one. */
const BATCH_ROWS = 4096;
const BATCH_BYTES = 1 << 19;
const BATCH_FRAMES = 65_536;

/** The worker's side: one shard's rows, posted in batches, then a `done` (or an `error`). */
export async function runListShard(job: ShardJob, post: (m: ShardMessage, transfer?: ArrayBuffer[]) => void) {
  try {
    const session = new CaptureSession({ hash: false });
    const info = await session.open(job.file);
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
      const bytes = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + off));
      const n = Uint32Array.from(nos);
      const e = Uint32Array.from(ends);
      post({ kind: 'rows', nos: n, ends: e, bytes, upTo }, [bytes.buffer, n.buffer, e.buffer]);
      buf = Buffer.allocUnsafe(buf.length);
      off = 0;
      nos = [];
      ends = [];
      posted = upTo;
    };
    session.scanShard(job.shard, job.shards, selection, (i, d) => {
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
    post({ kind: 'done', count, warnings: info.warnings });
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * How many threads a one-shot `list` of `file` uses: WIRELENS_THREADS when set (1 turns threads off), else one
 * per core (at most 4) for captures of 128 MB or more. Measured on two cores: a thread costs ~0.25 s to start
 * and two threads dissect ~1.5× as fast as one (1M packets, 422 MB: 10.6 → 7.0 s), so below ~100 MB the
 * threads gain nothing.
 */
export function listThreads(fileBytes: number): number {
  const env = process.env.WIRELENS_THREADS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.max(1, Math.min(16, Number(env)));
  return fileBytes >= 128 << 20 ? Math.min(4, availableParallelism()) : 1;
}

/** Whether a filter's answers are the same when each shard runs it over its own conversations. */
export function shardableFilter(fields: ReadonlySet<number>): boolean {
  for (const id of fields) {
    const f = registry.byIdOf(id);
    if (f && globalOrderField(f.abbrev)) return false;
  }
  return true;
}

interface Queue {
  batches: { nos: Uint32Array; ends: Uint32Array; bytes: Uint8Array }[];
  /** Next row: batch 0's row `row`. */
  row: number;
  upTo: number;
  done: boolean;
}

/**
 * Runs `shards` workers over `job` and writes their rows to `out` in frame order. Returns the number of rows
 * (matching frames) and the capture's warnings; throws the first worker error.
 */
export async function listSharded(
  job: Omit<ShardJob, 'shard' | 'shards'>,
  shards: number,
  out: OutBuffer,
): Promise<{ count: number; warnings: string[] }> {
  const queues: Queue[] = Array.from({ length: shards }, () => ({
    batches: [],
    row: 0,
    upTo: 0,
    done: false,
  }));
  let count = 0;
  let warnings: string[] = [];
  const workers: Worker[] = [];

  /** Writes every row that no shard can still precede: runs of one batch's rows at a time. */
  const drain = () => {
    for (;;) {
      let best = -1;
      let bestNo = Infinity;
      for (let s = 0; s < shards; s++) {
        const q = queues[s];
        const b = q.batches[0];
        if (b && b.nos[q.row] < bestNo) {
          bestNo = b.nos[q.row];
          best = s;
        }
      }
      if (best < 0) return;
      // The rows of `best` that come before anything another shard may still print: below its next row, or
      // past what it has looked at (none past a finished shard's end).
      let limit = Infinity;
      for (let s = 0; s < shards; s++) {
        if (s === best) continue;
        const q = queues[s];
        const b = q.batches[0];
        if (b) limit = Math.min(limit, b.nos[q.row]);
        else if (!q.done) limit = Math.min(limit, q.upTo + 1);
      }
      if (bestNo >= limit) return;
      const q = queues[best];
      const b = q.batches[0];
      let end = q.row;
      while (end < b.nos.length && b.nos[end] < limit) end++;
      out.pushBytes(b.bytes.subarray(q.row === 0 ? 0 : b.ends[q.row - 1], b.ends[end - 1]));
      q.row = end;
      if (end === b.nos.length) {
        q.batches.shift();
        q.row = 0;
      }
    }
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let running = shards;
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      for (let shard = 0; shard < shards; shard++) {
        const w = new Worker(new URL('../../../bin/list-shard.mjs', import.meta.url), {
          workerData: { ...job, shard, shards } satisfies ShardJob,
          // As the wirelens command's own thread (bin/wirelens.mjs): dissection's short-lived objects stay young.
          resourceLimits: { maxYoungGenerationSizeMb: 192 },
        });
        workers.push(w);
        const q = queues[shard];
        w.on('message', (m: ShardMessage) => {
          if (failed) return;
          if (m.kind === 'error') return fail(new Error(m.message));
          if (m.kind === 'rows') {
            if (m.nos.length) q.batches.push(m);
            q.upTo = m.upTo;
          } else {
            q.done = true;
            count += m.count;
            if (shard === 0) warnings = m.warnings;
            if (--running === 0) {
              drain();
              resolve();
              return;
            }
          }
          drain();
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (!q.done) fail(new Error(`a list thread stopped (exit code ${code})`));
        });
      }
    });
  } finally {
    for (const w of workers) void w.terminate();
  }
  return { count, warnings };
}
