/**
 * Where the fast lane's row records (core/fastlane/records.ts) become text: on the lane's own thread as each
 * batch fills (`inlineRows`), or on a thread of their own (`startRowThread`: bin/lane-worker.mjs running
 * `runLaneWorker`). On two cores the second one thus writes the rows while the first reads the capture and
 * runs the lane; and, to share the work out more evenly, the reading thread sends it the frames other than TCP
 * among the records, for a lane of its own (a LaneShare) to give their rows, each in its place.
 * Either way the pass ends with one RowStore of every row in frame order, and the pairs the second lane gave up
 * on. Should the thread fail, finish() says so (the batches went to it whole), and the caller does the pass
 * again on its own thread: nothing is lost.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import {
  formatRecords,
  RowRecords,
  type FrameHandler,
  type RecordBatch,
  type RowOut,
} from '../../fastlane/records.js';
import { RowStore, type RowStoreParts } from '../../fastlane/rowstore.js';
import { LaneShare } from './lane-share.js';

/** The rows of every record of a pass, and the pairs a lane of the formatting side gave up on. */
export interface FormattedRows {
  store: RowStore;
  /** PairSet.buckets of that lane (when frames were sent to it). */
  givenUp?: number[];
}

/** The records of a pass, and their rows once every record is written. */
export interface RowFormatting {
  readonly records: RowRecords;
  /** Whether records may carry frames for a lane of the formatting side (RowRecords.frame). */
  readonly lane: boolean;
  /** The rows of every record written (after the last one); undefined when the second thread failed. */
  finish(): Promise<FormattedRows | undefined>;
  /** Stops the second thread, if any (a pass that failed). */
  abort(): void;
}

/** Rows formatted on this thread, each batch as it fills (no frames). */
export function inlineRows(frames: number): RowFormatting {
  const store = new RowStore(frames);
  const records = recordsInto(store);
  return {
    records,
    lane: false,
    finish: () => {
      records.flush();
      return Promise.resolve({ store });
    },
    abort: () => undefined,
  };
}

/** What the formatting thread is told at its start. */
interface WorkerData {
  frames: number;
  /** FastLane's option for the lane of the frames it is sent. */
  tls: boolean;
}

/**
 * The formatting side: each batch's rows into one store, the frames among them through a lane of its own (made
 * at the first one) whose rows are written as they come, in their place.
 */
class Formatter {
  readonly store: RowStore;
  private readonly strings: string[] = [];
  private share: LaneShare | undefined;
  private readonly lane: FrameHandler;

  constructor(private readonly data: WorkerData) {
    this.store = new RowStore(data.frames);
    this.lane = (i, h, bytes, len, sec, ns, quic) => {
      const share = (this.share ??= new LaneShare({ tls: this.data.tls, out: directRows(this.store) }));
      if (quic) share.fast.quicSeen();
      share.frame(i, h, bytes, len, sec, ns);
    };
  }

  add(batch: RecordBatch): void {
    formatRecords(batch, this.strings, this.store, this.lane);
  }

  givenUp(): number[] | undefined {
    return this.share?.givenUp.buckets;
  }
}

/** Records whose batches are formatted into `store` as each is shipped (in batches of `words`). */
function recordsInto(store: RowStore, words?: number): RowRecords {
  const strings: string[] = [];
  return new RowRecords((batch) => {
    formatRecords(batch, strings, store);
    return false;
  }, words);
}

/** Rows written to `store` as soon as each is given. */
function directRows(store: RowStore): RowOut {
  const records = recordsInto(store, 1024);
  return {
    plain(i, sec, ns, len, c, v6) {
      records.plain(i, sec, ns, len, c, v6);
      records.flush();
    },
    line(i, s) {
      records.line(i, s);
      records.flush();
    },
  };
}

/** What the lane's thread sends the formatting thread. */
type ToWorker =
  | ({ kind: 'start' } & WorkerData)
  | { kind: 'batch'; buffer: ArrayBuffer; words: number; strings: string[] }
  | { kind: 'end' };
/** What the formatting thread answers at the end. */
type FromWorker =
  { kind: 'done'; rows: RowStoreParts; givenUp: number[] | undefined } | { kind: 'error'; message: string };

/** The formatting thread's script. */
const WORKER_SCRIPT = new URL('../../../bin/lane-worker.mjs', import.meta.url);

/** A formatting thread started ahead of its pass (it loads the program meanwhile). */
export interface RowThread {
  /** Its pass: `frames` frames to begin with; `tls`: FastLane's option, for the frames sent to its lane. */
  begin(frames: number, tls: boolean): RowFormatting;
  /** Stops it (no pass, or one that failed). */
  abort(): void;
}

/**
 * Starts a formatting thread running `script` (tests give one that fails), or takes `started`, the one
 * bin/wirelens.mjs started with the same script and limits before the program loaded (unless it has ended).
 */
export function startRowThread(script: URL = WORKER_SCRIPT, started?: Worker): RowThread {
  const worker =
    started && started.threadId >= 0
      ? started
      : new Worker(script, {
          // As the wirelens command's own thread (bin/wirelens.mjs): the lane's short-lived objects stay young.
          resourceLimits: { maxYoungGenerationSizeMb: 192 },
        });
  // (One started ahead does not keep the process alive until it is taken.)
  worker.ref();
  const result = new Promise<FormattedRows | undefined>((resolve) => {
    worker.on('message', (m: FromWorker) =>
      resolve(m.kind === 'done' ? { store: RowStore.of(m.rows), givenUp: m.givenUp } : undefined),
    );
    worker.on('error', () => resolve(undefined));
    worker.on('exit', () => resolve(undefined));
  });
  const post = (m: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(m, transfer);
  const abort = () => void worker.terminate();
  return {
    abort,
    begin(frames, tls) {
      post({ kind: 'start', frames, tls });
      // Each batch moved to the thread, not copied.
      const records = new RowRecords(({ buffer, words, strings }) => {
        post({ kind: 'batch', buffer, words, strings }, [buffer]);
        return true;
      });
      return {
        records,
        lane: true,
        finish: async () => {
          records.flush();
          post({ kind: 'end' });
          const r = await result;
          // (Its exit is not waited for: the rows are here.)
          void worker.terminate();
          return r;
        },
        abort,
      };
    },
  };
}

/** The formatting thread (bin/lane-worker.mjs): each batch as it comes; at the end, its store and given-up pairs. */
export function runLaneWorker(port: MessagePort): void {
  let formatter: Formatter | undefined;
  port.on('message', (m: ToWorker) => {
    try {
      if (m.kind === 'start') {
        formatter = new Formatter(m);
        return;
      }
      if (!formatter) throw new Error('rows before the start of a pass');
      if (m.kind === 'batch') {
        formatter.add(m);
        return;
      }
      const rows = formatter.store.parts();
      const givenUp = formatter.givenUp();
      const reply: FromWorker = { kind: 'done', rows, givenUp };
      const transfer = [...rows.chunks, rows.starts.buffer as ArrayBuffer, rows.lens.buffer as ArrayBuffer];
      port.postMessage(reply, transfer);
    } catch (e) {
      const reply: FromWorker = { kind: 'error', message: e instanceof Error ? e.message : String(e) };
      port.postMessage(reply);
    }
  });
}
