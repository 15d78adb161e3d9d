/**
 * TCP: header, options, relative sequence numbers and stream index like Wireshark, sequence analysis
 * (retransmission, out-of-order, lost segment, ACKed unseen, dup ACK, window update/full, keep-alive, zero window)
 * and per-direction reassembly for sub-dissectors that ask for more data (ctx.pinfo.data 'tcp.desegment').
 *
 * Everything that depends on earlier packets is decided on the first in-order pass and stored per frame
 * (a FrameRecord); a later re-dissection replays that record, re-reading the segments of a reassembled PDU
 * from the capture (state.readFrame) instead of keeping payload copies.
 */
import { bool, bytes as bytesField, frameNum, relTime, str, uint } from '../fields/registry.js';
import {
  defineProtocol,
  type DissectCtx,
  type Protocol,
  lookupTable,
  getHeuristics,
} from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';

const FLAG_NAMES: [number, string][] = [
  [0x001, 'FIN'],
  [0x002, 'SYN'],
  [0x004, 'RST'],
  [0x008, 'PSH'],
  [0x010, 'ACK'],
  [0x020, 'URG'],
  [0x040, 'ECE'],
  [0x080, 'CWR'],
  [0x100, 'AE'],
];

const f = {
  srcport: uint('tcp.srcport', 'Source Port', 16),
  dstport: uint('tcp.dstport', 'Destination Port', 16),
  port: uint('tcp.port', 'Source or Destination Port', 16),
  stream: uint('tcp.stream', 'Stream index', 32),
  completeness: uint('tcp.completeness', 'Conversation completeness', 8),
  len: uint('tcp.len', 'TCP Segment Len', 32),
  seq: uint('tcp.seq', 'Sequence Number', 32),
  seqRaw: uint('tcp.seq_raw', 'Sequence Number (raw)', 32),
  nxtseq: uint('tcp.nxtseq', 'Next Sequence Number', 32),
  ack: uint('tcp.ack', 'Acknowledgment Number', 32),
  ackRaw: uint('tcp.ack_raw', 'Acknowledgment number (raw)', 32),
  hdrLen: uint('tcp.hdr_len', 'Header Length', 8),
  flags: uint('tcp.flags', 'Flags', 16, { base: 'hex' }),
  res: bool('tcp.flags.res', 'Reserved', { trueFalse: ['Set', 'Not set'] }),
  ae: bool('tcp.flags.ae', 'Accurate ECN', { trueFalse: ['Set', 'Not set'] }),
  ns: bool('tcp.flags.ns', 'Nonce', { trueFalse: ['Set', 'Not set'] }),
  cwr: bool('tcp.flags.cwr', 'Congestion Window Reduced', { trueFalse: ['Set', 'Not set'] }),
  ece: bool('tcp.flags.ece', 'ECN-Echo', { trueFalse: ['Set', 'Not set'] }),
  urg: bool('tcp.flags.urg', 'Urgent', { trueFalse: ['Set', 'Not set'] }),
  ackf: bool('tcp.flags.ack', 'Acknowledgment', { trueFalse: ['Set', 'Not set'] }),
  push: bool('tcp.flags.push', 'Push', { trueFalse: ['Set', 'Not set'] }),
  reset: bool('tcp.flags.reset', 'Reset', { trueFalse: ['Set', 'Not set'] }),
  syn: bool('tcp.flags.syn', 'Syn', { trueFalse: ['Set', 'Not set'] }),
  fin: bool('tcp.flags.fin', 'Fin', { trueFalse: ['Set', 'Not set'] }),
  flagsStr: str('tcp.flags.str', 'TCP Flags'),
  window: uint('tcp.window_size_value', 'Window', 16),
  windowSize: uint('tcp.window_size', 'Calculated window size', 32),
  windowScale: int32('tcp.window_size_scalefactor', 'Window size scaling factor'),
  checksum: uint('tcp.checksum', 'Checksum', 16, { base: 'hex' }),
  checksumStatus: uint('tcp.checksum.status', 'Checksum Status', 8, {
    strings: { 0: 'Bad', 1: 'Good', 2: 'Unverified' },
  }),
  urgent: uint('tcp.urgent_pointer', 'Urgent Pointer', 16),
  options: bytesField('tcp.options', 'Options'),
  mss: uint('tcp.options.mss_val', 'MSS Value', 16),
  wscaleShift: uint('tcp.options.wscale.shift', 'Shift count', 8),
  wscaleMult: uint('tcp.options.wscale.multiplier', 'Multiplier', 16),
  sackPerm: none0('tcp.options.sack_perm', 'TCP SACK Permitted Option'),
  sackLe: uint('tcp.options.sack_le', 'left edge', 32),
  sackRe: uint('tcp.options.sack_re', 'right edge', 32),
  tsval: uint('tcp.options.timestamp.tsval', 'Timestamp value', 32),
  tsecr: uint('tcp.options.timestamp.tsecr', 'Timestamp echo reply', 32),
  payload: bytesField('tcp.payload', 'TCP payload'),
  timeRelative: relTime('tcp.time_relative', 'Time since first frame in this TCP stream'),
  timeDelta: relTime('tcp.time_delta', 'Time since previous frame in this TCP stream'),
  analysis: proto0('tcp.analysis', 'SEQ/ACK analysis'),
  analysisFlags: none1('tcp.analysis.flags', 'TCP Analysis Flags'),
  retransmission: none1('tcp.analysis.retransmission', 'This frame is a (suspected) retransmission'),
  outOfOrder: none1('tcp.analysis.out_of_order', 'This frame is a (suspected) out-of-order segment'),
  lostSegment: none1(
    'tcp.analysis.lost_segment',
    'Previous segment(s) not captured (common at capture start)',
  ),
  ackLostSegment: none1(
    'tcp.analysis.ack_lost_segment',
    "ACKed segment that wasn't captured (common at capture start)",
  ),
  duplicateAck: none1('tcp.analysis.duplicate_ack', 'Duplicate ACK'),
  duplicateAckNum: uint('tcp.analysis.duplicate_ack_num', 'Duplicate ACK #', 32),
  windowUpdate: none1('tcp.analysis.window_update', 'TCP window update'),
  windowFull: none1(
    'tcp.analysis.window_full',
    'TCP window specified by the receiver is now completely full',
  ),
  keepAlive: none1('tcp.analysis.keep_alive', 'TCP keep-alive segment'),
  keepAliveAck: none1('tcp.analysis.keep_alive_ack', 'ACK to a TCP keep-alive segment'),
  zeroWindow: none1('tcp.analysis.zero_window', 'TCP Zero Window segment'),
  bytesInFlight: uint('tcp.analysis.bytes_in_flight', 'Bytes in flight', 32),
  ackedFrame: frameNum('tcp.analysis.acks_frame', 'This is an ACK to the segment in frame'),
  segments: none1('tcp.segments', 'Reassembled TCP Segments'),
  segment: frameNum('tcp.segment', 'TCP Segment'),
  segmentCount: uint('tcp.segment.count', 'Segment count', 32),
  reassembledIn: frameNum('tcp.reassembled_in', 'Reassembled PDU in frame'),
  reassembledLength: uint('tcp.reassembled.length', 'Reassembled TCP length', 32),
  reassembledData: bytesField('tcp.reassembled.data', 'Reassembled TCP Data'),
  pduSize: uint('tcp.pdu.size', 'PDU Size', 32),
};

import { registry } from '../fields/registry.js';
function int32(abbrev: string, name: string) {
  return registry.register(abbrev, name, 'int', { bits: 32 });
}
function none0(abbrev: string, name: string) {
  return registry.register(abbrev, name, 'none');
}
function none1(abbrev: string, name: string) {
  return registry.register(abbrev, name, 'none');
}
function proto0(abbrev: string, name: string) {
  return registry.register(abbrev, name, 'none');
}

/** Per-direction state of a stream on the first pass. */
interface Dir {
  base?: number;
  /** Highest sequence number seen + length (relative), i.e. the next expected. */
  next?: number;
  lastAck?: number;
  lastWin?: number;
  lastSeq?: number;
  dupAcks: number;
  dupAckOf?: number;
  winScale: number; // -1 unknown, -2 no scaling
  fin: boolean;
  /** Sequence ranges not yet seen (after a "previous segment not captured"). */
  gaps: [number, number][];
  /** PDU being reassembled: where it starts and what it has so far. */
  pdu?: PendingPdu;
}

interface PendingPdu {
  start: number; // relative seq of the PDU's first byte
  need: number; // total length needed, or -1 for "at least one more segment"
  segs: Seg[];
  have: number;
}

/** A piece of payload in frame `frame` at byte offset `off` (in the frame), length `len`. */
type Seg = [frame: number, off: number, len: number];

interface Stream {
  id: number;
  dirs: [Dir, Dir];
  /** Address:port of side 0. */
  a: string;
  firstTs: { s: number; ns: number };
  lastTs: { s: number; ns: number };
}

interface TcpState {
  streams: Map<string, Stream>;
  /** Streams by index (the stream table above is keyed by address/port tuple). */
  byId: Stream[];
  count: number;
}

/** What the first pass decided for one frame; replayed on re-dissection. */
interface FrameRecord {
  stream: number;
  dir: 0 | 1;
  relSeq: number;
  relAck: number;
  winScale: number;
  analysis: string[];
  dupAckNum?: number;
  timeRel: { s: number; ns: number };
  timeDelta: { s: number; ns: number };
  /** Sub-dissector calls in order. */
  calls: Call[];
  /** This frame's payload (or its tail) belongs to a PDU completed in that frame (or -1 if never). */
  reassembledIn?: number;
  error?: string;
}

type Call = { kind: 'direct'; off: number; len: number } | { kind: 'pdu'; segs: Seg[]; len: number };

const newDir = (): Dir => ({ dupAcks: 0, winScale: -1, fin: false, gaps: [] });

function tsub(a: { s: number; ns: number }, b: { s: number; ns: number }): { s: number; ns: number } {
  let s = a.s - b.s;
  let ns = a.ns - b.ns;
  if (ns < 0) {
    ns += 1e9;
    s--;
  }
  return { s, ns };
}

const u32 = (x: number) => x >>> 0;
const rel = (x: number, base: number) => u32(x - base);

export interface Desegment {
  /** Offset (in the data given to the sub-dissector) where the incomplete PDU starts. */
  offset: number;
  /** Bytes needed from `offset` for the PDU to be complete, or -1 for "one more segment". */
  need: number;
}

function findSub(lo: number, hi: number): Protocol[] {
  const out: Protocol[] = [];
  for (const k of [lo, hi]) {
    const p = lookupTable('tcp.port', k);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

/**
 * Calls the sub-dissector on `sub` (a context over the data). Returns the desegment request, if any.
 * When the sub-dissector asks for more data, the layers it added are rolled back (as in Wireshark, the frame
 * then shows as a TCP segment), but the Info text it set stays.
 */
function callSub(ctx: DissectCtx, sub: DissectCtx, lo: number, hi: number): Desegment | undefined {
  const mark = ctx.mark();
  ctx.pinfo.data.delete('tcp.desegment');
  let taken = false;
  for (const p of findSub(lo, hi)) {
    if (sub.call(p, 0, sub.view.length, true) !== false) {
      taken = true;
      break;
    }
  }
  if (!taken) {
    for (const p of getHeuristics('tcp')) {
      if (sub.call(p, 0, sub.view.length, true) !== false) {
        taken = true;
        break;
      }
    }
  }
  const d = ctx.pinfo.data.get('tcp.desegment') as Desegment | undefined;
  ctx.pinfo.data.delete('tcp.desegment');
  if (!taken) {
    sub.data(0);
    return undefined;
  }
  if (d && d.offset === 0) ctx.rollback(mark);
  return d;
}

export const tcp = defineProtocol({
  abbrev: 'tcp',
  name: 'Transmission Control Protocol',
  registerIn: { 'ip.proto': 6 },
  dissect(ctx) {
    const v = ctx.view;
    const sp = v.u16be(0);
    const dp = v.u16be(2);
    const seqRaw = v.u32be(4);
    const ackRaw = v.u32be(8);
    const hl = (v.u8(12) >> 4) * 4;
    const flags = v.u16be(12) & 0x1ff;
    const win = v.u16be(14);
    ctx.pinfo.srcPort = sp;
    ctx.pinfo.dstPort = dp;
    ctx.pinfo.ptype = 'tcp';
    ctx.columns.protocol = 'TCP';
    ctx.add(f.srcport, 0, 2, sp);
    ctx.add(f.dstport, 2, 2, dp);
    ctx.add(f.port, 0, 2, sp, { hidden: true });
    ctx.add(f.port, 2, 2, dp, { hidden: true });
    if (hl < 20) {
      ctx.columns.info = `${sp} → ${dp} [BOGUS TCP HEADER LENGTH (${hl}, must be at least 20)]`;
      ctx.expert(undefined, 'error', 'malformed', `Bogus TCP header length (${hl}, must be at least 20)`);
      return;
    }
    v.check(0, hl);
    const reported = ctx.pinfo.data.get('ip.payload_len') as number | undefined;
    // Segment length as the IP header reports it; the capture may hold fewer bytes (snaplen).
    const payloadLen = reported !== undefined && reported >= hl ? reported - hl : v.length - hl;
    const capturedPayload = Math.max(0, Math.min(payloadLen, v.length - hl));
    const n = ctx.frame.number;
    const src = `${ctx.pinfo.netSrc}:${sp}`;
    const dst = `${ctx.pinfo.netDst}:${dp}`;
    const ts = { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec };

    // ── options (needed by the first pass for window scaling) ──
    const opts: { kind: number; off: number; len: number }[] = [];
    for (let o = 20; o < hl;) {
      const k = v.u8(o);
      if (k === 0) {
        opts.push({ kind: 0, off: o, len: 1 });
        break;
      }
      if (k === 1) {
        opts.push({ kind: 1, off: o, len: 1 });
        o++;
        continue;
      }
      const l = o + 1 < hl ? v.u8(o + 1) : 0;
      if (l < 2 || o + l > hl) break;
      opts.push({ kind: k, off: o, len: l });
      o += l;
    }
    const wsOpt = opts.find((o) => o.kind === 3 && o.len === 3);

    let rec = ctx.state.getFrame<FrameRecord>('tcp.rec', n);
    const st = ctx.state.get<TcpState>('tcp', () => ({ streams: new Map(), byId: [], count: 0 }));
    if (!rec || !ctx.visited) {
      rec = firstPass(ctx, st, {
        sp,
        dp,
        src,
        dst,
        seqRaw,
        ackRaw,
        flags,
        win,
        payloadLen,
        capturedPayload,
        hl,
        ts,
        wsShift: wsOpt ? v.u8(wsOpt.off + 2) : undefined,
      });
      ctx.state.setFrame('tcp.rec', n, rec);
    }

    const seq = rec.relSeq;
    const ack = rec.relAck;
    const hasAck = (flags & 0x10) !== 0;
    ctx.add(f.stream, 0, 0, rec.stream, { generated: true });
    ctx.add(f.len, 12, 1, payloadLen, { generated: true });
    ctx.add(f.seq, 4, 4, seq, { label: () => `Sequence Number: ${seq}    (relative sequence number)` });
    ctx.add(f.seqRaw, 4, 4, seqRaw);
    if (payloadLen > 0 || flags & 3) {
      const nxt = seq + payloadLen + (flags & 3 ? 1 : 0);
      ctx.add(f.nxtseq, 4, 4, nxt, {
        generated: true,
        label: () => `[Next Sequence Number: ${nxt}    (relative sequence number)]`,
      });
    }
    ctx.add(f.ack, 8, 4, hasAck ? ack : 0, {
      label: () => `Acknowledgment Number: ${hasAck ? ack : 0}    (relative ack number)`,
    });
    ctx.add(f.ackRaw, 8, 4, ackRaw);
    ctx.add(f.hdrLen, 12, 1, hl, {
      label: () => `${(hl / 4).toString(2).padStart(4, '0')} .... = Header Length: ${hl} bytes (${hl / 4})`,
    });
    const names = FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
    const fItem = ctx.add(f.flags, 12, 2, flags, {
      label: () => `Flags: 0x${flags.toString(16).padStart(3, '0')} (${names.join(', ')})`,
    });
    const fp = { parent: fItem };
    ctx.add(f.res, 12, 1, (v.u8(12) & 0x0e) !== 0, fp);
    ctx.add(f.ae, 12, 1, (flags & 0x100) !== 0, fp);
    ctx.add(f.ns, 12, 1, (flags & 0x100) !== 0, { ...fp, hidden: true });
    ctx.add(f.cwr, 13, 1, (flags & 0x80) !== 0, fp);
    ctx.add(f.ece, 13, 1, (flags & 0x40) !== 0, fp);
    ctx.add(f.urg, 13, 1, (flags & 0x20) !== 0, fp);
    ctx.add(f.ackf, 13, 1, hasAck, fp);
    ctx.add(f.push, 13, 1, (flags & 0x08) !== 0, fp);
    ctx.add(f.reset, 13, 1, (flags & 0x04) !== 0, fp);
    ctx.add(f.syn, 13, 1, (flags & 0x02) !== 0, fp);
    ctx.add(f.fin, 13, 1, (flags & 0x01) !== 0, fp);
    if (ctx.fullTree) {
      const letters =
        '········' +
        (flags & 0x100 ? 'A' : '·') +
        (flags & 0x80 ? 'C' : '·') +
        (flags & 0x40 ? 'E' : '·') +
        (flags & 0x20 ? 'U' : '·') +
        (flags & 0x10 ? 'A' : '·') +
        (flags & 0x08 ? 'P' : '·') +
        (flags & 0x04 ? 'R' : '·') +
        (flags & 0x02 ? 'S' : '·') +
        (flags & 0x01 ? 'F' : '·');
      ctx.add(f.flagsStr, 12, 2, letters.slice(-12), { ...fp, generated: true });
    }
    const scaled = flags & 0x02 || rec.winScale < 0 ? win : win * 2 ** rec.winScale;
    ctx.add(f.window, 14, 2, win);
    ctx.add(f.windowSize, 14, 2, scaled, { generated: true });
    ctx.add(
      f.windowScale,
      14,
      2,
      flags & 0x02 ? -1 : rec.winScale === -2 ? -2 : rec.winScale < 0 ? -1 : 2 ** rec.winScale,
      { generated: true },
    );
    ctx.add(f.checksum, 16, 2, v.u16be(16));
    ctx.add(f.checksumStatus, 16, 2, 2, { generated: true });
    ctx.add(f.urgent, 18, 2, v.u16be(18));

    let info = `${sp} → ${dp} [${names.join(', ')}] Seq=${seq}${hasAck ? ` Ack=${ack}` : ''} Win=${scaled} Len=${payloadLen}`;
    if (flags & 0x20) info += ` Urg=${v.u16be(18)}`;
    if (opts.length) {
      const oi = ctx.add(f.options, 20, hl - 20, v.slice(20, hl - 20), {
        label: () => `Options: (${hl - 20} bytes)`,
      });
      for (const o of opts) {
        switch (o.kind) {
          case 2:
            if (o.len === 4) {
              const mss = v.u16be(o.off + 2);
              ctx.add(f.mss, o.off + 2, 2, mss, { parent: oi });
              info += ` MSS=${mss}`;
            }
            break;
          case 3:
            if (o.len === 3) {
              const shift = v.u8(o.off + 2);
              ctx.add(f.wscaleShift, o.off + 2, 1, shift, { parent: oi });
              ctx.add(f.wscaleMult, o.off + 2, 1, 2 ** Math.min(shift, 14), { parent: oi });
              info += ` WS=${2 ** Math.min(shift, 14)}`;
            }
            break;
          case 4:
            ctx.add(f.sackPerm, o.off, o.len, null, { parent: oi, label: 'TCP Option - SACK permitted' });
            info += ' SACK_PERM';
            break;
          case 5: {
            const other = st.streams.get(streamKey(src, dst));
            const base = other ? (other.dirs[rec.dir === 0 ? 1 : 0].base ?? 0) : 0;
            for (let e = o.off + 2; e + 8 <= o.off + o.len; e += 8) {
              const le = rel(v.u32be(e), base);
              const re = rel(v.u32be(e + 4), base);
              ctx.add(f.sackLe, e, 4, le, { parent: oi });
              ctx.add(f.sackRe, e + 4, 4, re, { parent: oi });
              info += ` SLE=${le} SRE=${re}`;
            }
            break;
          }
          case 8:
            if (o.len === 10) {
              const tsval = v.u32be(o.off + 2);
              const tsecr = v.u32be(o.off + 6);
              ctx.add(f.tsval, o.off + 2, 4, tsval, { parent: oi });
              ctx.add(f.tsecr, o.off + 6, 4, tsecr, { parent: oi });
              info += ` TSval=${tsval} TSecr=${tsecr}`;
            }
            break;
          default:
            break;
        }
      }
    }
    ctx.add(f.timeRelative, 0, 0, rec.timeRel, { generated: true });
    ctx.add(f.timeDelta, 0, 0, rec.timeDelta, { generated: true });
    if (rec.analysis.length) {
      const an = ctx.add(f.analysis, 0, 0, null, { generated: true, label: '[SEQ/ACK analysis]' });
      const af = ctx.add(f.analysisFlags, 0, 0, null, {
        parent: an,
        generated: true,
        label: '[TCP Analysis Flags]',
      });
      for (const a of rec.analysis) {
        const fld = ANALYSIS_FIELDS[a];
        if (!fld) continue;
        const it = ctx.add(fld, 0, 0, null, { parent: af, generated: true, label: () => `[${fld.name}]` });
        ctx.expert(
          it,
          a === 'duplicate_ack' || a === 'window_update' || a === 'keep_alive' ? 'note' : 'warn',
          'sequence',
          fld.name,
        );
        if (a === 'duplicate_ack' && rec.dupAckNum)
          ctx.add(f.duplicateAckNum, 0, 0, rec.dupAckNum, { parent: an, generated: true });
      }
    }
    const prefix = rec.analysis
      .map((a) => ANALYSIS_INFO[a])
      .filter(Boolean)
      .join(' ');
    ctx.columns.info = prefix ? `${prefix} ${info}` : info;
    ctx.setLabel(
      ctx.top,
      () =>
        `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Seq: ${seq}${hasAck ? `, Ack: ${ack}` : ''}, Len: ${payloadLen}`,
    );
    ctx.setLength(ctx.top, hl);
    if (capturedPayload <= 0) return;
    const payloadItem = ctx.add(f.payload, hl, capturedPayload, v.slice(hl, capturedPayload), {
      label: () => `TCP payload (${payloadLen} byte${payloadLen === 1 ? '' : 's'})`,
    });
    if (rec.reassembledIn !== undefined && rec.reassembledIn !== n && rec.reassembledIn > 0) {
      ctx.add(f.reassembledIn, 0, 0, rec.reassembledIn, {
        parent: payloadItem,
        generated: true,
        label: () => `[Reassembled PDU in frame: ${rec.reassembledIn}]`,
      });
    }
    ctx.pinfo.data.set('tcp.stream', rec.stream);
    replayCalls(ctx, rec, hl, Math.min(sp, dp), Math.max(sp, dp), prefix);
  },
});

const ANALYSIS_FIELDS: Record<string, ReturnType<typeof none1>> = {
  retransmission: f.retransmission,
  out_of_order: f.outOfOrder,
  lost_segment: f.lostSegment,
  ack_lost_segment: f.ackLostSegment,
  duplicate_ack: f.duplicateAck,
  window_update: f.windowUpdate,
  window_full: f.windowFull,
  keep_alive: f.keepAlive,
  zero_window: f.zeroWindow,
};
const ANALYSIS_INFO: Record<string, string> = {
  lost_segment: '[TCP Previous segment not captured]',
  retransmission: '[TCP Retransmission]',
  out_of_order: '[TCP Out-Of-Order]',
  ack_lost_segment: '[TCP ACKed unseen segment]',
  window_update: '[TCP Window Update]',
  window_full: '[TCP Window Full]',
  keep_alive: '[TCP Keep-Alive]',
  zero_window: '[TCP ZeroWindow]',
};

function streamKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

interface Seen {
  sp: number;
  dp: number;
  src: string;
  dst: string;
  seqRaw: number;
  ackRaw: number;
  flags: number;
  win: number;
  payloadLen: number;
  capturedPayload: number;
  hl: number;
  ts: { s: number; ns: number };
  wsShift?: number;
}

function firstPass(ctx: DissectCtx, st: TcpState, p: Seen): FrameRecord {
  const key = streamKey(p.src, p.dst);
  let s = st.streams.get(key);
  const syn = (p.flags & 0x02) !== 0;
  const ackf = (p.flags & 0x10) !== 0;
  const fin = (p.flags & 0x01) !== 0;
  const rst = (p.flags & 0x04) !== 0;
  // A new SYN on a tuple whose earlier connection ended (or used another ISN) starts a new stream.
  if (s && syn && !ackf) {
    const d0 = s.dirs[s.a === p.src ? 0 : 1];
    if (d0.base !== undefined && d0.base !== p.seqRaw) s = undefined;
  }
  if (!s) {
    s = { id: st.count++, dirs: [newDir(), newDir()], a: p.src, firstTs: p.ts, lastTs: p.ts };
    st.streams.set(key, s);
    st.byId[s.id] = s;
  }
  const dir: 0 | 1 = s.a === p.src ? 0 : 1;
  const me = s.dirs[dir];
  const peer = s.dirs[dir === 0 ? 1 : 0];
  const timeRel = tsub(p.ts, s.firstTs);
  const timeDelta = tsub(p.ts, s.lastTs);
  s.lastTs = p.ts;

  if (me.base === undefined) me.base = syn ? p.seqRaw : u32(p.seqRaw - 1);
  if (ackf && peer.base === undefined) peer.base = u32(p.ackRaw - 1);
  if (syn) {
    if (p.wsShift !== undefined) me.winScale = Math.min(p.wsShift, 14);
    else me.winScale = -2;
    if (ackf && peer.winScale === -2) me.winScale = -2;
    if (ackf && me.winScale === -2) peer.winScale = -2;
  }
  const relSeq = rel(p.seqRaw, me.base);
  const relAck = ackf ? rel(p.ackRaw, peer.base ?? 0) : 0;
  const len = p.payloadLen;
  const analysis: string[] = [];
  let dupAckNum: number | undefined;
  const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);

  // Sequence analysis, in Wireshark's order of precedence.
  if (me.next !== undefined && !syn && !rst) {
    if (len <= 1 && segLen > 0 && relSeq === me.next - 1 && !fin) analysis.push('keep_alive');
    else if (relSeq > me.next && segLen > 0) {
      analysis.push('lost_segment');
      me.gaps.push([me.next, relSeq]);
    } else if (relSeq < me.next && segLen > 0) {
      const gi = me.gaps.findIndex(([a, b]) => relSeq >= a && relSeq < b);
      if (gi >= 0) {
        analysis.push('out_of_order');
        const [a, b] = me.gaps[gi];
        me.gaps.splice(gi, 1);
        if (relSeq > a) me.gaps.push([a, relSeq]);
        if (relSeq + segLen < b) me.gaps.push([relSeq + segLen, b]);
      } else analysis.push('retransmission');
    }
  }
  if (ackf && peer.next !== undefined && relAck > peer.next && !syn && peer.base !== undefined && !rst) {
    analysis.push('ack_lost_segment');
  }
  if (len === 0 && !syn && !fin && !rst && ackf && me.lastAck !== undefined) {
    if (relAck === me.lastAck && p.win !== me.lastWin && me.lastSeq === relSeq)
      analysis.push('window_update');
    else if (
      relAck === me.lastAck &&
      p.win === me.lastWin &&
      relSeq === me.lastSeq &&
      peer.next !== undefined &&
      peer.next > relAck
    ) {
      me.dupAcks++;
      dupAckNum = me.dupAcks;
      analysis.push('duplicate_ack');
    } else me.dupAcks = 0;
  }
  if (p.win === 0 && !syn && !fin && !rst) analysis.push('zero_window');
  if (len > 0 && peer.lastAck !== undefined && peer.lastWin !== undefined && peer.winScale !== undefined) {
    const pw = peer.winScale >= 0 ? peer.lastWin * 2 ** peer.winScale : peer.lastWin;
    if (pw > 0 && relSeq + len === peer.lastAck + pw && !analysis.includes('retransmission'))
      analysis.push('window_full');
  }

  const end = relSeq + segLen;
  if (me.next === undefined || end > me.next) me.next = end;
  if (ackf) {
    me.lastAck = relAck;
    me.lastWin = p.win;
  }
  me.lastSeq = relSeq;
  if (fin) me.fin = true;

  const rec: FrameRecord = {
    stream: s.id,
    dir,
    relSeq,
    relAck,
    winScale: syn ? -1 : me.winScale,
    analysis,
    timeRel,
    timeDelta,
    calls: [],
  };
  if (dupAckNum) rec.dupAckNum = dupAckNum;
  if (p.capturedPayload < len) {
    // A frame cut by the snaplen cannot be reassembled: hand over what is there.
    if (p.capturedPayload > 0) rec.calls.push({ kind: 'direct', off: p.hl, len: p.capturedPayload });
  } else if (len > 0) planPayload(ctx, me, rec, relSeq, p.hl, len, analysis);
  return rec;
}

/**
 * First pass: decides which sub-dissector calls this frame makes, feeding and completing reassembly.
 * The calls themselves run in replayCalls (on this pass too) so both passes share one code path.
 */
function planPayload(
  ctx: DissectCtx,
  me: Dir,
  rec: FrameRecord,
  relSeq: number,
  hl: number,
  len: number,
  analysis: string[],
): void {
  const n = ctx.frame.number;
  const retrans = analysis.includes('retransmission');
  const pdu = me.pdu;
  if (pdu) {
    if (retrans || analysis.includes('out_of_order')) {
      // Data already seen (or older than the PDU being built): shown as plain TCP.
      rec.reassembledIn = -1;
      return;
    }
    const expected = pdu.start + pdu.have;
    if (relSeq !== expected) {
      // A hole: the PDU can never complete.
      me.pdu = undefined;
      rec.calls.push({ kind: 'direct', off: hl, len });
      return;
    }
    pdu.segs.push([n, ctx.base + hl, len]);
    pdu.have += len;
    if (pdu.need >= 0 && pdu.have >= pdu.need) {
      me.pdu = undefined;
      const extra = pdu.have - pdu.need;
      const last = pdu.segs[pdu.segs.length - 1];
      last[2] -= extra;
      rec.calls.push({ kind: 'pdu', segs: pdu.segs, len: pdu.need });
      markReassembled(ctx, pdu.segs, n);
      if (extra > 0) rec.calls.push({ kind: 'direct', off: hl + len - extra, len: extra });
      return;
    }
    if (pdu.need < 0) {
      // "One more segment": try again with everything so far.
      me.pdu = undefined;
      rec.calls.push({ kind: 'pdu', segs: [...pdu.segs], len: pdu.have });
      return;
    }
    // A middle segment: no sub-dissector call until the PDU is complete.
    rec.reassembledIn = -1;
    return;
  }
  rec.calls.push({ kind: 'direct', off: hl, len });
}

function markReassembled(ctx: DissectCtx, segs: Seg[], inFrame: number): void {
  for (const [frame] of segs) {
    if (frame === inFrame) continue;
    const r = ctx.state.getFrame<FrameRecord>('tcp.rec', frame);
    if (r) r.reassembledIn = inFrame;
  }
}

function rebuild(ctx: DissectCtx, segs: Seg[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  let o = 0;
  for (const [frame, off, l] of segs) {
    const bytes = frame === ctx.frame.number ? undefined : ctx.state.readFrame?.(frame);
    const src = frame === ctx.frame.number ? ctx.frameBytes : bytes;
    if (!src) continue;
    const take = Math.min(l, len - o);
    out.set(src.subarray(off, off + take), o);
    o += take;
    if (o >= len) break;
  }
  return out;
}

function replayCalls(
  ctx: DissectCtx,
  rec: FrameRecord,
  hl: number,
  lo: number,
  hi: number,
  prefix: string,
): void {
  const n = ctx.frame.number;
  let segmentOfPdu = rec.reassembledIn !== undefined && rec.reassembledIn !== n;
  for (const call of rec.calls) {
    if (call.kind === 'direct') {
      const sub = ctx.sub(call.off, call.len);
      const d = callSub(ctx, sub, lo, hi);
      if (d && !ctx.visited) startPdu(ctx, rec, call.off + d.offset, call.len - d.offset, d.need);
      if (d) segmentOfPdu = true;
    } else {
      const bytes = rebuild(ctx, call.segs, call.len);
      if (call.kind === 'pdu' && ctx.fullTree) {
        const segItem = ctx.add(f.segments, 0, 0, null, {
          generated: true,
          label: () =>
            `[${call.segs.length} Reassembled TCP Segments (${call.len} bytes): ${call.segs.map(([fr, , l]) => `#${fr}(${l})`).join(', ')}]`,
        });
        for (const [fr, , l] of call.segs)
          ctx.add(f.segment, 0, 0, fr, {
            parent: segItem,
            label: () => `[Frame: ${fr}, payload: ${l} bytes]`,
          });
        ctx.add(f.segmentCount, 0, 0, call.segs.length, { parent: segItem, generated: true });
        ctx.add(f.reassembledLength, 0, 0, call.len, { parent: segItem, generated: true });
      } else if (call.kind === 'pdu') {
        ctx.add(f.segmentCount, 0, 0, call.segs.length, { generated: true, hidden: true });
      }
      const sub = ctx.withSource(`Reassembled TCP (${call.len} bytes)`, bytes);
      const d = callSub(ctx, sub, lo, hi);
      if (d && !ctx.visited) {
        // Still incomplete ("one more segment" or a longer PDU than thought): keep collecting.
        continueOrRestart(ctx, rec, call.segs, d, call.len);
        segmentOfPdu = true;
        continue;
      }
      if (!d) {
        ctx.addLayerName('tcp.segments');
        segmentOfPdu = false;
      }
    }
  }
  if (segmentOfPdu) {
    ctx.columns.protocol = 'TCP';
    const infoNow = ctx.columns.info;
    const base = prefix && !infoNow.startsWith(prefix) ? `${prefix} ${infoNow}` : infoNow;
    ctx.columns.info = `${base} [TCP segment of a reassembled PDU]`;
  }
}

function stateDir(ctx: DissectCtx, rec: FrameRecord): Dir | undefined {
  const st = ctx.state.get<TcpState>('tcp', () => ({ streams: new Map(), byId: [], count: 0 }));
  return st.byId[rec.stream]?.dirs[rec.dir];
}

function startPdu(ctx: DissectCtx, rec: FrameRecord, off: number, available: number, need: number): void {
  const me = stateDir(ctx, rec);
  if (!me) return;
  // This segment's tail starts the PDU; the next segment must continue right after it.
  me.pdu = {
    start: (me.next ?? 0) - available,
    need,
    segs: [[ctx.frame.number, ctx.base + off, available]],
    have: available,
  };
  rec.reassembledIn = -1;
}

/** Drops the first `k` bytes of a segment list. */
function skipSegs(segs: Seg[], k: number): Seg[] {
  const out: Seg[] = [];
  for (const [fr, off, len] of segs) {
    if (k >= len) {
      k -= len;
      continue;
    }
    out.push([fr, off + k, len - k]);
    k = 0;
  }
  return out;
}

function continueOrRestart(ctx: DissectCtx, rec: FrameRecord, segs: Seg[], d: Desegment, have: number): void {
  const me = stateDir(ctx, rec);
  if (!me) return;
  const rest = skipSegs(segs, d.offset);
  const avail = have - d.offset;
  me.pdu = { start: (me.next ?? 0) - avail, need: d.need, segs: rest, have: avail };
  rec.reassembledIn = -1;
}

export type { Item };
