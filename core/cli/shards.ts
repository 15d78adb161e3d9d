/**
 * One-shot commands on several threads: each worker thread (bin/shard-worker.mjs) opens the capture and takes
 * the frames of one shard (the conversations of core/session/shard.ts) in order; its results come back in
 * batches tagged with frame numbers, and `ShardMerge` puts them back into frame order.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { openCapture } from '../capture/index.js';
import { CaptureSession } from '../session/session.js';
import type { CaptureInfo } from '../api/types.js';

/** What every worker message carries: its shard's results for frames `nos`, or the end, or an error. */
export type ShardReply<B> =
  | { kind: 'batch'; batch: B }
  | { kind: 'done'; count: number; warnings: string[] }
  | { kind: 'error'; message: string };

/** What every job carries: its shard, and the counters its batches in flight are kept in (see `flowPost`). */
export interface ShardJobBase {
  shard: number;
  shards: number;
  /** Frames to cover: the count at the start (a capture still being written grows meanwhile). */
  frames?: number;
  /**
   * Instead of `frames`: where the count comes once the merging thread has it (Int32 [state, frames]: state 0
   * while unknown, 1 known, 2 failed), so the workers start meanwhile (see runShardsCounting).
   */
  framesLater?: SharedArrayBuffer;
  /** One Int32 per shard: batches posted and not yet consumed by the merging thread. */
  flow?: SharedArrayBuffer;
}

/**
 * How many frames `file` has now: what every shard covers, so that the shards of a capture still being written
 * agree (and a file that cannot be opened fails here, with the error one thread gives).
 */
export async function framesNow(file: string): Promise<number> {
  const cap = await openCapture(file);
  try {
    return cap.index.count;
  } finally {
    cap.close();
  }
}

/** The frame count the merging thread publishes in `later` (waits for it; throws when it could not count). */
function framesWhenKnown(later: SharedArrayBuffer): number {
  const a = new Int32Array(later);
  while (Atomics.load(a, 0) === 0) Atomics.wait(a, 0, 0, 1000);
  if (Atomics.load(a, 0) !== 1) throw new Error('the capture could not be read');
  return Atomics.load(a, 1);
}

/**
 * runShards with the frame count taken meanwhile: the workers are started first (each loading the program and
 * opening the capture takes as long as counting its frames here) and wait for the count before their pass.
 */
export async function runShardsCounting<J extends ShardJobBase & { file: string }, B extends ShardBatch>(
  jobs: readonly J[],
  emit: ShardEmit<B>,
): Promise<{ count: number; warnings: string[] }> {
  const later = new SharedArrayBuffer(8);
  const state = new Int32Array(later);
  const running = runShards(
    jobs.map((j) => ({ ...j, frames: undefined, framesLater: later })),
    emit,
  );
  // (A worker failing meanwhile is reported when `running` is awaited below.)
  running.catch(() => undefined);
  try {
    Atomics.store(state, 1, await framesNow(jobs[0].file));
    Atomics.store(state, 0, 1);
  } catch (e) {
    Atomics.store(state, 0, 2);
    Atomics.notify(state, 0);
    // The workers fail too (they wait no longer); this thread's error is the one to give.
    await running.catch(() => undefined);
    throw e;
  }
  Atomics.notify(state, 0);
  return running;
}

/**
 * Batches one worker may have in flight: posted but not yet consumed (written out, exported). A worker ahead of
 * the merging thread (output piped to a pager, objects waiting for the disk) waits rather than filling memory.
 */
const IN_FLIGHT = 8;

/** The worker's `post`, waiting before a batch while IN_FLIGHT of its batches are not yet consumed. */
function flowPost<B>(
  job: ShardJobBase,
  post: (m: ShardReply<B>, transfer?: ArrayBuffer[]) => void,
): (m: ShardReply<B>, transfer?: ArrayBuffer[]) => void {
  if (!job.flow) return post;
  const flow = new Int32Array(job.flow);
  const i = job.shard;
  return (m, transfer) => {
    if (m.kind === 'batch') {
      for (let v: number; (v = Atomics.load(flow, i)) >= IN_FLIGHT;) Atomics.wait(flow, i, v, 1000);
      Atomics.add(flow, i, 1);
    }
    post(m, transfer);
  };
}

/**
 * A worker's whole job: opens the capture in a session of its own, runs `pass` (which posts its batches through
 * the `post` it is given, flow-controlled) and reports `done` with the count `pass` returns and the capture's
 * warnings — or an `error` with the message one thread would have given.
 */
export async function shardWorker<B>(
  job: ShardJobBase & { file: string },
  postNow: (m: ShardReply<B>, transfer?: ArrayBuffer[]) => void,
  pass: (
    session: CaptureSession,
    post: (m: ShardReply<B>, transfer?: ArrayBuffer[]) => void,
    info: CaptureInfo,
  ) => number | Promise<number>,
): Promise<void> {
  const post = flowPost(job, postNow);
  try {
    const session = new CaptureSession({ hash: false });
    const info = await session.open(job.file);
    if (job.framesLater) job.frames = framesWhenKnown(job.framesLater);
    post({ kind: 'done', count: await pass(session, post, info), warnings: info.warnings });
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}

/** A batch of results: `nos` (frame numbers, ascending); every frame of the shard numbered ≤ upTo was seen. */
export interface ShardBatch {
  nos: Uint32Array;
  upTo: number;
}

/** The number of threads WIRELENS_THREADS asks for (1 to 16), or undefined when it is not set to a number. */
export function threadsSet(): number | undefined {
  const env = process.env.WIRELENS_THREADS;
  return env !== undefined && /^\d+$/.test(env) ? Math.max(1, Math.min(16, Number(env))) : undefined;
}

/**
 * How many threads a one-shot pass over capture `file` uses: WIRELENS_THREADS when set (1 turns
 * threads off), else one per core (at most 4) for captures of 128 MB or more. Measured on two cores: a thread
 * costs ~0.25 s to start and two threads dissect ~1.5× as fast as one (1M packets, 422 MB: 10.6 → 7.0 s), so
 * below ~100 MB the threads gain nothing.
 */
export function shardThreads(file: string): number {
  const set = threadsSet();
  if (set !== undefined) return set;
  let bytes = 0;
  try {
    bytes = statSync(file).size;
  } catch {
    // The open that follows says why it cannot be read.
  }
  return bytes >= 128 << 20 ? Math.min(4, availableParallelism()) : 1;
}

/**
 * Where the merged entries go: runs [from, to) of a batch's entries in frame order. With the batch's last run
 * comes `consumed`, to be called once the batch is done with (its worker may then post another).
 */
export type ShardEmit<B> = (batch: B, from: number, to: number, consumed?: () => void) => void;

/**
 * Merges the shards' batches into frame order: `emit` is called for runs of a batch's entries that no other
 * shard can precede any more.
 */
export class ShardMerge<B extends ShardBatch> {
  private readonly queues: { batches: B[]; at: number; upTo: number; done: boolean }[];

  constructor(
    shards: number,
    private readonly emit: ShardEmit<B>,
    private readonly consumed: (shard: number) => void = () => undefined,
  ) {
    this.queues = Array.from({ length: shards }, () => ({ batches: [], at: 0, upTo: 0, done: false }));
  }

  add(shard: number, batch: B): void {
    const q = this.queues[shard];
    if (batch.nos.length) q.batches.push(batch);
    else this.consumed(shard);
    q.upTo = batch.upTo;
    this.drain();
  }

  end(shard: number): void {
    this.queues[shard].done = true;
    this.drain();
  }

  private drain(): void {
    const qs = this.queues;
    for (;;) {
      let best = -1;
      let bestNo = Infinity;
      for (let s = 0; s < qs.length; s++) {
        const b = qs[s].batches[0];
        if (b && b.nos[qs[s].at] < bestNo) {
          bestNo = b.nos[qs[s].at];
          best = s;
        }
      }
      if (best < 0) return;
      // The entries of `best` before anything another shard may still send: below its next entry, or past
      // what it has seen (nothing more from a finished shard).
      let limit = Infinity;
      for (let s = 0; s < qs.length; s++) {
        if (s === best) continue;
        const b = qs[s].batches[0];
        if (b) limit = Math.min(limit, b.nos[qs[s].at]);
        else if (!qs[s].done) limit = Math.min(limit, qs[s].upTo + 1);
      }
      if (bestNo >= limit) return;
      const q = qs[best];
      const b = q.batches[0];
      let end = q.at;
      while (end < b.nos.length && b.nos[end] < limit) end++;
      const last = end === b.nos.length;
      this.emit(b, q.at, end, last ? () => this.consumed(best) : undefined);
      q.at = end;
      if (last) {
        q.batches.shift();
        q.at = 0;
      }
    }
  }
}

/**
 * Runs one worker per job (bin/shard-worker.mjs → runShardJob) and merges their batches into frame order.
 * Resolves with the summed counts and shard 0's warnings when all are done; rejects with the first error.
 */
export async function runShards<J extends ShardJobBase, B extends ShardBatch>(
  jobs: readonly J[],
  emit: ShardEmit<B>,
): Promise<{ count: number; warnings: string[] }> {
  const flow = new SharedArrayBuffer(4 * jobs.length);
  const inFlight = new Int32Array(flow);
  const merge = new ShardMerge<B>(jobs.length, emit, (shard) => {
    Atomics.sub(inFlight, shard, 1);
    Atomics.notify(inFlight, shard);
  });
  const workers: Worker[] = [];
  let count = 0;
  let warnings: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = jobs.length;
      let failed = false;
      const fail = (e: Error) => {
        if (!failed) reject(e);
        failed = true;
      };
      jobs.forEach((job, shard) => {
        const w = new Worker(new URL('../../bin/shard-worker.mjs', import.meta.url), {
          workerData: { ...job, flow },
          // As the wirelens command's own thread (bin/wirelens.mjs): dissection's short-lived objects stay young.
          resourceLimits: { maxYoungGenerationSizeMb: 192 },
        });
        workers.push(w);
        let done = false;
        w.on('message', (m: ShardReply<B>) => {
          if (failed) return;
          if (m.kind === 'error') return fail(new Error(m.message));
          if (m.kind === 'batch') return merge.add(shard, m.batch);
          done = true;
          count += m.count;
          if (shard === 0) warnings = m.warnings;
          merge.end(shard);
          if (--running === 0) resolve();
        });
        w.on('error', fail);
        w.on('exit', (code) => {
          if (!done) fail(new Error(`a worker thread stopped (exit code ${code})`));
        });
      });
    });
  } finally {
    for (const w of workers) void w.terminate();
  }
  return { count, warnings };
}
