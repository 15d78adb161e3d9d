/**
 * `wirelens list` through the fast lane (core/fastlane), every frame or those of a display filter the lane can
 * evaluate (core/fastlane/filter.ts): one pass computes the rows of every frame the lane vouches for and notes
 * the address pairs (conversations) it does not; a second pass has the dissection engine dissect just the frames
 * of those pairs, in order, and the rows are written in frame order — the lane's, or the engine's for every frame
 * of a pair the lane gave up on (also the frames before the one it gave up at). A classic pcap is indexed as the
 * first pass reads it. The output equals the engine's alone (tests compare them); WIRELENS_FASTLANE=0 turns the
 * lane off.
 */
import type { Buffer } from 'node:buffer';
import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { CaptureSession } from '../../session/session.js';
import { LINKTYPE } from '../../capture/linktypes.js';
import { pairHash } from '../../session/shard.js';
import { threadsSet } from '../shards.js';
import type { CaptureInfo, PacketRow } from '../../api/types.js';
import type { CaptureFile } from '../../capture/reader.js';
import type { TimeFormat } from '../../api/time-format.js';
import { rowText, tsvRow, type OutBuffer } from './list-rows.js';
import type { FastLane } from '../../fastlane/lane.js';
import { resized } from '../../bytes/byteview.js';
import type { RowSink } from '../../fastlane/rowstore.js';
import { inlineRows, startRowThread, type RowThread } from './lane-thread.js';
import { LaneShare } from './lane-share.js';
import type { PairSet } from '../../fastlane/pairs.js';
import { LaneFilter, type LaneFrame } from '../../fastlane/filter.js';
import type { CompiledFilter } from '../../dfilter/index.js';

/** Whether `list` may take the fast lane (WIRELENS_FASTLANE=0 makes every row the engine's). */
export function fastLaneOn(): boolean {
  return process.env.WIRELENS_FASTLANE !== '0';
}

/** Threads of a lane pass: WIRELENS_THREADS when set (each thread takes the pairs of its shard), else one. */
export function laneThreads(): number {
  return threadsSet() ?? 1;
}

/** Bytes indexed at a time by a pass that reads packets as they are indexed. */
const SLICE = 16 << 20;
/**
 * Bytes indexed by the open before such a pass (its packets are read again by the pass, the rest once): enough
 * for the capture's format, link types and an estimate of its packets (the index's room).
 */
const FIRST_SLICE = 1 << 20;
/**
 * Captures from this size on have a second thread (when there are two cores): starting it costs ~0.1 s (Node's
 * start of a thread, loading the program), about what it gains on a capture of 128 MB (measured on two cores).
 * bin/wirelens.mjs, which starts the thread before the program loads, applies the same size (it cannot import
 * this module) — change both together.
 */
const ROW_THREAD_BYTES = 160 << 20;

/**
 * Whether a pass over `file` has a second thread (lane-thread.ts): WIRELENS_ROW_THREAD=1 or 0 when set, else
 * on two cores or more for a capture of ROW_THREAD_BYTES or more.
 */
function rowThreadFor(file: string): boolean {
  const set = process.env.WIRELENS_ROW_THREAD;
  if (set === '1' || set === '0') return set === '1';
  try {
    return availableParallelism() > 1 && statSync(file).size >= ROW_THREAD_BYTES;
  } catch {
    // (Opening the capture says what is wrong with it.)
    return false;
  }
}
/**
 * Whether a frame (Ethernet) carries TCP: what the lane's own thread keeps when a second thread runs. The
 * others — DNS, other UDP, ICMP, ARP, anything the lane gives up on — go to the second thread's lane (their rows
 * are mostly text the lane makes, costly to copy here; TCP's are numbers). What the lane remembers about TCP and
 * about the others is apart, so each lane sees all it needs.
 */
function carriesTcp(b: Uint8Array): boolean {
  const type = (b[12] << 8) | b[13];
  return type === 0x0800 ? b[23] === 6 : type === 0x86dd && b[20] === 6;
}

/**
 * The frames of a lane pass in order, each given to `each` with its bytes (valid during the call): the opened
 * capture's (forEachFrame), or each as it is indexed (listFast).
 */
export type FrameSource = (each: (i: number, bytes: Uint8Array) => void) => void;

/** Which frames a pass lists: the frames of shard `shard` of `shards` (core/session/shard.ts), up to `frames`. */
export interface LanePart {
  shard: number;
  shards: number;
  frames?: number;
}

/** How a lane pass lists: TSV or tshark's text rows with `time`, the rows of `filter`'s frames only. */
export interface LaneListing {
  format: 'tsv' | 'text';
  time: TimeFormat;
  /** A display filter the lane can evaluate (laneFilterable; a `-t dd` time column counts every frame). */
  filter?: CompiledFilter;
  part?: LanePart;
  /**
   * A second thread (lane-thread.ts) to write the rows and run a lane on the frames other than TCP: for TSV rows
   * of every frame (no filter, not counting) of a capture the lane reads; otherwise stopped. Started ahead (it
   * loads the program meanwhile).
   */
  rowThread?: RowThread;
  /** Told how many frames the engine is about to dissect (the pairs the lane gave up on), before it starts. */
  beforeEngine?: (frames: number) => void;
  /** listFast: the second thread's worker, started ahead (CliIO.rowWorker), for the pass to take if it runs one. */
  rowWorker?: Worker;
}

/**
 * The lane's pass over the frames of `part` of the freshly opened `session` (see the top of this file): every
 * row (of a frame `filter` matches) in frame order to `sink`. Closes the session. Returns how many rows the lane
 * and the engine gave.
 */
export async function laneRows(
  session: CaptureSession,
  info: CaptureInfo,
  opts: LaneListing,
  sink: RowSink,
  frames: FrameSource = (each) => session.forEachFrame(each),
): Promise<{ lane: number; engine: number }> {
  const { format, time, filter } = opts;
  const { shard, shards } = opts.part ?? { shard: 0, shards: 1 };
  const cap = session.capture;
  if (!cap) throw new Error('capture not open');
  const limit = opts.part?.frames ?? Infinity;
  const line = (r: PacketRow) => {
    // Every frame is displayed: the previous displayed one is the previous one (-t dd).
    r.prevDisplayedTs = r.prevTs;
    return format === 'tsv' ? tsvRow(r) : rowText(r, time);
  };
  // The lane reads Ethernet frames; a capture of any other link type is the engine's, on shard 0.
  const ether = cap.interfaces.every((f) => f.linkType === LINKTYPE.ETHERNET);
  if (!ether && shard !== 0) {
    session.close();
    return { lane: 0, engine: 0 };
  }
  // Room for the frames the index expects (a capture indexed as it is read grows on).
  const expected = Math.max(1024, Math.min(cap.index.capacity, limit));
  let pairs = new Uint32Array(ether ? expected : 0);
  // TLS that may be decrypted shows what it carries: the engine's.
  const tls = !info.tlsKeyLog && !info.tlsSecretsInCapture;
  const counting = sink === NO_ROWS;
  // The second thread: TSV rows of every frame (of a capture the lane reads).
  const thread = opts.rowThread;
  const threaded = thread && ether && format === 'tsv' && !filter && !counting;
  if (thread && !threaded) thread.abort();
  const rows = threaded ? thread.begin(expected, tls) : inlineRows(ether ? expected : 0);
  let lf: LaneFilter | undefined;
  if (filter && ether) {
    lf = LaneFilter.of(filter, session.captureState);
    if (!lf) throw new Error(`the fast lane cannot evaluate the filter ${filter.expr}`);
  }
  const share = new LaneShare({
    tls,
    out: rows.records,
    count: counting,
    text: format === 'text' ? (i, fast) => line(session.rowOf(session.meta(i), fast.texts())) : undefined,
    accept: lf ? laneAccept(lf, session) : undefined,
  });
  // Frames for the second thread's lane, when there is one.
  const sends = rows.lane;
  try {
    if (ether) {
      const fast = share.fast;
      const records = rows.records;
      const idx = cap.index;
      let s0 = 0;
      let ns0 = 0;
      frames((i, bytes) => {
        if (i >= limit) return;
        if (i === 0) {
          s0 = idx.tsSec(0);
          ns0 = idx.tsNsec(0);
        }
        fast.watch(bytes);
        const h = pairHash(LINKTYPE.ETHERNET, bytes);
        if (i >= pairs.length) pairs = resized(pairs, Math.max(i + 1, 2 * pairs.length));
        pairs[i] = h;
        if (h % shards !== shard) return;
        const len = idx.origLen(i);
        const sec = idx.tsSec(i) - s0;
        const ns = idx.tsNsec(i) - ns0;
        if (sends && !carriesTcp(bytes)) records.frame(i, h, bytes, len, sec, ns, fast.mayKnowQuic);
        else share.frame(i, h, bytes, len, sec, ns);
      });
    } else frames(() => undefined);
  } catch (e) {
    rows.abort();
    throw e;
  }
  const done = await rows.finish();
  // The second thread failed: the pass again, on this thread (nothing was written yet).
  if (!done) return laneRows(session, info, { ...opts, rowThread: undefined }, sink);
  const { store, givenUp: theirs } = done;
  const givenUp = share.givenUp;
  if (theirs) givenUp.addAll(theirs);
  const total = Math.min(session.total, limit);
  // The lane's rows of a pair it gave up on later are dropped: the engine lists that pair whole.
  const keep = (i: number) => !givenUp.has(pairs[i]);
  let next = 0;
  let engine = 0;
  let lane = 0;
  const engineFrames =
    !ether || givenUp.size > 0
      ? ether
        ? framesOf(pairs, givenUp, shard, shards, total)
        : () => true
      : undefined;
  if (engineFrames) opts.beforeEngine?.(typeof engineFrames === 'function' ? total : engineFrames.length);
  if (engineFrames)
    session.scanSome(
      engineFrames,
      filter ? (filter.needsAll ? 'all' : filter.fields) : 'columns',
      true,
      (i, d) => {
        if (filter && !filter.match(d)) return;
        lane += store.emit(next, i, keep, sink);
        sink.text(i, line(session.toRowColumns(d)));
        next = i + 1;
        engine++;
      },
      total,
    );
  else session.close();
  lane += store.emit(next, total, keep, sink);
  store.clear();
  return { lane, engine };
}

/** A display filter's test of the frame `lane` just vouched for (frame index i, its bytes). */
function laneAccept(
  lf: LaneFilter,
  session: CaptureSession,
): (i: number, bytes: Uint8Array, lane: FastLane) => boolean {
  let frame: LaneFrame | undefined;
  return (i, bytes, lane) => {
    const f: LaneFrame = (frame ??= { no: 0, bytes, cols: lane.cols, meta: () => session.meta(f.no - 1) });
    f.no = i + 1;
    f.bytes = bytes;
    return lf.matches(f);
  };
}

/** The indices of the frames below `total` of shard `shard` of `shards` whose pair (hash) is in `set`. */
function framesOf(
  pairs: Uint32Array,
  set: PairSet,
  shard: number,
  shards: number,
  total: number,
): Uint32Array {
  let n = 0;
  const out = new Uint32Array(total);
  for (let i = 0; i < total; i++) if (set.has(pairs[i]) && pairs[i] % shards === shard) out[n++] = i;
  return out.subarray(0, n);
}

/** Rows to standard output: consecutive ones of one chunk in one push. */
class OutSink implements RowSink {
  private chunk: Buffer | undefined;
  private start = 0;
  private end = 0;
  constructor(private readonly out: OutBuffer) {}
  bytes(_i: number, chunk: Buffer, start: number, end: number): void {
    if (chunk !== this.chunk || start !== this.end) {
      this.flush();
      this.chunk = chunk;
      this.start = start;
    }
    this.end = end;
  }
  text(_i: number, line: string): void {
    this.flush();
    this.out.push(line);
  }
  flush(): void {
    if (this.chunk) this.out.pushBytes(this.chunk.subarray(this.start, this.end));
    this.chunk = undefined;
  }
}

/** A sink that keeps nothing (rows counted, not printed). */
export const NO_ROWS: RowSink = { bytes: () => undefined, text: () => undefined };

/**
 * Lists the frames of `file` (every one, or those of the listing's filter) to `out` on this thread, or only
 * counts them without `out`; returns the capture's warnings and how many rows the lane and the engine gave.
 * A classic pcap is read once: indexed `slice` bytes at a time, each packet listed as it is indexed.
 */
export async function listFast(
  file: string,
  listing: LaneListing,
  out: OutBuffer | undefined,
  slice = SLICE,
): Promise<{ warnings: string[]; lane: number; engine: number }> {
  // A second thread (for TSV rows of a big capture, see laneRows) starts first: it loads the program while this
  // one opens the capture.
  // (A worker started ahead and not taken is ended by main(), as for every command.)
  const thread =
    listing.rowThread ??
    (out && listing.format === 'tsv' && !listing.filter && rowThreadFor(file)
      ? startRowThread(undefined, listing.rowWorker)
      : undefined);
  const session = new CaptureSession({ hash: false, summary: false });
  try {
    // The first megabyte indexed; the rest of a classic pcap as the pass reads it (one read of the file, not two).
    let info = await session.open(file, undefined, Math.min(slice, FIRST_SLICE));
    const cap = session.capture as CaptureFile;
    let frames: FrameSource | undefined;
    if (!cap.isComplete() && (info.format === 'pcapng' || session.total === 0)) {
      while (!cap.indexMore(slice).done);
      info = session.info();
    } else if (!cap.isComplete())
      frames = (each) => {
        session.forEachFrame(each);
        while (!cap.indexMore(slice, each).done);
        info = session.info();
      };
    const sink = out ? new OutSink(out) : undefined;
    const r = await laneRows(session, info, { ...listing, rowThread: thread }, sink ?? NO_ROWS, frames);
    sink?.flush();
    return { warnings: info.warnings, ...r };
  } finally {
    // (Done by now, unless the pass failed or had no use for it.)
    thread?.abort();
    session.close();
  }
}
