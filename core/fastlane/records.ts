/**
 * The fast lane's rows as records: what a row's text is made of (numbers, raw addresses, ids of repeated texts,
 * the bytes of the rest), written by the lane's pass into batches and made into the rows' UTF-8 text by
 * formatRecords — on the same thread, or on a thread of its own (core/cli/commands/lane-thread.ts), so that a
 * one-shot `wirelens list` formats a million rows on the second core while the first reads the capture. The
 * text is what `tsvLine` makes of the same columns (tests compare the lane's rows with the engine's).
 *
 * A record is a run of 32-bit words: a head (kind, flags and, for a plain row, its Protocol text's id), the frame
 * index, then by kind —
 * - a plain TSV row: seconds and nanoseconds since the first frame, length; the addresses (IPv4: two words;
 *   IPv6: their 32 bytes; else the two texts' lengths and Latin-1 bytes); Info as a TCP summary (ports, flags,
 *   the options' text's id, Seq, Ack, Win, Len) or its length and Latin-1 bytes;
 * - a line: its UTF-8 byte length and bytes (a row with text to escape, a text row);
 * - a frame for the formatting thread's own lane (see `frame()`): its pair's hash, length on the wire, time,
 *   captured length and bytes.
 */
import { Buffer } from 'node:buffer';
import { formatIPv6 } from '../fields/format.js';
import { view } from '../bytes/byteview.js';
import { flagNames } from '../protocols/tcp-flags.js';
import { ascii, copyBytes, digits, dotted, SEGMENT, time } from './tsv.js';
import type { LaneColumns } from './lane.js';
import type { RowStore } from './rowstore.js';

/** A batch of records: `words` words of `buffer`, and the repeated texts first used in it (their ids go on). */
export interface RecordBatch {
  buffer: ArrayBuffer;
  words: number;
  strings: string[];
  /** Views of the whole buffer, when the batch is formatted where it was written (none made then). */
  views?: RecordViews;
}

/** A batch buffer's views. */
interface RecordViews {
  w: Int32Array;
  b: Buffer;
  u8: Uint8Array;
}

const PLAIN = 1;
const LINE = 2;
const FRAME = 3;
/** A frame's flag: QUIC may be known from this frame on (FastLane.mayKnowQuic). */
const QUIC = 4;
/** Addresses: IPv6 bytes, or texts (else IPv4 numbers). */
const ADDR_V6 = 4;
const ADDR_TEXT = 8;
/** Info: a TCP summary, with "[TCP Window Update] " before it, with an Ack, with the reassembly note after it. */
const TCP = 16;
const UPDATE = 32;
const ACK = 64;
const SEGMENT_NOTE = 128;
const ID_SHIFT = 8;

const UPDATE_TEXT = '[TCP Window Update] ';
/** Node's Buffer method behind `write(s, at, 'latin1')`, without its checks (not in Node's type declarations). */
interface Latin1Writer {
  latin1Write(s: string, at: number): number;
}

/**
 * Words of a batch (256 KB, ~4000 TCP rows): small enough that the formatting thread, handed the last batch
 * when the pass ends, is done with it soon after (1 MB batches kept the lane's thread waiting ~30 ms at the end of
 * a 1M-packet list), large enough that sending one costs little.
 */
const BATCH_WORDS = 1 << 16;

/** Where the lane's rows go: a plain TSV row of its columns, or a row as a whole text. */
export interface RowOut {
  plain(i: number, sec: number, ns: number, len: number, c: LaneColumns, v6: Uint8Array | undefined): void;
  line(i: number, s: string): void;
}

/**
 * The frames the formatting side runs its own lane on (frame i of pair `h`, `len` bytes on the wire, `sec` s +
 * `ns` ns after the first frame; `quic`: see FastLane.mayKnowQuic), each in its place among the rows.
 */
export type FrameHandler = (
  i: number,
  h: number,
  bytes: Uint8Array,
  len: number,
  sec: number,
  ns: number,
  quic: boolean,
) => void;

/** Writes the records of the lane's rows; `ship` takes each full batch and says whether it keeps its buffer. */
export class RowRecords implements RowOut {
  private buffer!: ArrayBuffer;
  private w!: Int32Array;
  private b!: Buffer & Latin1Writer;
  private p = 0;
  private readonly ids = new Map<string, number>();
  private fresh: string[] = [];
  private readonly few: string[] = [];

  private u8!: Uint8Array;
  private views!: RecordViews;

  /** `ship` is handed each batch; true: it keeps the buffer (sends it to another thread), and a new one is made. */
  constructor(
    private readonly ship: (batch: RecordBatch) => boolean,
    private readonly words = BATCH_WORDS,
  ) {
    this.alloc(words);
  }

  private alloc(words: number): void {
    this.buffer = new ArrayBuffer(4 * words);
    this.w = new Int32Array(this.buffer);
    this.b = Buffer.from(this.buffer) as Buffer & Latin1Writer;
    this.u8 = new Uint8Array(this.buffer);
    this.views = { w: this.w, b: this.b, u8: this.u8 };
    this.p = 0;
  }

  /**
   * The id of a repeated text (a Protocol, TCP options). The first few texts are looked up in a short list
   * (the lane's are few, and mostly the same string objects), the rest in a map.
   */
  private id(s: string): number {
    const few = this.few;
    for (let k = 0; k < few.length; k++) if (few[k] === s) return k;
    let k = this.ids.get(s);
    if (k === undefined) {
      k = this.ids.size;
      this.ids.set(s, k);
      this.fresh.push(s);
      if (k < 16) few.push(s);
    }
    return k;
  }

  /** Room for `words` more words in the batch. */
  private room(words: number): void {
    if (this.p + words <= this.w.length) return;
    this.flush();
    if (words > this.w.length) this.alloc(Math.max(words, this.words));
  }

  /** Ships the batch so far. */
  flush(): void {
    if (this.p === 0 && this.fresh.length === 0) return;
    const kept = this.ship({ buffer: this.buffer, words: this.p, strings: this.fresh, views: this.views });
    // (A batch is read when shipped — formatted, or copied to another thread — so an empty list serves again.)
    if (this.fresh.length) this.fresh = [];
    // (A buffer kept may be gone from here: moved to another thread.)
    if (kept) this.alloc(this.words);
    else this.p = 0;
  }

  /** Writes Latin-1 text `s` at word `p`; returns the word after it. */
  private text(p: number, s: string): number {
    const at = 4 * p;
    // The runtime's copy reads a text made of pieces (most Info texts) without joining them first, as
    // charCodeAt() would; a few characters are copied here.
    if (s.length > 8) this.b.latin1Write(s, at);
    else for (let k = 0; k < s.length; k++) this.b[at + k] = s.charCodeAt(k);
    return p + ((s.length + 3) >> 2);
  }

  /**
   * Frame i's TSV row of the lane's columns `c` (Info printable ASCII, or its summary), time `sec` s + `ns` ns
   * since the first frame, `len` bytes; `v6`: an IPv6 frame's source and destination addresses (32 bytes).
   */
  plain(i: number, sec: number, ns: number, len: number, c: LaneColumns, v6: Uint8Array | undefined): void {
    const t = c.tcp;
    const addrText = c.src4 < 0 && !v6;
    const words =
      7 +
      (v6 ? 8 : addrText ? 2 + ((c.source.length + c.destination.length + 3) >> 2) + 1 : 0) +
      (t.on ? 8 : 1 + ((c.info.length + 3) >> 2));
    this.room(words);
    const w = this.w;
    let p = this.p;
    let head = PLAIN | (this.id(c.protocol) << ID_SHIFT);
    w[p + 1] = i;
    w[p + 2] = sec;
    w[p + 3] = ns;
    w[p + 4] = len;
    p += 5;
    if (v6) {
      head |= ADDR_V6;
      this.b.set(v6, 4 * p);
      p += 8;
    } else if (addrText) {
      head |= ADDR_TEXT;
      w[p] = c.source.length;
      w[p + 1] = c.destination.length;
      p = this.text(p + 2, c.source + c.destination);
    } else {
      w[p] = c.src4;
      w[p + 1] = c.dst4;
      p += 2;
    }
    if (t.on) {
      head |= TCP | (t.update ? UPDATE : 0) | (t.ack >= 0 ? ACK : 0) | (t.segment ? SEGMENT_NOTE : 0);
      w[p] = (t.sp << 16) | t.dp;
      w[p + 1] = t.flags;
      w[p + 2] = this.id(t.opts);
      w[p + 3] = t.seq;
      w[p + 4] = t.ack;
      w[p + 5] = t.win;
      w[p + 6] = t.len;
      p += 7;
    } else {
      w[p] = c.info.length;
      p = this.text(p + 1, c.info);
    }
    w[this.p] = head;
    this.p = p;
  }

  /**
   * Frame i of pair `h` itself (`bytes` captured, `len` on the wire, `sec` s + `ns` ns after the first frame),
   * for the formatting side's lane to give its row (FrameHandler): the pairs another thread takes.
   */
  frame(i: number, h: number, bytes: Uint8Array, len: number, sec: number, ns: number, quic: boolean): void {
    this.room(7 + ((bytes.length + 3) >> 2));
    const w = this.w;
    const p = this.p;
    w[p] = FRAME | (quic ? QUIC : 0);
    w[p + 1] = i;
    w[p + 2] = h;
    w[p + 3] = len;
    w[p + 4] = sec;
    w[p + 5] = ns;
    w[p + 6] = bytes.length;
    this.u8.set(bytes, 4 * (p + 7));
    this.p = p + 7 + ((bytes.length + 3) >> 2);
  }

  /** Frame i's row as a whole text (a row with text to escape, or a text-format row). */
  line(i: number, s: string): void {
    this.room(3 + ((3 * s.length + 3) >> 2));
    const w = this.w;
    const p = this.p;
    w[p] = LINE;
    w[p + 1] = i;
    const n = this.b.write(s, 4 * (p + 3), 'utf8');
    w[p + 2] = n;
    this.p = p + 3 + ((n + 3) >> 2);
  }
}

/** The most bytes a plain record's row takes beyond its texts (the No., time, numbers and fixed texts). */
const ROW_BYTES = 400;

/**
 * Makes the rows of `batch`'s records (see the top of this file) into `store`, and hands its frames to `lane`.
 * `strings` are the repeated texts of the batches before; those first used in this one are added.
 */
export function formatRecords(
  batch: RecordBatch,
  strings: string[],
  store: RowStore,
  lane?: FrameHandler,
): void {
  for (const s of batch.strings) strings.push(s);
  const { words } = batch;
  const w = batch.views?.w ?? new Int32Array(batch.buffer, 0, words);
  const b = batch.views?.b ?? Buffer.from(batch.buffer, 0, 4 * words);
  let u8 = batch.views?.u8;
  let p = 0;
  while (p < words) {
    const head = w[p];
    const i = w[p + 1];
    if ((head & 3) === LINE) {
      const n = w[p + 2];
      store.putBytes(i, b, 4 * (p + 3), 4 * (p + 3) + n);
      p += 3 + ((n + 3) >> 2);
      continue;
    }
    if ((head & 3) === FRAME) {
      const n = w[p + 6];
      if (!lane) throw new Error('a frame among the records, and no lane to give its row');
      lane(
        i,
        w[p + 2] >>> 0,
        // (A Uint8Array, as the capture reader's frames are: the lane's code sees one kind of array.)
        view((u8 ??= new Uint8Array(batch.buffer, 0, 4 * words)), 4 * (p + 7), 4 * (p + 7) + n),
        w[p + 3],
        w[p + 4],
        w[p + 5],
        (head & QUIC) !== 0,
      );
      p += 7 + ((n + 3) >> 2);
      continue;
    }
    const protocol = strings[head >>> ID_SHIFT];
    store.room(ROW_BYTES + protocol.length + textBytes(w, p, strings));
    const buf = store.chunk;
    let o = digits(buf, store.off, i + 1);
    buf[o++] = 9;
    o = time(buf, o, w[p + 2], w[p + 3]);
    buf[o++] = 9;
    const len = w[p + 4];
    p += 5;
    if (head & ADDR_V6) {
      o = ascii(buf, o, formatIPv6(b.subarray(4 * p, 4 * p + 16)));
      buf[o++] = 9;
      o = ascii(buf, o, formatIPv6(b.subarray(4 * p + 16, 4 * p + 32)));
      p += 8;
    } else if (head & ADDR_TEXT) {
      const ns = w[p];
      const nd = w[p + 1];
      const at = 4 * (p + 2);
      o = copyBytes(b, at, at + ns, buf, o);
      buf[o++] = 9;
      o = copyBytes(b, at + ns, at + ns + nd, buf, o);
      p += 2 + ((ns + nd + 3) >> 2);
    } else {
      o = dotted(buf, o, w[p] >>> 0);
      buf[o++] = 9;
      o = dotted(buf, o, w[p + 1] >>> 0);
      p += 2;
    }
    buf[o++] = 9;
    o = ascii(buf, o, protocol);
    buf[o++] = 9;
    o = digits(buf, o, len);
    buf[o++] = 9;
    if (head & TCP) {
      o = tcpInfo(buf, o, head, w, p, strings);
      p += 7;
    } else {
      const n = w[p];
      o = copyBytes(b, 4 * (p + 1), 4 * (p + 1) + n, buf, o);
      p += 1 + ((n + 3) >> 2);
    }
    buf[o++] = 10;
    store.stored(i, o);
  }
}

/** The bytes of the texts of the plain record at word `p`: addresses given as text, Info or TCP options. */
function textBytes(w: Int32Array, p: number, strings: string[]): number {
  const head = w[p];
  let q = p + 5;
  let n = 0;
  if (head & ADDR_V6) q += 8;
  else if (head & ADDR_TEXT) {
    n += w[q] + w[q + 1];
    q += 2 + ((w[q] + w[q + 1] + 3) >> 2);
  } else q += 2;
  return n + (head & TCP ? strings[w[q + 2]].length : w[q]);
}

/** Info of a TCP summary record, its words from `p`: "80 → 1234 [ACK] Seq=1 Ack=2 Win=3 Len=4 …". */
function tcpInfo(
  buf: Buffer,
  off: number,
  head: number,
  w: Int32Array,
  p: number,
  strings: string[],
): number {
  let o = off;
  if (head & UPDATE) o = ascii(buf, o, UPDATE_TEXT);
  const ports = w[p];
  o = digits(buf, o, ports >>> 16);
  // The fixed texts byte by byte, as constants (" → ": U+2192 in UTF-8).
  buf[o] = 32;
  buf[o + 1] = 0xe2;
  buf[o + 2] = 0x86;
  buf[o + 3] = 0x92;
  buf[o + 4] = 32;
  o = digits(buf, o + 5, ports & 0xffff);
  const flags = w[p + 1];
  o = put(buf, o, (FLAGS_SEQ[flags] ??= latin1Bytes(` [${flagNames(flags)}] Seq=`)));
  o = digits(buf, o, w[p + 3] >>> 0);
  if (head & ACK) {
    o = equals(buf, o, 65, 99, 107); // " Ack="
    o = digits(buf, o, w[p + 4] >>> 0);
  }
  o = equals(buf, o, 87, 105, 110); // " Win="
  o = digits(buf, o, w[p + 5] >>> 0);
  o = equals(buf, o, 76, 101, 110); // " Len="
  o = digits(buf, o, w[p + 6] >>> 0);
  const opts = strings[w[p + 2]];
  if (opts.length) o = ascii(buf, o, opts);
  if (head & SEGMENT_NOTE) o = put(buf, o, SEGMENT_TEXT);
  return o;
}

/** A text's bytes, one per character (Latin-1). */
function latin1Bytes(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** Writes `bytes` at `off`; returns the end. */
function put(buf: Uint8Array, off: number, bytes: Uint8Array): number {
  return copyBytes(bytes, 0, bytes.length, buf, off);
}

/** Writes " xyz=" (the three letters' codes) at `off`; returns the end. */
function equals(buf: Uint8Array, off: number, x: number, y: number, z: number): number {
  buf[off] = 32;
  buf[off + 1] = x;
  buf[off + 2] = y;
  buf[off + 3] = z;
  buf[off + 4] = 61;
  return off + 5;
}

const SEGMENT_TEXT = latin1Bytes(` ${SEGMENT}`);
/** " [SYN, ACK] Seq=" for each value of the flags, made once. */
const FLAGS_SEQ: Uint8Array[] = [];
