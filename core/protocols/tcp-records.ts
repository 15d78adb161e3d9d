/**
 * What TCP's first pass decided for each frame, kept column-wise: typed arrays indexed by frame number instead
 * of one record object per frame. A capture's TCP records live as long as it is open, so their size is paid
 * per packet: an object with its analysis array, boxed numbers and time objects took ~230 bytes a frame (and
 * made every old-generation collection walk a million objects), these columns ~80. A record object is made
 * again, short-lived, when a frame is re-dissected.
 */
import { resized } from '../bytes/byteview.js';
import type { Frag, Piece } from './tcp-desegment.js';

/**
 * One step of desegment_tcp: a sub-dissector call on this frame's payload or on reassembled data, the data
 * dissector for a keep-alive, or a column change ("tcpcol" sets the Protocol column back to TCP, "segnote" adds
 * "[TCP segment of a reassembled PDU]", "fence" protects what is there before the next PDU of the frame).
 */
export type Op =
  | { op: 'direct'; off: number; len: number; canDesegment: boolean; rlen?: number }
  | {
      op: 'pdu';
      /** The PDU's pieces and fragments (arrays shared with later steps: the first `len` bytes, `nfrags`). */
      pieces: readonly Piece[];
      frags: readonly Frag[];
      nfrags: number;
      len: number;
      canDesegment: boolean;
    }
  | { op: 'data'; off: number; len: number }
  | { op: 'tcpcol' }
  | { op: 'segnote' }
  /** tshark's "TCP segment data (N bytes)" line: this frame's bytes going into (or ending) a reassembly. */
  | { op: 'segdata'; off: number; len: number }
  /** tshark's "Retransmitted TCP segment data (N bytes)": a retransmission's bytes, handed to no one. */
  | { op: 'resent'; off: number; len: number }
  | { op: 'fence' }
  | { op: 'illegal' }
  | { op: 'error'; msg: string };

export const NO_OPS: readonly Op[] = [];
/** The steps without data, shared by all frames (ops are never modified). */
export const OP_TCPCOL: Op = { op: 'tcpcol' };
export const OP_SEGNOTE: Op = { op: 'segnote' };
export const OP_FENCE: Op = { op: 'fence' };
export const OP_ILLEGAL: Op = { op: 'illegal' };

/** Step codes on the tape (see FrameRecords.encodeOps). */
const DIRECT = 0;
const PDU = 1;
const DATA = 2;
const TCPCOL = 3;
const SEGNOTE = 4;
const SEGDATA = 5;
const FENCE = 6;
const ILLEGAL = 7;
const ERROR = 8;
const RESENT = 10;
/** All of a frame's steps as one reference. */
const MANY = 9;

/**
 * The sequence analysis flags, in the order the first pass decides them (keep-alive or lost segment, then the
 * kinds of retransmission, ACKed unseen segment, window update / keep-alive ACK / duplicate ACK, zero window,
 * window full): a frame's flags kept as bits come back in the order they were found.
 */
export const ANALYSIS_ORDER = [
  'keep_alive',
  'lost_segment',
  'spurious_retransmission',
  'fast_retransmission',
  'out_of_order',
  'retransmission',
  'ack_lost_segment',
  'window_update',
  'keep_alive_ack',
  'duplicate_ack',
  'zero_window',
  'window_full',
] as const;
export type Analysis = (typeof ANALYSIS_ORDER)[number];

const ANALYSIS_BIT = new Map<string, number>(ANALYSIS_ORDER.map((a, i) => [a, 1 << i]));

/** What the first pass decided for one frame; replayed on re-dissection. */
export interface FrameRecord {
  stream: number;
  dir: 0 | 1;
  relSeq: number;
  relAck: number;
  winScale: number;
  /** In ANALYSIS_ORDER. */
  analysis: readonly Analysis[];
  dupAckNum?: number;
  /** The frame whose ACK a duplicate ACK repeats. */
  dupAckFrame?: number;
  /** A retransmission's RTO: the time since the segment it counts from (see firstPass), and that frame. */
  rto?: { s: number; ns: number; frame: number };
  /** tcp.time_relative and tcp.time_delta as seconds and nanoseconds. */
  relS: number;
  relNs: number;
  deltaS: number;
  deltaNs: number;
  /** Sub-dissector calls and column changes, in order (decided on the first pass, replayed later). */
  ops: readonly Op[];
  /** This frame's payload (or its tail) belongs to a PDU completed in that frame. */
  reassembledIn?: number;
  /** The stream's completeness bits before this frame (what tshark's one pass shows). */
  completeness: number;
  /** The segment this frame ACKs, and the time since it. */
  acksFrame?: number;
  /** The RTT to that segment in nanoseconds. */
  ackRttNs?: number;
  /** The handshake's RTT, once known (the stream's). */
  irtt?: { s: number; ns: number };
  bytesInFlight?: number;
  pushBytes?: number;
}

const DIR_1 = 1;
const HAS_IRTT = 2;

/**
 * The records by frame number. Unset values use a value the field never has: stream + 1 (0 = no record),
 * frame numbers (from 1) and byte counts (bytes in flight and pushed are never 0 when known) 0, the RTT NaN.
 */
export class FrameRecords {
  private cap = 0;
  private stream1 = new Uint32Array(0);
  private relSeq = new Uint32Array(0);
  private relAck = new Uint32Array(0);
  private winScale = new Int8Array(0);
  private bits = new Uint8Array(0);
  private analysis = new Uint16Array(0);
  private completeness = new Uint8Array(0);
  private relS = new Float64Array(0);
  private relNs = new Int32Array(0);
  private deltaS = new Float64Array(0);
  private deltaNs = new Int32Array(0);
  private acksFrame = new Uint32Array(0);
  private ackRttNs = new Float64Array(0);
  private bytesInFlight = new Uint32Array(0);
  private pushBytes = new Float64Array(0);
  private reassembledIn = new Uint32Array(0);
  /** Rare: duplicate ACK number and frame. */
  private readonly dupAcks = new Map<number, [num: number, frame: number]>();
  /** Retransmissions' RTOs (rare: a map, not a column). */
  private readonly rtos = new Map<number, { s: number; ns: number; frame: number }>();
  /**
   * The steps of every frame, encoded one after the other as integers (a code, then its numbers): a frame with
   * payload has one to three steps, and as objects in an array of their own they took more room than all of
   * the record's other columns together. A frame's steps are `opCount` entries from `opStart`.
   */
  private tape = new Int32Array(4096);
  private tapeLen = 0;
  private opStart = new Uint32Array(0);
  private opCount = new Uint8Array(0);
  /** What a step refers to and the tape cannot hold: PDU steps (their pieces), error messages. */
  private readonly refs: (Op | string | readonly Op[])[] = [];
  /** Decoded analysis lists by bit set, shared by every record with the same flags. */
  private readonly lists = new Map<number, readonly Analysis[]>([[0, []]]);
  /**
   * The record of the frame the first pass is in, as the object it made: its steps are added while its payload
   * is dissected (and read back by then), so they are stored when the next record is.
   */
  private live: FrameRecord | undefined;
  private liveN = 0;

  constructor(
    /** The stream's handshake RTT (a record only says whether it was known at its frame). */
    private readonly irttOf: (stream: number) => { s: number; ns: number } | undefined,
  ) {}

  private grow(n: number): void {
    let cap = Math.max(1024, this.cap);
    while (cap <= n) cap *= 2;
    this.stream1 = resized(this.stream1, cap);
    this.relSeq = resized(this.relSeq, cap);
    this.relAck = resized(this.relAck, cap);
    this.winScale = resized(this.winScale, cap);
    this.bits = resized(this.bits, cap);
    this.analysis = resized(this.analysis, cap);
    this.completeness = resized(this.completeness, cap);
    this.relS = resized(this.relS, cap);
    this.relNs = resized(this.relNs, cap);
    this.deltaS = resized(this.deltaS, cap);
    this.deltaNs = resized(this.deltaNs, cap);
    this.acksFrame = resized(this.acksFrame, cap);
    this.ackRttNs = resized(this.ackRttNs, cap);
    this.bytesInFlight = resized(this.bytesInFlight, cap);
    this.pushBytes = resized(this.pushBytes, cap);
    this.reassembledIn = resized(this.reassembledIn, cap);
    this.opStart = resized(this.opStart, cap);
    this.opCount = resized(this.opCount, cap);
    this.cap = cap;
  }

  /** Stores (or replaces) frame n's record; until the next one is stored, `r` itself is frame n's record. */
  put(n: number, r: FrameRecord): void {
    this.settle();
    if (n >= this.cap) this.grow(n);
    this.stream1[n] = r.stream + 1;
    this.relSeq[n] = r.relSeq;
    this.relAck[n] = r.relAck;
    this.winScale[n] = r.winScale;
    this.bits[n] = (r.dir === 1 ? DIR_1 : 0) | (r.irtt ? HAS_IRTT : 0);
    let mask = 0;
    for (const a of r.analysis) mask |= ANALYSIS_BIT.get(a) ?? 0;
    this.analysis[n] = mask;
    this.completeness[n] = r.completeness;
    this.relS[n] = r.relS;
    this.relNs[n] = r.relNs;
    this.deltaS[n] = r.deltaS;
    this.deltaNs[n] = r.deltaNs;
    this.acksFrame[n] = r.acksFrame ?? 0;
    this.ackRttNs[n] = r.ackRttNs ?? NaN;
    this.bytesInFlight[n] = r.bytesInFlight ?? 0;
    this.pushBytes[n] = r.pushBytes ?? 0;
    this.reassembledIn[n] = r.reassembledIn ?? 0;
    if (r.dupAckNum !== undefined || r.dupAckFrame !== undefined)
      this.dupAcks.set(n, [r.dupAckNum ?? 0, r.dupAckFrame ?? 0]);
    else this.dupAcks.delete(n);
    if (r.rto) this.rtos.set(n, r.rto);
    else this.rtos.delete(n);
    this.live = r;
    this.liveN = n;
  }

  /** Stores the steps of the live record. */
  private settle(): void {
    const r = this.live;
    if (!r) return;
    this.live = undefined;
    this.encodeOps(this.liveN, r.ops);
  }

  private push(...values: number[]): void {
    if (this.tapeLen + values.length > this.tape.length) this.tape = resized(this.tape, this.tape.length * 2);
    for (const v of values) this.tape[this.tapeLen++] = v;
  }

  /** Appends frame n's steps to the tape (a frame stored again leaves its earlier steps unused there). */
  private encodeOps(n: number, ops: readonly Op[]): void {
    // A frame with more steps than a count holds (never seen: one PDU and its notes per segment) keeps them
    // as a reference.
    if (ops.length > 255) {
      this.opStart[n] = this.tapeLen;
      this.opCount[n] = 1;
      this.push(MANY, this.refs.length);
      this.refs.push(ops);
      return;
    }
    this.opStart[n] = this.tapeLen;
    this.opCount[n] = ops.length;
    for (const o of ops) {
      switch (o.op) {
        case 'direct':
          this.push(DIRECT, o.off, o.len, o.canDesegment ? 1 : 0, o.rlen ?? -1);
          break;
        case 'pdu':
          this.push(PDU, this.refs.length);
          this.refs.push(o);
          break;
        case 'data':
          this.push(DATA, o.off, o.len);
          break;
        case 'segdata':
          this.push(SEGDATA, o.off, o.len);
          break;
        case 'resent':
          this.push(RESENT, o.off, o.len);
          break;
        case 'error':
          this.push(ERROR, this.refs.length);
          this.refs.push(o.msg);
          break;
        case 'tcpcol':
          this.push(TCPCOL);
          break;
        case 'segnote':
          this.push(SEGNOTE);
          break;
        case 'fence':
          this.push(FENCE);
          break;
        case 'illegal':
          this.push(ILLEGAL);
          break;
      }
    }
  }

  private decodeOps(n: number): readonly Op[] {
    const count = this.opCount[n];
    if (!count) return NO_OPS;
    const t = this.tape;
    let i = this.opStart[n];
    if (t[i] === MANY) return this.refs[t[i + 1]] as readonly Op[];
    const ops: Op[] = [];
    for (let k = 0; k < count; k++) {
      switch (t[i]) {
        case DIRECT: {
          const o: Extract<Op, { op: 'direct' }> = {
            op: 'direct',
            off: t[i + 1],
            len: t[i + 2],
            canDesegment: t[i + 3] === 1,
          };
          if (t[i + 4] >= 0) o.rlen = t[i + 4];
          ops.push(o);
          i += 5;
          break;
        }
        case PDU: {
          const ref = this.refs[t[i + 1]] as Op;
          ops.push(ref);
          i += 2;
          break;
        }
        case DATA:
          ops.push({ op: 'data', off: t[i + 1], len: t[i + 2] });
          i += 3;
          break;
        case SEGDATA:
          ops.push({ op: 'segdata', off: t[i + 1], len: t[i + 2] });
          i += 3;
          break;
        case RESENT:
          ops.push({ op: 'resent', off: t[i + 1], len: t[i + 2] });
          i += 3;
          break;
        case ERROR:
          ops.push({ op: 'error', msg: this.refs[t[i + 1]] as string });
          i += 2;
          break;
        case TCPCOL:
          ops.push(OP_TCPCOL);
          i++;
          break;
        case SEGNOTE:
          ops.push(OP_SEGNOTE);
          i++;
          break;
        case FENCE:
          ops.push(OP_FENCE);
          i++;
          break;
        default:
          ops.push(OP_ILLEGAL);
          i++;
      }
    }
    return ops;
  }

  setReassembledIn(n: number, frame: number): void {
    if (!this.has(n)) return;
    this.reassembledIn[n] = frame;
    if (this.live && n === this.liveN) this.live.reassembledIn = frame;
  }

  has(n: number): boolean {
    return n < this.cap && this.stream1[n] !== 0;
  }

  /** tcp.stream of frame n, if it has a record. */
  streamOf(n: number): number | undefined {
    return this.has(n) ? this.stream1[n] - 1 : undefined;
  }

  /** Frame n's record, as a new object (undefined when the first pass has not seen a TCP header there). */
  get(n: number): FrameRecord | undefined {
    if (this.live && n === this.liveN) return this.live;
    if (!this.has(n)) return undefined;
    const stream = this.stream1[n] - 1;
    const bits = this.bits[n];
    const dup = this.dupAcks.get(n);
    const rtt = this.ackRttNs[n];
    return {
      stream,
      dir: bits & DIR_1 ? 1 : 0,
      relSeq: this.relSeq[n],
      relAck: this.relAck[n],
      winScale: this.winScale[n],
      analysis: this.analysisList(this.analysis[n]),
      dupAckNum: dup?.[0],
      dupAckFrame: dup?.[1],
      rto: this.rtos.get(n),
      relS: this.relS[n],
      relNs: this.relNs[n],
      deltaS: this.deltaS[n],
      deltaNs: this.deltaNs[n],
      ops: this.decodeOps(n),
      reassembledIn: this.reassembledIn[n] || undefined,
      completeness: this.completeness[n],
      acksFrame: this.acksFrame[n] || undefined,
      ackRttNs: Number.isNaN(rtt) ? undefined : rtt,
      irtt: bits & HAS_IRTT ? this.irttOf(stream) : undefined,
      bytesInFlight: this.bytesInFlight[n] || undefined,
      pushBytes: this.pushBytes[n] || undefined,
    };
  }

  private analysisList(mask: number): readonly Analysis[] {
    let list = this.lists.get(mask);
    if (!list) {
      list = ANALYSIS_ORDER.filter((_, i) => mask & (1 << i));
      this.lists.set(mask, list);
    }
    return list;
  }
}
