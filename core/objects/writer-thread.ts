/**
 * Hashing and writing exported objects on a thread of their own. An export of a capture being opened finds its
 * objects during the first pass; hashing each (MD5, SHA-1, SHA-256) and writing it (a temporary file, a hard link,
 * an unlink) took a third of the dissecting thread's time on a million-packet capture. The writer thread does that
 * while the first pass goes on: jobs go over in batches, outcomes come back in order.
 *
 * The thread runs from source text (core/bytes/thread.ts), made of the very functions the dissecting thread would
 * call (hashBytesWith, writeTempWith, placeNewWith: each self-contained, given node:fs and node:crypto as
 * parameters). Should the thread not start or stop, the jobs it has not answered run here, with the same
 * functions.
 */
import { createHash } from 'node:crypto';
import { closeSync, linkSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { scriptThread } from '../bytes/thread.js';
import type { Hashes } from '../api/types.js';
import { hashBytesWith } from '../forensics/hash.js';
import { placeNewWith, writeTempWith, type SyncFs } from '../forensics/safe-write.js';

/** One object to write: its bytes go to the temporary file `tmp`, which then becomes `path`. */
interface WriteJob {
  id: number;
  tmp: string;
  path: string;
  data: Uint8Array;
}

/** What became of a job: the hashes of its bytes, and the failure if the file could not be written. */
export interface WriteOutcome {
  hashes: Hashes;
  /** `code` EEXIST: the name is taken (nothing was written). */
  error?: { code?: string; message: string };
}

type Reply = WriteOutcome & { id: number };

interface Tools {
  fs: SyncFs;
  crypto: Pick<typeof import('node:crypto'), 'createHash'>;
  hash: typeof hashBytesWith;
  writeTemp: typeof writeTempWith;
  place: typeof placeNewWith;
}

/** One job, on whichever thread. Self-contained: it runs in the writer thread from its source text. */
function runJob(t: Tools, job: WriteJob): Reply {
  const hashes = t.hash(t.crypto, job.data);
  try {
    t.writeTemp(t.fs, job.tmp, job.data);
    t.place(t.fs, job.tmp, job.path);
    return { id: job.id, hashes };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { id: job.id, hashes, error: { code: err.code, message: err.message } };
  }
}

/** The writer thread's loop. Self-contained, like runJob. */
function serve(
  t: Tools,
  run: typeof runJob,
  port: { on(ev: 'message', fn: (jobs: WriteJob[]) => void): void; postMessage(r: Reply[]): void },
): void {
  port.on('message', (jobs) => port.postMessage(jobs.map((j) => run(t, j))));
}

/** The writer thread's source: the functions above as text, given node:fs and node:crypto there. */
function threadSource(): string {
  return [
    `(${serve.toString()})(`,
    `  { fs: require('node:fs'), crypto: require('node:crypto'), hash: (${hashBytesWith.toString()}),`,
    `    writeTemp: (${writeTempWith.toString()}), place: (${placeNewWith.toString()}) },`,
    `  (${runJob.toString()}),`,
    "  require('node:worker_threads').parentPort,",
    ');',
  ].join('\n');
}

const here: Tools = {
  fs: { openSync, writeSync, closeSync, linkSync, lstatSync, renameSync, unlinkSync },
  crypto: { createHash },
  hash: hashBytesWith,
  writeTemp: writeTempWith,
  place: placeNewWith,
};

/** Jobs per message, and bytes: enough to make messages rare, few enough that the thread starts early. */
const BATCH_JOBS = 64;
const BATCH_BYTES = 4 << 20;
/** Bytes handed over and not yet written, beyond which room() waits (a bound on the memory the queue holds). */
const MAX_IN_FLIGHT = 64 << 20;

export class ObjectWriter {
  private worker: Worker | undefined;
  /** false once the thread failed to start or stopped: jobs then run on this thread. */
  private threaded: boolean;
  /** Jobs the writer thread has answered (tests check the thread did the work). */
  answeredByThread = 0;
  private nextId = 1;
  private batch: WriteJob[] = [];
  private batchBytes = 0;
  private flushQueued = false;
  /** Jobs handed over (queued or sent) and not answered, with who waits for them. */
  private readonly open = new Map<number, { job: WriteJob; done: (o: WriteOutcome) => void }>();
  private inFlight = 0;
  private roomWaiters: (() => void)[] = [];

  constructor(opts: { thread?: boolean } = {}) {
    this.threaded = opts.thread ?? true;
  }

  /** Hashes `data` and writes it to `tmp`, then names it `path` (never replacing a file). */
  write(tmp: string, path: string, data: Uint8Array): Promise<WriteOutcome> {
    return new Promise((done) => {
      const job = { id: this.nextId++, tmp, path, data };
      this.open.set(job.id, { job, done });
      this.inFlight += data.length;
      this.batch.push(job);
      this.batchBytes += data.length;
      if (this.batch.length >= BATCH_JOBS || this.batchBytes >= BATCH_BYTES) this.flush();
      else if (!this.flushQueued) {
        this.flushQueued = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Resolves when the jobs handed over hold less than MAX_IN_FLIGHT bytes. */
  room(): Promise<void> {
    if (this.inFlight < MAX_IN_FLIGHT) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Stops the thread (after the jobs handed over have been answered: wait for their outcomes first). */
  close(): void {
    this.flush();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private flush(): void {
    this.flushQueued = false;
    if (!this.batch.length) return;
    const jobs = this.batch;
    this.batch = [];
    this.batchBytes = 0;
    const w = this.thread();
    if (w) {
      w.ref();
      w.postMessage(jobs);
    } else for (const j of jobs) this.settle(runJob(here, j));
  }

  private thread(): Worker | undefined {
    if (!this.threaded) return undefined;
    if (this.worker) return this.worker;
    try {
      const w = scriptThread(threadSource());
      w.on('message', (replies: Reply[]) => {
        this.answeredByThread += replies.length;
        for (const r of replies) this.settle(r);
        if (!this.open.size) w.unref();
      });
      w.on('error', () => this.fallBack(w));
      w.on('exit', () => this.fallBack(w));
      this.worker = w;
      return w;
    } catch {
      this.threaded = false;
      return undefined;
    }
  }

  /** The thread is gone: what it had not answered runs here. */
  private fallBack(w: Worker): void {
    if (this.worker !== w) return;
    this.worker = undefined;
    this.threaded = false;
    const queued = new Set(this.batch.map((j) => j.id));
    for (const { job } of [...this.open.values()]) if (!queued.has(job.id)) this.settle(runJob(here, job));
  }

  private settle(r: Reply): void {
    const o = this.open.get(r.id);
    if (!o) return;
    this.open.delete(r.id);
    this.inFlight -= o.job.data.length;
    const { id: _id, ...outcome } = r;
    o.done(outcome);
    if (this.inFlight < MAX_IN_FLIGHT && this.roomWaiters.length)
      for (const f of this.roomWaiters.splice(0)) f();
  }
}
