/**
 * CaptureSession: the one service API over a capture that the CLI, the Electron worker and the web host use.
 *
 * Opening indexes the file (core/capture). Dissection state that needs earlier packets (TCP streams,
 * reassembly, HTTP pairing) is built by one in-order "first pass" that advances lazily: asking for row N or
 * packet N, or running a filter, first runs the pass up to N (Wireshark's model), and a background task may
 * finish it. Rows and trees are computed on demand (rows through an LRU cache), never stored for all packets.
 */
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { KEYLOG_ENV, openCapture, tlsKeyLog, userKeyLog, type CaptureFile } from '../capture/index.js';
import { sha256File } from '../capture/sha256.js';
import { resized } from '../bytes/byteview.js';
import { linkTypeName } from '../capture/linktypes.js';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import type { Columns, Dissection, FrameMeta, ItemSelection } from '../dissect/types.js';
import { compileFilter, validateFilter, completeField } from '../dfilter/index.js';
import type {
  CaptureInfo,
  Completion,
  FilterOutcome,
  PacketDetail,
  PacketRow,
  Progress,
  RowsResult,
  Validation,
} from '../api/types.js';
import '../protocols/index.js';
import { Colorizer } from './colors.js';
import { Lru } from './lru.js';
import { toTree } from './tree.js';
import { FrameSummary, Verdict } from './summary.js';
import { digitsForTsresol, type Stamp } from '../api/time-format.js';
import { shardableLinkType, shardOf } from './shard.js';
import { displayText } from '../fields/text.js';

export class SessionError extends Error {}

type FilterLike = {
  fields: ReadonlySet<number>;
  needsAll: boolean;
  needsBytes?: boolean;
  requires?: readonly (readonly number[])[];
  match(d: Dissection): boolean;
};

/** Frames to filter between two yields to the event loop. */
const FILTER_CHUNK = 20_000;

/** A growing Uint32Array of matching frame numbers. */
class FilterAccumulator {
  private out: Uint32Array;
  private n = 0;
  constructor(expected: number) {
    this.out = new Uint32Array(Math.max(16, Math.min(expected, 1024)));
  }
  push(no: number): void {
    if (this.n === this.out.length) {
      // No cap at the initial total: a capture may grow while it is filtered (background indexing, live).
      this.out = resized(this.out, Math.max(16, this.out.length * 2));
    }
    this.out[this.n++] = no;
  }
  result(): Uint32Array {
    return this.out.slice(0, this.n);
  }
}

export interface SessionOptions {
  onProgress?: (p: Progress) => void;
  /** Compute the capture file's SHA-256 at open (default true). */
  hash?: boolean;
  /** A TLS key log file to decrypt with, besides the capture's own secrets (default: WIRELENS_TLS_KEYLOG). */
  keyLogFile?: string;
  /**
   * Keep the frame summary filters consult (default true). A one-shot pass that dissects every frame once and
   * filters nothing afterwards (`wirelens list`) has no use for it; filters without it dissect every frame.
   */
  summary?: boolean;
}

let colorizer: Colorizer | undefined;
const getColorizer = (): Colorizer => (colorizer ??= new Colorizer());

/**
 * Secrets in key material: its key log lines (NSS format: label, client random or other key, secret) and the
 * RSA private keys (PEM blocks) it holds.
 */
function keyLogSecrets(text: string): number {
  const lines = text.split('\n').filter((l) => /^[A-Z0-9_]+ [0-9a-fA-F]+ [0-9a-fA-F]+/.test(l)).length;
  return lines + (text.match(/-----BEGIN (?:RSA )?PRIVATE KEY-----/g)?.length ?? 0);
}

export class CaptureSession {
  private cap?: CaptureFile;
  /** A key log the user gave (Edit › Preferences › TLS) and its name. */
  private keyLogText?: string;
  private keyLogName?: string;
  /** The user's key log the open capture is decrypted with (name, secrets, SHA-256 for the report). */
  private keyLogUsed?: CaptureInfo['tlsKeyLog'];
  /** TLS secrets in the open capture's own Decryption Secrets Blocks. */
  private secretsInCapture = 0;
  private state = new CaptureState();
  /** What the first pass learnt of each frame (protocol stack, addresses, ports): lets filters skip frames. */
  private summary = new FrameSummary(this.state);
  /** Frames [0, analysed) have been through the first pass. */
  private analysed = 0;
  /** Current view: matching frame numbers (1-based), or null for "all packets". */
  private view: Uint32Array | null = null;
  private filterExpr = '';
  private compiled?: FilterLike;
  private readonly rowCache = new Lru<number, PacketRow>(20_000);
  private sha256?: string;
  private shaPromise?: Promise<string | undefined>;
  private abort?: AbortController;
  private firstTs = { s: 0, ns: 0 };
  private openSeq = 0;

  constructor(private readonly opts: SessionOptions = {}) {}

  get capture(): CaptureFile | undefined {
    return this.cap;
  }

  get captureState(): CaptureState {
    return this.state;
  }

  /** What the first pass recorded per frame (filters consult it; tests check it). */
  get frameSummary(): FrameSummary {
    return this.summary;
  }

  /**
   * Opens a capture. With `initialBytes`, only the start of a classic pcap is indexed before returning; the
   * caller continues with `capture.indexMore()` (the service does, in the background).
   */
  async open(path: string, signal?: AbortSignal, initialBytes?: number): Promise<CaptureInfo> {
    this.close();
    const cap = await openCapture(path, {
      signal,
      initialBytes,
      onProgress: (done, total) => this.opts.onProgress?.({ phase: 'index', done, total }),
    });
    this.cap = cap;
    this.openSeq++;
    this.state = new CaptureState();
    this.summary = new FrameSummary(this.state);
    this.summary.meta = (i) => cap.meta(i);
    this.firstTs = { s: 0, ns: 0 };
    if (cap.index.count > 0) this.setTimeRef();
    const idx = cap.index;
    this.state.prevTime = (n) => (n > 1 ? { s: idx.tsSec(n - 2), ns: idx.tsNsec(n - 2) } : undefined);
    // Reassembly re-reads earlier segments and copies what it keeps: no copy of each packet on the way.
    this.state.readFrame = (n) => cap.peekPacket(n - 1);
    // The user's key log is read once per open, so that what decrypts is what the capture's info reports.
    const userLog = this.keyLogText ?? userKeyLog(this.opts.keyLogFile);
    this.keyLogUsed = userLog
      ? {
          name: this.keyLogName ?? this.opts.keyLogFile ?? process.env[KEYLOG_ENV] ?? '',
          secrets: keyLogSecrets(userLog),
          sha256: createHash('sha256').update(userLog, 'latin1').digest('hex'),
        }
      : undefined;
    const own = tlsKeyLog(cap);
    this.secretsInCapture = keyLogSecrets(own);
    this.state.keyLog = () => `${own}\n${userLog}`;
    if (this.opts.hash !== false) {
      // Only the newest hash counts: a rehash (live capture stopped) must not be overwritten by this one.
      const p: Promise<string | undefined> = sha256File(path).then(
        (h) => (this.shaPromise === p ? (this.sha256 = h) : h),
        () => undefined,
      );
      this.shaPromise = p;
    }
    return this.info();
  }

  /** Waits for the file hash computed at open (chain of custody). */
  async fileSha256(): Promise<string | undefined> {
    return this.sha256 ?? (await this.shaPromise);
  }

  /**
   * Hashes the capture file again and returns the new SHA-256: a live capture's file is only complete when the
   * capture stops, so the hash taken at open (of a nearly empty file) would not identify the evidence.
   */
  async rehash(): Promise<string | undefined> {
    const cap = this.cap;
    if (!cap || this.opts.hash === false) return undefined;
    this.sha256 = undefined;
    const p: Promise<string | undefined> = sha256File(cap.path).then(
      (h) => (this.cap === cap && this.shaPromise === p ? (this.sha256 = h) : h),
      () => undefined,
    );
    this.shaPromise = p;
    return p;
  }

  close(): void {
    this.abort?.abort();
    this.cap?.close();
    this.cap = undefined;
    this.view = null;
    this.filterExpr = '';
    this.compiled = undefined;
    this.analysed = 0;
    this.rowCache.clear();
    this.sha256 = undefined;
    this.shaPromise = undefined;
  }

  private need(): CaptureFile {
    if (!this.cap) throw new SessionError('no capture is open');
    return this.cap;
  }

  info(): CaptureInfo {
    const cap = this.need();
    const idx = cap.index;
    const t = (i: number) => idx.tsSec(i) + idx.tsNsec(i) / 1e9;
    const info: CaptureInfo = {
      path: cap.path,
      name: basename(cap.path),
      size: cap.size,
      format: cap.format,
      gzip: cap.gzip,
      interfaces: cap.interfaces.map((x) => ({
        ...x,
        linkTypeName: x.linkTypeName ?? linkTypeName(x.linkType),
      })),
      packets: idx.count,
      bytes: idx.capturedBytes,
      warnings: [...cap.warnings],
      openId: this.openSeq,
      complete: cap.isComplete(),
    };
    if (idx.count > 0) {
      const first = t(0);
      const last = t(idx.count - 1);
      info.firstTime = first;
      info.lastTime = last;
      info.duration = last - first;
    }
    if (this.sha256) info.sha256 = this.sha256;
    if (this.keyLogUsed) info.tlsKeyLog = this.keyLogUsed;
    if (this.secretsInCapture) info.tlsSecretsInCapture = this.secretsInCapture;
    return info;
  }

  /**
   * A TLS key log's text to decrypt with from the next open on (instead of the options' file), or none with
   * undefined (then the options' file, if any, again). The first pass decrypts: a capture already open must be
   * opened again to use it.
   */
  setKeyLog(name: string | undefined, text?: string): void {
    this.keyLogName = name;
    this.keyLogText = name === undefined ? undefined : (text ?? '');
  }

  get total(): number {
    return this.cap?.index.count ?? 0;
  }

  get displayed(): number {
    return this.view ? this.view.length : this.total;
  }

  get filter(): string {
    return this.filterExpr;
  }

  /** Frame numbers (1-based, increasing) of the current view, or null when every packet is shown. */
  get viewFrames(): Uint32Array | null {
    return this.view;
  }

  /** Frame number (1-based) of view position `pos`. */
  frameAt(pos: number): number {
    return this.view ? this.view[pos] : pos + 1;
  }

  /** Frame index i's number, times, lengths and interface (from the index; no bytes read). */
  meta(i: number): FrameMeta {
    return this.need().meta(i);
  }

  /**
   * Dissects frames [from, to) in order, calling fn for each. Frames past the first-pass frontier are dissected
   * for the first time (visited=false) and advance it; the frontier is first brought up to `from`. With
   * `columns` false the caller promises not to read the columns (filters), which lets dissectors skip work.
   */
  scan(
    from: number,
    to: number,
    selection: ItemSelection,
    fn: (i: number, d: Dissection) => void | boolean,
    signal?: AbortSignal,
    columns = true,
  ): void {
    const cap = this.need();
    if (from > this.analysed) this.scan(this.analysed, from, 'columns', () => undefined, signal, false);
    const keepSummary = this.opts.summary !== false;
    let stopped = false;
    cap.forEach(from, to, (i, bytes) => {
      if (signal?.aborted) {
        stopped = true;
        return false;
      }
      const first = i >= this.analysed;
      const d = dissectFrame(this.meta(i), bytes, this.state, { selection, visited: !first, columns });
      if (first) {
        this.analysed = i + 1;
        if (keepSummary) this.summary.add(i, d);
      }
      if (fn(i, d) === false) {
        stopped = true;
        return false;
      }
      return true;
    });
    if (stopped && signal?.aborted) throw new SessionError('cancelled');
  }

  /**
   * A one-shot pass over the frames of one shard (core/session/shard.ts) of a freshly opened capture, in order:
   * each is dissected once, as the first pass would, and handed to `fn`. The others are not dissected at all, so
   * the session holds only this shard's state afterwards and is closed at the end. With `columns` false the
   * caller promises not to read the columns (as in `scan`). A capture with a link type
   * the shard function cannot read is not split: shard 0 takes every frame. `frames` stops the pass there (the
   * shards of a capture still being written must cover the same frames).
   */
  scanShard(
    part: { shard: number; shards: number; frames?: number },
    selection: ItemSelection,
    columns: boolean,
    fn: (i: number, d: Dissection) => void,
  ): void {
    const { shard, shards } = part;
    const cap = this.need();
    const split = shards > 1 && cap.interfaces.every((f) => shardableLinkType(f.linkType));
    if (!split && shard !== 0) return this.close();
    const idx = cap.index;
    this.scanSome(
      split
        ? (i, bytes) => shardOf(cap.interfaces[idx.iface(i)].linkType, bytes, shards) === shard
        : () => true,
      selection,
      columns,
      fn,
      part.frames,
    );
  }

  /**
   * A one-shot pass over the frames `take` chooses (by index and bytes, or as a list of ascending indices: only
   * those are read) of a freshly opened capture, in order, each dissected once as the first pass would; the
   * others are not dissected at all. `take` must choose whole conversations (core/session/shard.ts): what the
   * engine remembers between frames is then what one pass over all of them remembers. The session is closed at
   * the end. `frames` stops the pass there.
   */
  scanSome(
    take: ((i: number, bytes: Uint8Array) => boolean) | Uint32Array,
    selection: ItemSelection,
    columns: boolean,
    fn: (i: number, d: Dissection) => void,
    frames?: number,
  ): void {
    const cap = this.need();
    if (this.analysed !== 0) throw new SessionError('a one-shot pass needs a freshly opened capture');
    const dissect = (i: number, bytes: Uint8Array) =>
      fn(i, dissectFrame(this.meta(i), bytes, this.state, { selection, visited: false, columns }));
    try {
      // Chosen by index: only those frames are read.
      if (take instanceof Uint32Array) cap.forEachOf(take, dissect);
      else
        cap.forEach(0, Math.min(this.total, frames ?? Infinity), (i, bytes) => {
          if (take(i, bytes)) dissect(i, bytes);
        });
    } finally {
      this.close();
    }
  }

  /** Every frame's bytes in order, undissected (for passes that read them some other way). */
  forEachFrame(fn: (i: number, bytes: Uint8Array) => void): void {
    this.need().forEach(0, this.total, (i, bytes) => void fn(i, bytes));
  }

  /** Brings the first pass up to frame index `to` (exclusive). */
  analyseTo(to: number, signal?: AbortSignal): void {
    const target = Math.min(to, this.total);
    if (target > this.analysed) this.scan(this.analysed, target, 'columns', () => undefined, signal, false);
    // The whole of a completely indexed capture has been through the first pass: no room left to grow into.
    if (this.analysed === this.total && this.cap?.isComplete()) this.summary.trim(this.total);
  }

  get analysedCount(): number {
    return this.analysed;
  }

  /** Full dissection of one frame (1-based), for the detail pane and exports. */
  dissect(no: number, selection: ItemSelection = 'all'): Dissection {
    const cap = this.need();
    if (!Number.isInteger(no) || no < 1 || no > cap.index.count) {
      throw new SessionError(`there is no packet ${no} (the capture has ${cap.index.count})`);
    }
    if (no > this.analysed) this.analyseTo(no);
    return dissectFrame(this.meta(no - 1), cap.readPacket(no - 1), this.state, { selection, visited: true });
  }

  private rowSelection(): ItemSelection {
    const c = getColorizer();
    return c.needsAll ? 'all' : c.fields;
  }

  /** The summary columns of a dissection, without colouring (the fast path of `wirelens list`). */
  toRowColumns(d: Dissection): PacketRow {
    return this.rowOf(d.frame, d.columns);
  }

  /** The frame's row with `columns` (its own dissection's, or the CLI's fast lane's). */
  rowOf(m: FrameMeta, columns: Columns): PacketRow {
    const ts = { s: m.tsSec, ns: m.tsNsec };
    return {
      no: m.number,
      time: m.tsSec - this.firstTs.s + (m.tsNsec - this.firstTs.ns) / 1e9,
      ts,
      tsDigits: this.tsDigits(m.interfaceId),
      firstTs: this.firstTs,
      prevTs: m.number > 1 ? this.stamp(m.number - 1) : ts,
      // The caller that knows the view sets this (rows(): the frame displayed before; the CLI: the last printed).
      prevDisplayedTs: ts,
      // Columns carry text from the packet (names, request lines): shown with control characters escaped.
      source: displayText(columns.source),
      destination: displayText(columns.destination),
      protocol: columns.protocol,
      length: m.origLen,
      info: displayText(columns.info),
    };
  }

  /** Arrival time of frame `no` (1-based), from the index. */
  stamp(no: number): Stamp {
    const idx = this.need().index;
    return { s: idx.tsSec(no - 1), ns: idx.tsNsec(no - 1) };
  }

  /** Decimals tshark prints for a packet of interface `id` (its if_tsresol; µs pcap 6, ns pcap 9). */
  private tsDigits(id: number): number {
    return digitsForTsresol(this.need().tsresol(id));
  }

  toRow(d: Dissection): PacketRow {
    const row = this.toRowColumns(d);
    const color = getColorizer().color(d);
    if (color) row.color = color;
    return row;
  }

  rows(start: number, count: number): RowsResult {
    this.need();
    const displayed = this.displayed;
    const end = Math.min(displayed, start + count);
    const rows: PacketRow[] = [];
    const sel = this.rowSelection();
    for (let pos = start; pos < end; pos++) {
      const no = this.frameAt(pos);
      let row = this.rowCache.get(no);
      if (!row) {
        if (no > this.analysed) {
          // Run the first pass up to the end of the requested page in one go, caching rows as they come.
          const last = this.frameAt(end - 1);
          this.scan(this.analysed, last, sel, (i, d) => {
            this.rowCache.set(i + 1, this.toRow(d));
          });
          row = this.rowCache.get(no);
        }
        if (!row) {
          row = this.toRow(this.dissect(no, sel));
          this.rowCache.set(no, row);
        }
      }
      // The previous displayed packet depends on the view, not the frame: never cached with the row.
      rows.push({ ...row, prevDisplayedTs: pos > 0 ? this.stamp(this.frameAt(pos - 1)) : row.ts });
    }
    return { rows, displayed, total: this.total };
  }

  packet(no: number): PacketDetail {
    const d = this.dissect(no, 'all');
    return { no, tree: toTree(d), sources: d.sources.map((s) => ({ name: s.name, bytes: s.bytes })) };
  }

  validate(expr: string): Validation {
    return validateFilter(expr);
  }

  complete(prefix: string): Completion[] {
    return completeField(prefix);
  }

  /**
   * Applies a display filter to the whole capture; an empty expression shows every packet. Runs in chunks and
   * yields between them, so a cancel request (the signal) gets through while a big capture is filtered.
   */
  async applyFilter(expr: string, signal?: AbortSignal): Promise<FilterOutcome> {
    const t0 = performance.now();
    if (expr.trim() === '') {
      this.view = null;
      this.filterExpr = '';
      this.compiled = undefined;
      return { ok: true, expr, displayed: this.total, total: this.total, warnings: [], ms: 0 };
    }
    const c = compileFilter(expr);
    if (!c.ok) return { ok: false, expr, error: c.error };
    const acc = new FilterAccumulator(this.total);
    for (let from = 0; from < this.total; from += FILTER_CHUNK) {
      this.filterChunk(c.filter, from, Math.min(this.total, from + FILTER_CHUNK), acc, signal);
      this.opts.onProgress?.({
        phase: 'filter',
        done: Math.min(this.total, from + FILTER_CHUNK),
        total: this.total,
      });
      await new Promise((r) => setImmediate(r));
      if (signal?.aborted) throw new SessionError('cancelled');
    }
    const view = acc.result();
    this.view = view;
    this.filterExpr = expr;
    this.compiled = c.filter;
    return {
      ok: true,
      expr,
      displayed: view.length,
      total: this.total,
      warnings: c.warnings,
      ms: Math.round(performance.now() - t0),
    };
  }

  /** Times are relative to the first packet (frame.time_relative, the Time column). */
  private setTimeRef(): void {
    const idx = this.need().index;
    this.firstTs = { s: idx.tsSec(0), ns: idx.tsNsec(0) };
    this.state.timeRef = { ...this.firstTs };
  }

  /** A live capture grew from `before` packets: the applied filter is run over the new ones only. */
  grew(before: number): void {
    // A live capture opens empty: its first packet becomes the time reference when it arrives.
    if (before === 0 && this.total > 0) this.setTimeRef();
    if (!this.compiled || !this.view) return;
    const acc = new FilterAccumulator(this.total - before);
    this.filterChunk(this.compiled, before, this.total, acc);
    const add = acc.result();
    if (!add.length) return;
    const view = new Uint32Array(this.view.length + add.length);
    view.set(this.view);
    view.set(add, this.view.length);
    this.view = view;
  }

  /** Frame numbers matching a compiled filter, in one in-order pass (synchronous: CLI and benchmarks). */
  runFilter(filter: FilterLike, signal?: AbortSignal): Uint32Array {
    const acc = new FilterAccumulator(this.total);
    this.filterChunk(filter, 0, this.total, acc, signal);
    return acc.result();
  }

  private filterChunk(
    filter: FilterLike,
    from: number,
    to: number,
    acc: FilterAccumulator,
    signal?: AbortSignal,
  ): void {
    const selection: ItemSelection = filter.needsAll ? 'all' : filter.fields;
    // Frames the first pass has seen: the summary answers for most, only the rest are dissected again.
    const mid = Math.max(from, Math.min(to, this.analysed));
    if (from < mid) this.filterSummarised(filter, selection, from, mid, acc, signal);
    if (mid < to)
      this.scan(mid, to, selection, (i, d) => void (filter.match(d) && acc.push(i + 1)), signal, false);
  }

  /** filterChunk over analysed frames [from, to): the summary's verdicts, dissecting only where it cannot tell. */
  private filterSummarised(
    filter: FilterLike,
    selection: ItemSelection,
    from: number,
    to: number,
    acc: FilterAccumulator,
    signal?: AbortSignal,
  ): void {
    const verdicts = new Uint8Array(to - from);
    let first = -1;
    let last = -1;
    for (let i = from; i < to; i++) {
      const v = this.summary.verdict(filter, i);
      verdicts[i - from] = v;
      if (v === Verdict.Dissect) {
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first >= 0) {
      const cap = this.need();
      let stopped = false;
      cap.forEach(first, last + 1, (i, bytes) => {
        if (verdicts[i - from] !== Verdict.Dissect) return true;
        if (signal?.aborted) {
          stopped = true;
          return false;
        }
        const d = dissectFrame(this.meta(i), bytes, this.state, { selection, visited: true, columns: false });
        verdicts[i - from] = filter.match(d) ? Verdict.Yes : Verdict.No;
        return true;
      });
      if (stopped) throw new SessionError('cancelled');
    }
    for (let k = 0; k < verdicts.length; k++) if (verdicts[k] === Verdict.Yes) acc.push(from + k + 1);
  }

  /** Whether frame `no` (1-based) matches a compiled filter: the frame summary's verdict, else a dissection. */
  frameMatches(filter: FilterLike, no: number): boolean {
    if (no > this.analysed) this.analyseTo(no);
    const v = this.summary.verdict(filter, no - 1);
    if (v !== Verdict.Dissect) return v === Verdict.Yes;
    return filter.match(this.dissect(no, filter.needsAll ? 'all' : filter.fields));
  }

  /** Position of frame `no` in the current view, or -1. */
  indexOf(no: number): number {
    if (!this.view) return no >= 1 && no <= this.total ? no - 1 : -1;
    let lo = 0;
    let hi = this.view.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.view[mid];
      if (v === no) return mid;
      if (v < no) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}
