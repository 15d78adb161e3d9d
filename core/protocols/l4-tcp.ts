/**
 * TCP: header, options, relative sequence numbers and stream index like Wireshark, sequence analysis
 * (retransmission, out-of-order, lost segment, ACKed unseen, dup ACK, window update/full, keep-alive, zero window)
 * and per-direction reassembly for sub-dissectors that ask for more data (ctx.pinfo.data 'tcp.desegment'), as
 * Wireshark 4.0 does it (desegment_tcp with its multi-segment PDUs, see tcp-desegment.ts): retransmitted and
 * out-of-order data is not handed to sub-dissectors, overlapping data keeps what came first, a frame cut by the
 * snaplen is dissected alone.
 *
 * Everything that depends on earlier packets is decided on the first in-order pass and stored per frame
 * (a FrameRecord); a later re-dissection replays that record, re-reading the segments of a reassembled PDU
 * from the capture (state.readFrame) instead of keeping payload copies.
 */
import {
  bool,
  bytes as bytesField,
  checksumStatus,
  frameNum,
  relTime,
  str,
  uint,
} from '../fields/registry.js';
import {
  defineProtocol,
  wsMalformed,
  wsText,
  type CaptureState,
  type DissectCtx,
  type Protocol,
  lookupTable,
  getHeuristics,
  getProtocol,
} from '../dissect/engine.js';
import type { ExpertSeverity, Item } from '../dissect/types.js';
import type { FieldDef } from '../fields/registry.js';
import type { ByteView } from '../bytes/byteview.js';
import {
  Assemblies,
  FragHead,
  fragmentAdd,
  MspTree,
  piecesBytes,
  ReassemblyError,
  type Extending,
  type Msp,
} from './tcp-desegment.js';
import {
  FrameRecords,
  NO_OPS,
  OP_FENCE,
  OP_ILLEGAL,
  OP_SEGNOTE,
  OP_TCPCOL,
  type Analysis,
  type FrameRecord,
  type Op,
} from './tcp-records.js';
import { flagNames } from './tcp-flags.js';

/** tcp.option_kind's value strings. */
const OPTION_KINDS: Record<number, string> = {
  0: 'End of Option List',
  1: 'No-Operation',
  2: 'Maximum Segment Size',
  3: 'Window Scale',
  4: 'SACK Permitted',
  5: 'SACK',
  8: 'Time Stamp Option',
  19: 'TCP MD5 signature',
  28: 'User Timeout',
  29: 'TCP Authentication Option',
  30: 'Multipath TCP',
  34: 'TCP Fast Open Cookie',
  253: 'RFC3692-style Experiment 1',
  254: 'RFC3692-style Experiment 2',
};

/** The options' names in the "Options: (N bytes), …" line. */
const OPTION_NAMES: Record<number, string> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Maximum segment size',
  3: 'Window scale',
  4: 'SACK permitted',
  5: 'SACK',
  8: 'Timestamps',
  253: 'Experimental',
  254: 'Experimental',
};

/** The experiment identifier of TCP ACK Rate Request (draft-gomez-tcpm-ack-rate-request). */
const TARR = 0x00ac;

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
  res: bool('tcp.flags.res', 'Reserved', { bits: 12, bitmask: 0xe00, trueFalse: ['Set', 'Not set'] }),
  ae: bool('tcp.flags.ae', 'Accurate ECN', { bits: 12, bitmask: 0x100, trueFalse: ['Set', 'Not set'] }),
  ns: bool('tcp.flags.ns', 'Nonce', { bits: 12, bitmask: 0x100, trueFalse: ['Set', 'Not set'] }),
  cwr: bool('tcp.flags.cwr', 'Congestion Window Reduced', {
    bits: 12,
    bitmask: 0x80,
    trueFalse: ['Set', 'Not set'],
  }),
  ece: bool('tcp.flags.ece', 'ECN-Echo', { bits: 12, bitmask: 0x40, trueFalse: ['Set', 'Not set'] }),
  urg: bool('tcp.flags.urg', 'Urgent', { bits: 12, bitmask: 0x20, trueFalse: ['Set', 'Not set'] }),
  ackf: bool('tcp.flags.ack', 'Acknowledgment', { bits: 12, bitmask: 0x10, trueFalse: ['Set', 'Not set'] }),
  push: bool('tcp.flags.push', 'Push', { bits: 12, bitmask: 0x08, trueFalse: ['Set', 'Not set'] }),
  reset: bool('tcp.flags.reset', 'Reset', { bits: 12, bitmask: 0x04, trueFalse: ['Set', 'Not set'] }),
  syn: bool('tcp.flags.syn', 'Syn', { bits: 12, bitmask: 0x02, trueFalse: ['Set', 'Not set'] }),
  fin: bool('tcp.flags.fin', 'Fin', { bits: 12, bitmask: 0x01, trueFalse: ['Set', 'Not set'] }),
  flagsStr: str('tcp.flags.str', 'TCP Flags'),
  window: uint('tcp.window_size_value', 'Window', 16),
  windowSize: uint('tcp.window_size', 'Calculated window size', 32),
  windowScale: int32('tcp.window_size_scalefactor', 'Window size scaling factor'),
  checksum: uint('tcp.checksum', 'Checksum', 16, { base: 'hex' }),
  checksumStatus: checksumStatus('tcp.checksum.status'),
  urgent: uint('tcp.urgent_pointer', 'Urgent Pointer', 16),
  options: bytesField('tcp.options', 'Options'),
  optionKind: uint('tcp.option_kind', 'Kind', 8, { strings: OPTION_KINDS }),
  optionLen: uint('tcp.option_len', 'Length', 8),
  // Each option's own item: Wireshark registers the options as protocols in name only whose value is the
  // option's bytes (`tcp.options.mss == 02:04:05:b4` compares them, -T fields prints them in hex).
  optEol: bytesField('tcp.options.eol', 'TCP Option - End of Option List (EOL)'),
  optNop: bytesField('tcp.options.nop', 'TCP Option - No-Operation (NOP)'),
  optMss: bytesField('tcp.options.mss', 'TCP Option - Maximum segment size'),
  optWscale: bytesField('tcp.options.wscale', 'TCP Option - Window scale'),
  optSack: bytesField('tcp.options.sack', 'TCP Option - SACK'),
  optTimestamp: bytesField('tcp.options.timestamp', 'TCP Option - Timestamps'),
  optExperimental: bytesField('tcp.options.experimental', 'TCP Option - Experimental'),
  optUnknown: bytesField('tcp.options.unknown', 'TCP Option - Unknown'),
  sackCount: uint('tcp.options.sack.count', 'TCP SACK Count', 8),
  mss: uint('tcp.options.mss_val', 'MSS Value', 16),
  expExid: uint('tcp.options.experimental.exid', 'Experiment Identifier', 16, {
    base: 'hex',
    strings: { [TARR]: 'TCP ACK Rate Request' },
  }),
  tarrRate: uint('tcp.options.tarr.rate', 'TARR Rate', 8, { bitmask: 0xfe }),
  // (Wireshark's abbreviation.)
  tarrReserved: uint('tcp.options.tar.reserved', 'TARR Reserved', 8, { bitmask: 0x01 }),
  wscaleShift: uint('tcp.options.wscale.shift', 'Shift count', 8),
  wscaleMult: uint('tcp.options.wscale.multiplier', 'Multiplier', 16),
  sackPerm: bytesField('tcp.options.sack_perm', 'TCP SACK Permitted Option'),
  sackLe: uint('tcp.options.sack_le', 'left edge', 32),
  sackRe: uint('tcp.options.sack_re', 'right edge', 32),
  dsackLe: uint('tcp.options.sack.dsack_le', 'TCP D-SACK Left Edge', 32),
  dsackRe: uint('tcp.options.sack.dsack_re', 'TCP D-SACK Right Edge', 32),
  dsack: none0('tcp.options.sack.dsack', 'D-SACK Sequence'),
  tsval: uint('tcp.options.timestamp.tsval', 'Timestamp value', 32),
  tsecr: uint('tcp.options.timestamp.tsecr', 'Timestamp echo reply', 32),
  payload: bytesField('tcp.payload', 'TCP payload'),
  timeRelative: relTime('tcp.time_relative', 'Time since first frame in this TCP stream'),
  timeDelta: relTime('tcp.time_delta', 'Time since previous frame in this TCP stream'),
  analysis: proto0('tcp.analysis', 'SEQ/ACK analysis'),
  analysisFlags: none1('tcp.analysis.flags', 'TCP Analysis Flags'),
  retransmission: none1('tcp.analysis.retransmission', 'This frame is a (suspected) retransmission'),
  outOfOrder: none1('tcp.analysis.out_of_order', 'This frame is a (suspected) out-of-order segment'),
  fastRetransmission: none1(
    'tcp.analysis.fast_retransmission',
    'This frame is a (suspected) fast retransmission',
  ),
  spuriousRetransmission: none1(
    'tcp.analysis.spurious_retransmission',
    'This frame is a (suspected) spurious retransmission',
  ),
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
  duplicateAckFrame: frameNum('tcp.analysis.duplicate_ack_frame', 'Duplicate to the ACK in frame'),
  windowUpdate: none1('tcp.analysis.window_update', 'TCP window update'),
  windowFull: none1(
    'tcp.analysis.window_full',
    'TCP window specified by the receiver is now completely full',
  ),
  keepAlive: none1('tcp.analysis.keep_alive', 'TCP keep-alive segment'),
  keepAliveAck: none1('tcp.analysis.keep_alive_ack', 'ACK to a TCP keep-alive segment'),
  zeroWindow: none1('tcp.analysis.zero_window', 'TCP Zero Window segment'),
  bytesInFlight: uint('tcp.analysis.bytes_in_flight', 'Bytes in flight', 32),
  pushBytesSent: uint('tcp.analysis.push_bytes_sent', 'Bytes sent since last PSH flag', 32),
  ackRtt: relTime('tcp.analysis.ack_rtt', 'The RTT to ACK the segment was'),
  initialRtt: relTime('tcp.analysis.initial_rtt', 'iRTT'),
  rto: relTime('tcp.analysis.rto', 'The RTO for this segment was'),
  rtoFrame: frameNum('tcp.analysis.rto_frame', 'RTO based on delta from frame'),
  ackedFrame: frameNum('tcp.analysis.acks_frame', 'This is an ACK to the segment in frame'),
  segments: none1('tcp.segments', 'Reassembled TCP Segments'),
  segment: frameNum('tcp.segment', 'TCP Segment'),
  segmentCount: uint('tcp.segment.count', 'Segment count', 32),
  reassembledIn: frameNum('tcp.reassembled_in', 'Reassembled PDU in frame'),
  reassembledLength: uint('tcp.reassembled.length', 'Reassembled TCP length', 32),
  reassembledData: bytesField('tcp.reassembled.data', 'Reassembled TCP Data'),
  segmentData: bytesField('tcp.segment_data', 'TCP segment data'),
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
  /**
   * End of the data seen without a gap (relative): Wireshark's maxseqtobeacked, which an ACK beyond it in the
   * other direction flags as "ACKed unseen segment".
   */
  maxToAck?: number;
  /** The raw ACK field of this direction's last segment (Wireshark's lastack, SYNs included). */
  lastAckRaw?: number;
  /** When `next` last advanced (Wireshark's nextseqtime, for the out-of-order threshold). */
  nextTime?: { s: number; ns: number };
  /** The frame that last advanced `next` (Wireshark's nextseqframe: what a retransmission's RTO counts from). */
  nextFrame?: number;
  lastAck?: number;
  lastWin?: number;
  /** Time of this direction's last segment (Wireshark's lastacktime). */
  lastTime?: { s: number; ns: number };
  /**
   * Wireshark's dupacknum: duplicate ACKs in a row, 0 again when the ACK number changes, -1 once an ACK from the
   * other side beyond a hole this direction left open was reported (see the ACKed-unseen check).
   */
  dupAcks: number;
  /** The frame where this direction's ACK number last changed (what a duplicate ACK duplicates). */
  lastNonDup?: number;
  /** The window field of this direction's last segment, and whether that segment was a keep-alive. */
  lastWinRaw?: number;
  lastKeepAlive?: boolean;
  winScale: number; // -1 unknown, -2 no scaling
  fin: boolean;
  /** Multi-segment PDUs being (or already) reassembled, by first sequence number. */
  msps: MspTree;
  /** A sub-dissector asked to reassemble until the FIN (TCP_FLOW_REASSEMBLE_UNTIL_FIN). */
  untilFin: boolean;
  /** The FIN that ended an until-FIN reassembly. */
  finFrame?: number;
  /**
   * Segments (with data, SYN or FIN) not yet ACKed, oldest first (Wireshark's unacked list; raw sequence
   * numbers): for "This is an ACK to the segment in frame" and the bytes in flight.
   */
  unacked: Unacked[];
  /**
   * Whether `unacked` is in sequence order (each segment ending at or after the one before, as in-order data
   * is): an ACK's walk can then stop at the first segment after it.
   */
  unackedSorted: boolean;
  /** Bytes sent since the last PSH flag, and whether the last data segment had one. */
  pushBytes: number;
  pushSetLast: boolean;
  /**
   * Wireshark's valid_bif: bytes in flight (and since PSH) are counted in this direction, except from a segment
   * after a gap until the other side sends an ACK.
   */
  validBif: boolean;
  /** Bytes covered by the SACK blocks of this direction's last segment (its first three; 0 without a SACK). */
  sackDelivered: number;
  /**
   * Lowest start and highest end (relative) of `unacked` while only segments have joined it since they were
   * last computed; undefined once an ACK changed it (the next count walks it again).
   */
  span?: { first: number; last: number };
}

interface Unacked {
  frame: number;
  seq: number;
  next: number;
  ts: { s: number; ns: number };
}

interface Stream {
  id: number;
  dirs: [Dir, Dir];
  /** Endpoints of side 0 and side 1 (see endpoint()). */
  a: number;
  b: number;
  firstTs: { s: number; ns: number };
  lastTs: { s: number; ns: number };
  /** Time of the last SYN (without ACK) and the handshake's RTT (Wireshark's ts_mru_syn, ts_first_rtt). */
  mruSyn?: { s: number; ns: number };
  firstRtt?: { s: number; ns: number };
  /** Wireshark's conversation completeness bits so far (SYN 1, SYN-ACK 2, ACK 4, data 8, FIN 16, RST 32). */
  completeness: number;
  /** The direction that sent the first FIN (closes actively; the other side passively). */
  closer?: 0 | 1;
}

interface TcpState {
  /** Streams by their lower endpoint (see endpoint()): its one stream, or its streams by the higher one. */
  streams: Map<number, Stream | Map<number, Stream>>;
  /** Address texts seen, numbered in order (an "undefined" address, no network layer, is ''). */
  addrs: Map<string, number>;
  /** Streams by index (the stream table above is keyed by address/port tuple). */
  byId: Stream[];
  count: number;
  /** The reassembled bytes of PDUs kept on the first pass for their next extension. */
  assemblies: Assemblies;
  /** What the first pass decided for each frame. */
  records: FrameRecords;
}

/** Appends a step to the frame's record (the first pass's own object until the next frame's is stored). */
function addOp(rec: FrameRecord, op: Op): void {
  rec.ops = rec.ops.length ? [...rec.ops, op] : [op];
}

const newDir = (): Dir => ({
  dupAcks: 0,
  winScale: -1,
  fin: false,
  msps: new MspTree(),
  untilFin: false,
  unacked: [],
  unackedSorted: true,
  pushBytes: 0,
  pushSetLast: false,
  validBif: true,
  sackDelivered: 0,
});

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
  /**
   * Keep the (empty) layer the sub-dissector added when it asks for more at offset 0: Wireshark's TLS adds its
   * tree item before it looks at the records, so such a frame has a tls layer; HTTP's does not.
   */
  keepLayer?: boolean;
}

/**
 * A TCP connection another protocol announced (FTP's data connections, after PASV, EPSV, PORT or EPRT): one end's
 * address and port, the protocol that dissects it, and what that protocol keeps about it.
 */
export interface ExpectedConnection {
  ip: string;
  port: number;
  protocol: string;
  data: unknown;
}

interface Conversations {
  /** Announced connections by port, the latest last. */
  expected: Map<number, ExpectedConnection[]>;
  /** The connection each stream turned out to be. */
  byStream: Map<number, ExpectedConnection>;
  /**
   * Streams that turned into TLS (STARTTLS): after which frame, the protocol TLS then carries, and the port that
   * protocol was found by (its matchPort inside TLS).
   */
  tls: Map<number, { after: number; app: string; port: number | undefined }>;
}

const conversations = (ctx: DissectCtx) =>
  ctx.state.get<Conversations>('tcp.conversations', () => ({
    expected: new Map(),
    byStream: new Map(),
    tls: new Map(),
  }));

/**
 * The server agreed to STARTTLS (SMTP, IMAP, POP3's STLS, FTP's AUTH TLS) in this frame: from the next frame on,
 * the connection is TLS, and what it decrypts to is `app`'s (Wireshark's ssl_starttls_ack). First pass only.
 */
export function startTls(ctx: DissectCtx, app: string): void {
  const stream = ctx.pinfo.data.get('tcp.stream') as number | undefined;
  if (stream === undefined || ctx.visited) return;
  const tls = conversations(ctx).tls;
  if (!tls.has(stream)) tls.set(stream, { after: ctx.frame.number, app, port: matchPort(ctx) });
}

const MATCH_PORT = 'tcp.match_port';

/**
 * The port whose dissector table entry handed this payload to the protocol dissecting it (Wireshark's
 * pinfo->match_uint): the server's port, so `dstPort === matchPort(ctx)` tells a request from a response, on the
 * protocol's own port, on its TLS port (993 for IMAP: TLS was found by it) and after STARTTLS alike.
 */
export function matchPort(ctx: DissectCtx): number | undefined {
  return ctx.pinfo.data.get(MATCH_PORT) as number | undefined;
}

/** The protocol inside TLS, when this frame comes after its connection turned into TLS (see `startTls`). */
export function startedTls(ctx: DissectCtx): string | undefined {
  return startedTlsEntry(ctx)?.app;
}

function startedTlsEntry(ctx: DissectCtx): { app: string; port: number | undefined } | undefined {
  const stream = ctx.pinfo.data.get('tcp.stream') as number | undefined;
  if (stream === undefined) return undefined;
  const t = conversations(ctx).tls.get(stream);
  return t && ctx.frame.number > t.after ? t : undefined;
}

/**
 * First pass: the next connection with `ip`:`port` at one end goes to `protocol` (Wireshark's conversation
 * dissectors, which come before the port tables). Only connections between the same two hosts as the
 * announcement are found when `wirelens list` splits a capture between threads (core/session/shard.ts).
 */
export function expectConnection(ctx: DissectCtx, e: ExpectedConnection): void {
  const c = conversations(ctx);
  const list = c.expected.get(e.port) ?? [];
  list.push(e);
  c.expected.set(e.port, list);
}

/** The announced connection this segment's stream belongs to (bound at its first data on the first pass). */
export function connectionOf(ctx: DissectCtx): ExpectedConnection | undefined {
  const stream = ctx.pinfo.data.get('tcp.stream') as number | undefined;
  if (stream === undefined) return undefined;
  const c = conversations(ctx);
  const known = c.byStream.get(stream);
  if (known || ctx.visited || c.expected.size === 0) return known;
  const pi = ctx.pinfo;
  const match = (port: number | undefined, ip: string | undefined) =>
    port === undefined ? undefined : c.expected.get(port)?.findLast((e) => e.ip === ip);
  const e = match(pi.dstPort, pi.netDst) ?? match(pi.srcPort, pi.netSrc);
  if (e) c.byStream.set(stream, e);
  return e;
}

/** Calls `p` on `sub`, found by `port` (its matchPort); whether it took the data. */
function takes(sub: DissectCtx, p: Protocol, port: number | undefined): boolean {
  sub.pinfo.data.set(MATCH_PORT, port);
  return sub.call(p, 0, sub.view.length, true) !== false;
}

/**
 * Calls the sub-dissector on `sub` (a context over the data). Returns the desegment request, if any.
 * When the sub-dissector asks for more data, the layers it added are rolled back (as in Wireshark, the frame
 * then shows as a TCP segment), but the Info text it set stays.
 */
function callSub(ctx: DissectCtx, sub: DissectCtx, lo: number, hi: number): Desegment | undefined {
  const mark = ctx.mark();
  ctx.pinfo.data.delete('tcp.desegment');
  ctx.pinfo.data.delete('tcp.swallowed');
  // TLS after STARTTLS, an announced connection's protocol, then those registered on the lower port, then the
  // higher one.
  const tls = startedTlsEntry(ctx);
  const pTls = tls && getProtocol('tls');
  const conv = connectionOf(ctx);
  const pConv = conv && getProtocol(conv.protocol);
  const pLo = lookupTable('tcp.port', lo);
  const pHi = lookupTable('tcp.port', hi);
  let taken =
    (pTls !== undefined && takes(sub, pTls, tls?.port)) ||
    (pConv !== undefined && takes(sub, pConv, conv?.port)) ||
    (pLo !== undefined && takes(sub, pLo, lo)) ||
    (pHi !== undefined && pHi !== pLo && takes(sub, pHi, hi));
  if (!taken) {
    ctx.pinfo.data.delete(MATCH_PORT);
    for (const p of getHeuristics('tcp')) {
      if (sub.call(p, 0, sub.view.length, true) !== false) {
        taken = true;
        break;
      }
    }
  }
  const d = ctx.pinfo.data.get('tcp.desegment') as Desegment | undefined;
  ctx.pinfo.data.delete('tcp.desegment');
  if (ctx.pinfo.data.get('tcp.swallowed')) {
    // Taken but nothing shown (Wireshark's HTTP on data it does not recognise on its port).
    ctx.pinfo.data.delete('tcp.swallowed');
    ctx.rollback(mark);
    return undefined;
  }
  if (!taken) {
    sub.data(0);
    return undefined;
  }
  if (d && d.offset === 0 && !d.keepLayer) ctx.rollback(mark);
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
    // The header's items are skipped as a whole when none is recorded (the list and the first pass).
    if (ctx.wantsAny(PORT_ITEMS)) {
      ctx.add(f.srcport, 0, 2, sp);
      ctx.add(f.dstport, 2, 2, dp);
      ctx.add(f.port, 0, 2, sp, { hidden: true });
      ctx.add(f.port, 2, 2, dp, { hidden: true });
    }
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
    const st = ctx.state.get<TcpState>('tcp', newTcpState);
    const src = endpoint(st, ctx.pinfo.netSrc, sp);
    const dst = endpoint(st, ctx.pinfo.netDst, dp);

    // ── options (needed by the first pass for window scaling) ──
    const opts = hl > 20 ? parseOptions(v, hl) : NO_OPTIONS;

    let rec = st.records.get(n);
    const fresh = !rec || !ctx.visited;
    if (!rec || !ctx.visited) {
      const wsOpt = opts.length ? opts.find((o) => o.kind === 3 && o.len === 3) : undefined;
      const sackOpt = opts.length ? opts.findLast((o) => o.kind === 5) : undefined;
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
        ts: { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec },
        wsShift: wsOpt ? v.u8(wsOpt.off + 2) : undefined,
        sackDelivered: sackOpt ? sackDelivered(v, sackOpt) : undefined,
      });
      st.records.put(n, rec);
    }

    const seq = rec.relSeq;
    const ack = rec.relAck;
    const hasAck = (flags & 0x10) !== 0;
    const scaled = flags & 0x02 || rec.winScale < 0 ? win : win * 2 ** rec.winScale;
    if (ctx.wantsAny(HEADER_ITEMS))
      headerItems(ctx, rec, flags, payloadLen, hl, seqRaw, ackRaw, win, scaled, st.byId[rec.stream]?.closer);

    // The Info text only when the columns are read (not on the first pass of an open or a filter: nothing the
    // later layers decide depends on it).
    let info = ctx.columnsWanted
      ? `${sp} → ${dp} [${flagNames(flags)}] Seq=${seq}${hasAck ? ` Ack=${ack}` : ''} Win=${scaled} Len=${payloadLen}`
      : '';
    if (flags & 0x20) info += ` Urg=${v.u16be(18)}`;
    if (opts.length) {
      // tshark's tree: one subtree per option (its kind, length and values) under "Options: (N bytes), names".
      const tree = ctx.fullTree || ctx.wantsAny(OPTION_TREE_ITEMS);
      const oi = ctx.add(f.options, 20, hl - 20, v.slice(20, hl - 20), {
        label: () =>
          `Options: (${hl - 20} bytes)${opts.map((o) => `, ${OPTION_NAMES[o.kind] ?? 'Unknown'}`).join('')}`,
      });
      for (const o of opts) {
        let sackBase = 0;
        if (o.kind === 5) {
          const other = streamOf(st, src, dst);
          sackBase = other ? (other.dirs[rec.dir === 0 ? 1 : 0].base ?? 0) : 0;
        }
        const it = tree ? optionItem(ctx, oi, o, v, sackBase) : oi;
        switch (o.kind) {
          case 2:
            if (o.len === 4) {
              const mss = v.u16be(o.off + 2);
              ctx.add(f.mss, o.off + 2, 2, mss, { parent: it });
              info += ` MSS=${mss}`;
            }
            break;
          case 3:
            if (o.len === 3) {
              const shift = v.u8(o.off + 2);
              const mult = 2 ** Math.min(shift, 14);
              ctx.add(f.wscaleShift, o.off + 2, 1, shift, { parent: it });
              ctx.add(f.wscaleMult, o.off + 2, 1, mult, { parent: it, generated: true });
              info += ` WS=${mult}`;
            }
            break;
          case 4:
            // In the tree the option's own item is the SACK-permitted one.
            if (!tree) ctx.add(f.sackPerm, o.off, o.len, optionBytes(v, o), { parent: oi });
            info += ' SACK_PERM';
            break;
          case 5: {
            const blocks: [number, number][] = [];
            for (let e = o.off + 2; e + 8 <= o.off + o.len; e += 8) {
              const le = rel(v.u32be(e), sackBase);
              const re = rel(v.u32be(e + 4), sackBase);
              ctx.add(f.sackLe, e, 4, le, { parent: it, label: () => `left edge = ${le} (relative)` });
              ctx.add(f.sackRe, e + 4, 4, re, { parent: it, label: () => `right edge = ${re} (relative)` });
              info += ` SLE=${le} SRE=${re}`;
              blocks.push([le, re]);
            }
            if (tree) ctx.add(f.sackCount, o.off, o.len, blocks.length, { parent: it, generated: true });
            // RFC 2883: a first block below the cumulative ACK, or inside the second block, reports a duplicate.
            const [first, second] = blocks;
            if (
              first &&
              ((hasAck && ((first[0] - ack) | 0) < 0) ||
                (second && ((first[0] - second[0]) | 0) >= 0 && ((second[1] - first[1]) | 0) >= 0))
            ) {
              const g = { parent: it, generated: true };
              ctx.add(f.dsackLe, o.off + 2, 4, first[0], {
                ...g,
                label: () => `[D-SACK Left Edge = ${first[0]} (relative)]`,
              });
              ctx.add(f.dsackRe, o.off + 6, 4, first[1], {
                ...g,
                label: () => `[D-SACK Right Edge = ${first[1]} (relative)]`,
              });
              const d = ctx.add(f.dsack, o.off + 2, 8, null, { parent: it });
              ctx.expert(d, 'warn', 'sequence', 'D-SACK Sequence');
            }
            break;
          }
          case 8:
            if (o.len === 10) {
              const tsval = v.u32be(o.off + 2);
              const tsecr = v.u32be(o.off + 6);
              ctx.add(f.tsval, o.off + 2, 4, tsval, { parent: it });
              ctx.add(f.tsecr, o.off + 6, 4, tsecr, { parent: it });
              info += ` TSval=${tsval} TSecr=${tsecr}`;
            }
            break;
          case 253:
          case 254:
            // RFC 6994 experiments, by their identifier: tshark names TCP ACK Rate Request (0x00ac) in Info.
            if (o.len >= 4) {
              const exid = v.u16be(o.off + 2);
              ctx.add(f.expExid, o.off + 2, 2, exid, { parent: it });
              if (exid === TARR && o.len === 4) info += ' TARR';
              if (exid === TARR && o.len === 5) {
                const b = v.u8(o.off + 4);
                ctx.add(f.tarrRate, o.off + 4, 1, b >> 1, { parent: it });
                ctx.add(f.tarrReserved, o.off + 4, 1, b & 1, { parent: it });
                info += ` TARR=${b >> 1}`;
              }
            }
            break;
          default:
            break;
        }
      }
    }
    if (ctx.wantsAny(TIME_ITEMS)) {
      // The full tree groups the two times under a "[Timestamps]" line, as tshark does.
      const parent = ctx.fullTree
        ? ctx.add(wsText, 0, 0, null, { generated: true, label: '[Timestamps]' })
        : undefined;
      ctx.add(f.timeRelative, 0, 0, { s: rec.relS, ns: rec.relNs }, { parent, generated: true });
      ctx.add(f.timeDelta, 0, 0, { s: rec.deltaS, ns: rec.deltaNs }, { parent, generated: true });
    }
    // tshark's SEQ/ACK analysis: the segment this ACKs, the RTTs, the bytes in flight and since the last PSH,
    // then the analysis flags.
    const seqItems =
      (rec.acksFrame !== undefined || rec.bytesInFlight !== undefined || rec.pushBytes !== undefined) &&
      ctx.wantsAny(SEQ_ITEMS);
    const an =
      rec.analysis.length || seqItems
        ? ctx.add(f.analysis, 0, 0, null, { generated: true, label: '[SEQ/ACK analysis]' })
        : undefined;
    // Wireshark prints what it has under it: the iRTT too when only analysis flags made it.
    if (an && (seqItems || ctx.wantsAny(SEQ_ITEMS))) {
      const g = { parent: an, generated: true };
      if (rec.acksFrame !== undefined) {
        ctx.add(f.ackedFrame, 0, 0, rec.acksFrame, g);
        if (rec.ackRttNs !== undefined) {
          const ns = rec.ackRttNs;
          ctx.add(f.ackRtt, 0, 0, { s: Math.floor(ns / 1e9), ns: ns % 1e9 }, g);
        }
      }
      if (rec.irtt) ctx.add(f.initialRtt, 0, 0, rec.irtt, g);
      if (rec.bytesInFlight !== undefined) ctx.add(f.bytesInFlight, 0, 0, rec.bytesInFlight, g);
      if (rec.pushBytes !== undefined) ctx.add(f.pushBytesSent, 0, 0, rec.pushBytes, g);
    }
    if (an && rec.analysis.length) {
      const af = ctx.add(f.analysisFlags, 0, 0, null, {
        parent: an,
        generated: true,
        label: '[TCP Analysis Flags]',
      });
      for (const a of rec.analysis) {
        const fld = ANALYSIS_FIELDS[a];
        if (!fld) continue;
        const dup = a === 'duplicate_ack';
        // tshark shows a flag as its expert line under "TCP Analysis Flags" (the flag's own item hidden); a
        // duplicate ACK as its own line, its expert info going to the "duplicate to" item below.
        ctx.add(fld, 0, 0, null, {
          parent: af,
          generated: true,
          hidden: !dup,
          label: dup ? '[This is a TCP duplicate ack]' : () => `[${fld.name}]`,
        });
        // Wireshark flags fast and spurious retransmissions as retransmissions too.
        if (a === 'fast_retransmission' || a === 'spurious_retransmission')
          ctx.add(f.retransmission, 0, 0, null, { parent: af, generated: true, hidden: true });
        if (!dup) {
          ctx.expert(af, ANALYSIS_SEVERITY[a] ?? 'warn', 'sequence', fld.name);
          if (a === 'retransmission' && rec.rto) {
            ctx.add(f.rto, 0, 0, { s: rec.rto.s, ns: rec.rto.ns }, { parent: af, generated: true });
            ctx.add(f.rtoFrame, 0, 0, rec.rto.frame, { parent: af, generated: true });
          }
        } else if (rec.dupAckNum) {
          // Wireshark puts a duplicate ACK's expert info, with its number, on the "duplicate to" item.
          ctx.add(f.duplicateAckNum, 0, 0, rec.dupAckNum, { parent: an, generated: true });
          const to = ctx.add(f.duplicateAckFrame, 0, 0, rec.dupAckFrame ?? 0, {
            parent: an,
            generated: true,
          });
          ctx.expert(to, 'note', 'sequence', `Duplicate ACK (#${rec.dupAckNum})`);
        }
      }
    }
    const prefix = rec.analysis.length
      ? rec.analysis
          .map((a) =>
            a === 'duplicate_ack'
              ? `[TCP Dup ACK ${rec.dupAckFrame ?? 0}#${rec.dupAckNum ?? 0}]`
              : ANALYSIS_INFO[a],
          )
          .filter(Boolean)
          .join(' ')
      : '';
    ctx.columns.info = prefix ? `${prefix} ${info}` : info;
    if (ctx.fullTree)
      ctx.setLabel(
        ctx.top,
        `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Seq: ${seq}${hasAck ? `, Ack: ${ack}` : ''}, Len: ${payloadLen}`,
      );
    ctx.setLength(ctx.top, hl);
    // A filter's re-dissection that reads nothing of the payload stops here (the first pass decided the rest).
    if (!fresh && !ctx.payloadNeeded) return;
    const lo = Math.min(sp, dp);
    const hi = Math.max(sp, dp);
    ctx.pinfo.data.set('tcp.stream', rec.stream);
    ctx.pinfo.data.set('tcp.fin', (flags & 0x01) !== 0);
    // Wireshark only reassembles segments it has whole (not cut by the snaplen).
    const canDesegment = capturedPayload >= payloadLen;
    if (fresh) {
      const me = st.byId[rec.stream]?.dirs[rec.dir];
      // A FIN ends a reassembly "until the end of the stream".
      if (me && flags & 0x01 && canDesegment && me.untilFin && finishUntilFin(ctx, rec, me, hl, payloadLen)) {
        runOps(ctx, rec, rec.ops, lo, hi, prefix);
        return;
      }
    } else if (rec.ops.length && rec.ops[0].op === 'pdu' && !rec.ops[0].canDesegment) {
      runOps(ctx, rec, rec.ops, lo, hi, prefix);
      return;
    }
    if (capturedPayload <= 0) return;
    // Unrecorded, the item is the shared dummy either way: no sub-array or label closure for it.
    if (ctx.wants(f.payload))
      ctx.add(f.payload, hl, capturedPayload, v.slice(hl, capturedPayload), {
        label: () => `TCP payload (${payloadLen} byte${payloadLen === 1 ? '' : 's'})`,
      });
    else ctx.add(f.payload, hl, capturedPayload);
    if (rec.reassembledIn !== undefined && rec.reassembledIn !== n && rec.reassembledIn > 0) {
      ctx.add(f.reassembledIn, 0, 0, rec.reassembledIn, {
        generated: true,
        label: () => `[Reassembled PDU in frame: ${rec.reassembledIn}]`,
      });
    }
    if (flags & 0x04) return; // RST: the data is a reset cause, not handed on
    if (fresh) {
      const me = st.byId[rec.stream]?.dirs[rec.dir];
      if (!canDesegment || !me) {
        // Cut by the snaplen: the sub-dissector gets what is there, without reassembly.
        payloadOps(rec, hl, capturedPayload, payloadLen);
      } else {
        const seq0 = flags & 0x02 ? rec.relSeq + 1 : rec.relSeq;
        desegment(ctx, rec, me, seq0, seq0 + payloadLen, hl, hl + payloadLen, lo, hi, prefix);
        return;
      }
    }
    runOps(ctx, rec, rec.ops, lo, hi, prefix);
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
  keep_alive_ack: f.keepAliveAck,
  zero_window: f.zeroWindow,
  fast_retransmission: f.fastRetransmission,
  spurious_retransmission: f.spuriousRetransmission,
};
/**
 * Wireshark's severity of each analysis flag's expert info: what is a likely problem (a gap, out of order, a full
 * or zero window) warns; a retransmission or keep-alive is a note; a window update is chat.
 */
const ANALYSIS_SEVERITY: Record<string, ExpertSeverity> = {
  retransmission: 'note',
  fast_retransmission: 'note',
  spurious_retransmission: 'note',
  out_of_order: 'warn',
  lost_segment: 'warn',
  ack_lost_segment: 'warn',
  window_update: 'chat',
  window_full: 'warn',
  keep_alive: 'note',
  keep_alive_ack: 'note',
  zero_window: 'warn',
};
const ANALYSIS_INFO: Record<string, string> = {
  lost_segment: '[TCP Previous segment not captured]',
  retransmission: '[TCP Retransmission]',
  fast_retransmission: '[TCP Fast Retransmission]',
  spurious_retransmission: '[TCP Spurious Retransmission]',
  out_of_order: '[TCP Out-Of-Order]',
  ack_lost_segment: '[TCP ACKed unseen segment]',
  window_update: '[TCP Window Update]',
  window_full: '[TCP Window Full]',
  keep_alive: '[TCP Keep-Alive]',
  keep_alive_ack: '[TCP Keep-Alive ACK]',
  zero_window: '[TCP ZeroWindow]',
};

function newTcpState(): TcpState {
  const byId: Stream[] = [];
  return {
    streams: new Map(),
    addrs: new Map(),
    byId,
    count: 0,
    assemblies: new Assemblies(),
    records: new FrameRecords((id) => byId[id]?.firstRtt),
  };
}
interface TcpOption {
  kind: number;
  off: number;
  len: number;
}
const NO_OPTIONS: readonly TcpOption[] = [];

/** An option's bytes, as far as they were captured (a snaplen may cut the header). */
function optionBytes(v: ByteView, o: TcpOption): Uint8Array {
  return v.slice(o.off, Math.max(0, Math.min(o.len, v.length - o.off)));
}

/** The options of a header of `hl` bytes (read up to a malformed length, as Wireshark does). */
function parseOptions(v: ByteView, hl: number): TcpOption[] {
  const opts: TcpOption[] = [];
  for (let o = 20; o < hl;) {
    const k = v.u8(o);
    // End of Option List and NOP are one byte; as in Wireshark, the bytes after an EOL are read on (padding EOLs
    // are each listed).
    if (k === 0 || k === 1) {
      opts.push({ kind: k, off: o, len: 1 });
      o++;
      continue;
    }
    const l = o + 1 < hl ? v.u8(o + 1) : 0;
    if (l < 2 || o + l > hl) break;
    opts.push({ kind: k, off: o, len: l });
    o += l;
  }
  return opts;
}

/** Item groups skipped as a whole when none of their fields is recorded (wantsAny; module constants). */
const PORT_ITEMS = [f.srcport, f.dstport, f.port];
const HEADER_ITEMS = [
  f.stream,
  f.completeness,
  f.len,
  f.seq,
  f.seqRaw,
  f.nxtseq,
  f.ack,
  f.ackRaw,
  f.hdrLen,
  f.flags,
  f.res,
  f.ae,
  f.ns,
  f.cwr,
  f.ece,
  f.urg,
  f.ackf,
  f.push,
  f.reset,
  f.syn,
  f.fin,
  f.flagsStr,
  f.window,
  f.windowSize,
  f.windowScale,
  f.checksum,
  f.checksumStatus,
  f.urgent,
];
const TIME_ITEMS = [f.timeRelative, f.timeDelta];

/** The item of each option kind (a subtree in tshark's tree). */
const OPTION_FIELDS: Record<number, FieldDef> = {
  0: f.optEol,
  1: f.optNop,
  2: f.optMss,
  3: f.optWscale,
  4: f.sackPerm,
  5: f.optSack,
  8: f.optTimestamp,
  253: f.optExperimental,
  254: f.optExperimental,
};

/** An option's subtree with its Kind and Length lines (the values go under it); the label only in the full tree. */
function optionItem(ctx: DissectCtx, parent: Item, o: TcpOption, v: ByteView, sackBase: number): Item {
  const it = ctx.add(OPTION_FIELDS[o.kind] ?? f.optUnknown, o.off, o.len, optionBytes(v, o), {
    parent,
    label: () => optionLabel(o, v, sackBase),
  });
  ctx.add(f.optionKind, o.off, 1, o.kind, { parent: it });
  if (o.kind > 1) {
    const len = ctx.add(f.optionLen, o.off + 1, 1, o.len, { parent: it });
    if (isTarr(o, v) && o.len !== 4 && o.len !== 5)
      ctx.expert(len, 'note', 'sequence', `option length should be 4 or 5 instead of ${o.len}`);
  }
  return it;
}

/** An RFC 6994 experimental option carrying TCP ACK Rate Request. */
function isTarr(o: TcpOption, v: ByteView): boolean {
  return (o.kind === 253 || o.kind === 254) && o.len >= 4 && v.u16be(o.off + 2) === TARR;
}

/** "TCP Option - Timestamps: TSval 1, TSecr 2" and the like, as tshark labels an option's subtree. */
function optionLabel(o: TcpOption, v: ByteView, sackBase: number): string {
  switch (o.kind) {
    case 0:
      return 'TCP Option - End of Option List (EOL)';
    case 1:
      return 'TCP Option - No-Operation (NOP)';
    case 2:
      return o.len === 4
        ? `TCP Option - Maximum segment size: ${v.u16be(o.off + 2)} bytes`
        : 'TCP Option - Maximum segment size';
    case 3: {
      if (o.len !== 3) return 'TCP Option - Window scale';
      const shift = v.u8(o.off + 2);
      return `TCP Option - Window scale: ${shift} (multiply by ${2 ** Math.min(shift, 14)})`;
    }
    case 4:
      return 'TCP Option - SACK permitted';
    case 5: {
      let text = 'TCP Option - SACK';
      for (let e = o.off + 2; e + 8 <= o.off + o.len; e += 8)
        text += ` ${rel(v.u32be(e), sackBase)}-${rel(v.u32be(e + 4), sackBase)}`;
      return text;
    }
    case 8:
      return o.len === 10
        ? `TCP Option - Timestamps: TSval ${v.u32be(o.off + 2)}, TSecr ${v.u32be(o.off + 6)}`
        : 'TCP Option - Timestamps';
    case 253:
    case 254:
      if (!isTarr(o, v)) return 'TCP Option - Experimental';
      // With its rate when it has one (length 5).
      return `TCP Option - Experimental: TCP ACK Rate Request${o.len === 5 ? ` ${v.u8(o.off + 4) >> 1}` : ''}`;
    default:
      return 'TCP Option - Unknown';
  }
}
const SEGMENT_ITEMS = [f.segments, f.segment, f.segmentCount, f.reassembledLength, f.reassembledData];
const SEQ_ITEMS = [f.analysis, f.ackedFrame, f.ackRtt, f.initialRtt, f.bytesInFlight, f.pushBytesSent];

/** Wireshark 4.0's text for the conversation completeness bits. */
function completenessText(v: number): string {
  const name =
    v === 1
      ? 'Incomplete, SYN_SENT'
      : v === 3
        ? 'Incomplete, CLIENT_ESTABLISHED'
        : v === 7
          ? 'Incomplete, ESTABLISHED'
          : v === 15
            ? 'Incomplete, DATA'
            : (v & 7) === 7 && v & 48 && !(v & ~63)
              ? v & 8
                ? 'Complete, WITH_DATA'
                : 'Complete, NO_DATA'
              : 'Incomplete';
  return `${name} (${v})`;
}
const OPTION_TREE_ITEMS = [
  f.optionKind,
  f.optionLen,
  f.optEol,
  f.optNop,
  f.optMss,
  f.optWscale,
  f.optSack,
  f.optTimestamp,
  f.optExperimental,
  f.optUnknown,
  f.sackCount,
];

/** The items of the fixed header after the ports, as Wireshark adds them. */
function headerItems(
  ctx: DissectCtx,
  rec: FrameRecord,
  flags: number,
  payloadLen: number,
  hl: number,
  seqRaw: number,
  ackRaw: number,
  win: number,
  scaled: number,
  /** The direction that sent the stream's first FIN. */
  closer: 0 | 1 | undefined,
): void {
  const v = ctx.view;
  const seq = rec.relSeq;
  const ack = rec.relAck;
  const hasAck = (flags & 0x10) !== 0;
  ctx.add(f.stream, 0, 0, rec.stream, { generated: true });
  ctx.add(f.completeness, 0, 0, rec.completeness, {
    generated: true,
    label: () => `[Conversation completeness: ${completenessText(rec.completeness)}]`,
  });
  ctx.add(f.len, 12, 1, payloadLen, { generated: true });
  ctx.add(f.seq, 4, 4, seq, { label: () => `Sequence Number: ${seq}    (relative sequence number)` });
  ctx.add(f.seqRaw, 4, 4, seqRaw);
  // tshark 4.0 gives every segment its next sequence number (a pure ACK's is its own).
  const nxt = seq + payloadLen + (flags & 3 ? 1 : 0);
  ctx.add(f.nxtseq, 4, 4, nxt, {
    generated: true,
    label: () => `[Next Sequence Number: ${nxt}    (relative sequence number)]`,
  });
  ctx.add(f.ack, 8, 4, hasAck ? ack : 0, {
    label: () =>
      hasAck ? `Acknowledgment Number: ${ack}    (relative ack number)` : 'Acknowledgment Number: 0',
  });
  ctx.add(f.ackRaw, 8, 4, ackRaw);
  ctx.add(f.hdrLen, 12, 1, hl, {
    label: () => `${(hl / 4).toString(2).padStart(4, '0')} .... = Header Length: ${hl} bytes (${hl / 4})`,
  });
  const fItem = ctx.add(f.flags, 12, 2, flags, {
    label: () => `Flags: 0x${flags.toString(16).padStart(3, '0')} (${flagNames(flags)})`,
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
  const rst = ctx.add(f.reset, 13, 1, (flags & 0x04) !== 0, fp);
  // Wireshark's connection notes, on the flag that makes them.
  if (flags & 0x04) ctx.expert(rst, 'warn', 'sequence', 'Connection reset (RST)');
  const syn = ctx.add(f.syn, 13, 1, (flags & 0x02) !== 0, fp);
  if (flags & 0x02)
    ctx.expert(
      syn,
      'chat',
      'sequence',
      hasAck
        ? `Connection establish acknowledge (SYN+ACK): server port ${v.u16be(0)}`
        : `Connection establish request (SYN): server port ${v.u16be(2)}`,
    );
  const fin = ctx.add(f.fin, 13, 1, (flags & 0x01) !== 0, fp);
  if (flags & 0x01) ctx.expert(fin, 'chat', 'sequence', 'Connection finish (FIN)');
  if (ctx.wants(f.flagsStr)) {
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
    const str = ctx.add(f.flagsStr, 12, 2, letters.slice(-12), { ...fp, generated: true });
    // A FIN closes actively from the side that sent the stream's first FIN, passively from the other.
    if (flags & 0x01)
      ctx.expert(
        str,
        'note',
        'sequence',
        closer === rec.dir
          ? 'This frame initiates the connection closing'
          : 'This frame undergoes the connection closing',
      );
  }
  ctx.add(f.window, 14, 2, win);
  ctx.add(f.windowSize, 14, 2, scaled, { generated: true });
  const scale = flags & 0x02 ? -1 : rec.winScale === -2 ? -2 : rec.winScale < 0 ? -1 : 2 ** rec.winScale;
  // A SYN has no scaling factor (it announces one), in the tree or for filters, as in Wireshark.
  if (!(flags & 0x02))
    ctx.add(f.windowScale, 14, 2, scale, {
      generated: true,
      label: () =>
        `[Window size scaling factor: ${scale}${scale === -1 ? ' (unknown)' : scale === -2 ? ' (no window scaling used)' : ''}]`,
    });
  const ck = v.u16be(16);
  ctx.add(f.checksum, 16, 2, ck, {
    label: () => `Checksum: 0x${ck.toString(16).padStart(4, '0')} [unverified]`,
  });
  ctx.add(f.checksumStatus, 16, 2, 2, { generated: true });
  ctx.add(f.urgent, 18, 2, v.u16be(18));
}

/**
 * An endpoint (address and port) as a number: the address's index among those seen in the capture × 65536 +
 * the port. Stream lookups then cost no string building per segment (Wireshark keys its conversations on
 * addresses and ports the same way).
 */
function endpoint(st: TcpState, addr: string | undefined, port: number): number {
  const key = addr ?? '';
  let id = st.addrs.get(key);
  if (id === undefined) st.addrs.set(key, (id = st.addrs.size));
  return id * 65536 + port;
}

/** The stream of two endpoints, either way round. */
function streamOf(st: TcpState, a: number, b: number): Stream | undefined {
  const lo = Math.min(a, b);
  const v = st.streams.get(lo);
  if (v instanceof Map) return v.get(Math.max(a, b));
  return v && otherEnd(v, lo) === Math.max(a, b) ? v : undefined;
}

/** A stream's endpoint other than `end`. */
function otherEnd(s: Stream, end: number): number {
  return s.a === end ? s.b : s.a;
}

/**
 * Streams are found by their lower endpoint. Most endpoints (a client's address and port) have one stream:
 * it is the entry itself, and only an endpoint with several peers gets a Map of them (a Map per connection
 * would cost more than the rest of its state).
 */
function setStream(st: TcpState, a: number, b: number, s: Stream): void {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const v = st.streams.get(lo);
  if (v === undefined || (!(v instanceof Map) && otherEnd(v, lo) === hi)) st.streams.set(lo, s);
  else if (v instanceof Map) v.set(hi, s);
  else
    st.streams.set(
      lo,
      new Map([
        [otherEnd(v, lo), v],
        [hi, s],
      ]),
    );
}

interface Seen {
  sp: number;
  dp: number;
  src: number;
  dst: number;
  seqRaw: number;
  ackRaw: number;
  flags: number;
  win: number;
  payloadLen: number;
  capturedPayload: number;
  hl: number;
  ts: { s: number; ns: number };
  wsShift?: number;
  /** The bytes the segment's SACK option covers (sackDelivered), when it has one. */
  sackDelivered?: number;
}

function firstPass(ctx: DissectCtx, st: TcpState, p: Seen): FrameRecord {
  let s = streamOf(st, p.src, p.dst);
  const syn = (p.flags & 0x02) !== 0;
  const ackf = (p.flags & 0x10) !== 0;
  const fin = (p.flags & 0x01) !== 0;
  const rst = (p.flags & 0x04) !== 0;
  // A new SYN on a tuple whose earlier connection ended (or used another ISN) starts a new stream.
  let reused = false;
  if (s && syn && !ackf) {
    const d0 = s.dirs[s.a === p.src ? 0 : 1];
    if (d0.base !== undefined && d0.base !== p.seqRaw) {
      s = undefined;
      reused = true;
    }
  }
  const isNew = !s;
  if (!s) {
    s = {
      id: st.count++,
      dirs: [newDir(), newDir()],
      a: p.src,
      b: p.dst,
      firstTs: p.ts,
      lastTs: p.ts,
      // Wireshark gives a stream started by reused ports its SYN bit at once (shown in the SYN's own frame).
      completeness: reused ? 1 : 0,
    };
    setStream(st, p.src, p.dst, s);
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
  if (ackf) peer.validBif = true;
  const len = p.payloadLen;
  const analysis: Analysis[] = [];
  let dupAckNum: number | undefined;
  let rto: { s: number; ns: number; frame: number } | undefined;
  const segLen = len + (syn ? 1 : 0) + (fin ? 1 : 0);

  // Sequence analysis, in Wireshark's order of precedence.
  // A keep-alive carries 0 or 1 byte one before the next expected sequence number.
  if (me.next !== undefined && !syn && !rst) {
    if (len <= 1 && relSeq === me.next - 1 && !fin) analysis.push('keep_alive');
    else if (relSeq > me.next) {
      analysis.push('lost_segment');
      // Bytes in flight are not counted in this direction until an ACK comes back (Wireshark's valid_bif).
      me.validBif = false;
    }
  }
  // Retransmission, fast retransmission, out-of-order, spurious retransmission (tcp_analyze_sequence_number in
  // Wireshark 4.0): a segment that does not advance the sequence is out-of-order when it comes within the
  // handshake's RTT (3 ms when unknown) of the segment that last advanced it, else a retransmission.
  if ((len > 0 || syn || fin) && !analysis.includes('keep_alive')) {
    let notAdvanced = !!me.next && ((relSeq - me.next) | 0) < 0;
    if (len > 1 && me.next !== undefined && me.next - 1 === relSeq) notAdvanced = false;
    if (len > 0 && peer.lastAck && ((relSeq + len - peer.lastAck) | 0) <= 0)
      analysis.push('spurious_retransmission');
    else if (
      notAdvanced &&
      peer.dupAcks >= 2 &&
      peer.lastAck === relSeq &&
      peer.lastTime &&
      within(p.ts, peer.lastTime, 20_000_000)
    )
      analysis.push('fast_retransmission');
    else if (
      notAdvanced &&
      within(p.ts, me.nextTime ?? { s: 0, ns: 0 }, s.firstRtt ? nsOf(s.firstRtt) : 3_000_000) &&
      me.next !== relSeq + segLen
    )
      analysis.push('out_of_order');
    else if (notAdvanced) {
      analysis.push('retransmission');
      // The RTO (Wireshark 4.0): the time since the oldest segment still unACKed, likely the one sent again;
      // without one, since the segment that last advanced the sequence. Only a non-zero one is shown.
      const eldest = me.unacked[0];
      const ts = eldest ? eldest.ts : me.nextTime;
      const frame = eldest ? eldest.frame : me.nextFrame;
      if (ts && frame !== undefined) {
        const t = tsub(p.ts, ts);
        if (t.s !== 0 || t.ns !== 0) rto = { s: t.s, ns: t.ns, frame };
      }
    }
  }
  // ACKed unseen segment (Wireshark 4.0): the ACK goes past the end of the peer's data seen without a gap (not
  // its highest sequence: a segment after a hole does not count until the hole is filled). When the peer has
  // sent more since, the mark moves up to its highest sequence and the ACK is reported; when it has not (pure
  // ACKs going on past a hole), only the first such ACK is, and only if the peer's own ACKs were not duplicates.
  if (ackf && peer.maxToAck !== undefined && ((relAck - peer.maxToAck) | 0) > 0) {
    if (peer.next !== undefined && ((peer.next - peer.maxToAck) | 0) > 0) {
      peer.maxToAck = peer.next;
      analysis.push('ack_lost_segment');
    } else {
      if (peer.dupAcks === 0) analysis.push('ack_lost_segment');
      peer.dupAcks = -1;
    }
  }
  // Window update, keep-alive ACK, duplicate ACK (Wireshark 4.0): a segment without data or SYN/FIN/RST at this
  // direction's next sequence number repeating its last ACK number, with a non-zero window.
  let dupAckFrame: number | undefined;
  if (
    len === 0 &&
    !syn &&
    !fin &&
    !rst &&
    p.win !== 0 &&
    me.next !== undefined &&
    relSeq === me.next &&
    me.lastAckRaw !== undefined &&
    p.ackRaw === me.lastAckRaw
  ) {
    if (p.win !== me.lastWinRaw) analysis.push('window_update');
    else if (peer.lastKeepAlive) analysis.push('keep_alive_ack');
    else {
      // A duplicate ACK after a suppressed "ACKed unseen segment" counts as the first again.
      me.dupAcks = me.dupAcks === -1 ? 1 : me.dupAcks + 1;
      dupAckNum = me.dupAcks;
      dupAckFrame = me.lastNonDup;
      analysis.push('duplicate_ack');
    }
  }
  if (p.ackRaw !== me.lastAckRaw) {
    me.dupAcks = 0;
    me.lastNonDup = ctx.frame.number;
  }
  me.lastAckRaw = p.ackRaw;
  me.lastWinRaw = p.win;
  if (p.win === 0 && !syn && !fin && !rst) analysis.push('zero_window');
  if (len > 0 && peer.lastAck !== undefined && peer.lastWin !== undefined && peer.winScale !== undefined) {
    const pw = peer.winScale >= 0 ? peer.lastWin * 2 ** peer.winScale : peer.lastWin;
    if (pw > 0 && relSeq + len === peer.lastAck + pw && !analysis.includes('retransmission'))
      analysis.push('window_full');
  }

  const end = relSeq + segLen;
  if (me.next === undefined || end > me.next) {
    me.next = end;
    me.nextTime = p.ts;
    me.nextFrame = ctx.frame.number;
  }
  // The data seen without a gap grows when a segment starts where it ends (the first segment starts it).
  if (me.maxToAck === undefined || relSeq === me.maxToAck) me.maxToAck = me.next;
  me.lastTime = p.ts;
  if (syn && !ackf) s.mruSyn = p.ts;
  // The handshake's RTT: from the last SYN to the first pure ACK (a SYN at time 0.0 does not count, as in
  // Wireshark, which takes a zero time as "not seen").
  if (ackf && !syn && s.mruSyn && (s.mruSyn.s || s.mruSyn.ns) && !s.firstRtt) {
    const rtt = tsub(p.ts, s.mruSyn);
    if (rtt.s || rtt.ns) s.firstRtt = rtt;
  }
  if (ackf) {
    me.lastAck = relAck;
    me.lastWin = p.win;
  }
  if (fin) me.fin = true;
  if (fin && s.closer === undefined) s.closer = dir;
  me.lastKeepAlive = analysis.includes('keep_alive');

  // Wireshark's unacked list: this segment joins it; the ACK removes what it covers from the peer's, and names
  // the segment it ACKs exactly (the oldest of equal ones).
  const seqEnd = u32(p.seqRaw + segLen);
  if (segLen > 0 && me.unacked.length < 10000) {
    const tail = me.unacked[me.unacked.length - 1];
    if (tail && ((seqEnd - tail.next) | 0) < 0) me.unackedSorted = false;
    me.unacked.push({ frame: ctx.frame.number, seq: p.seqRaw, next: seqEnd, ts: p.ts });
    if (me.span) {
      const first = rel(p.seqRaw, me.base);
      const last = rel(seqEnd, me.base);
      if (first < me.span.first) me.span.first = first;
      if (last > me.span.last) me.span.last = last;
    }
  }
  let acksFrame: number | undefined;
  let ackRttNs: number | undefined;
  const list = peer.unacked;
  if (list.length) {
    // What the ACK covers leaves the list (compacted in place). Wireshark walks it newest first and the last
    // exact match wins: the oldest segment ending where the ACK points.
    const ack = p.ackRaw;
    const sorted = peer.unackedSorted;
    let w = 0;
    let i = 0;
    for (; i < list.length; i++) {
      const u = list[i];
      // In sequence order, nothing after a segment starting at or beyond the ACK is touched.
      if (sorted && ((u.seq - ack) | 0) >= 0) break;
      if (ack === u.next) {
        if (acksFrame === undefined) {
          acksFrame = u.frame;
          ackRttNs = (p.ts.s - u.ts.s) * 1e9 + (p.ts.ns - u.ts.ns);
        }
        continue;
      }
      if (((ack - u.seq) | 0) > 0 && ((ack - u.next) | 0) <= 0) u.seq = ack;
      else if (((u.next - ack) | 0) <= 0) continue;
      list[w++] = u;
    }
    if (w !== i) {
      for (; i < list.length; i++) list[w++] = list[i];
      list.length = w;
    }
    peer.span = undefined;
    if (!sorted) {
      // A full walk: the survivors may be in order again.
      let inOrder = true;
      for (let k = 1; k < list.length && inOrder; k++) inOrder = ((list[k].next - list[k - 1].next) | 0) >= 0;
      peer.unackedSorted = inOrder;
    }
  }
  // Bytes in flight (Wireshark 4.0's default, from the payloads seen): the span of this direction's unACKed
  // segments less the bytes the other side's last segment SACKed, a SYN or FIN not counting. Both it
  // and the bytes since the last PSH are counted only while valid_bif holds.
  let bytesInFlight: number | undefined;
  let pushBytes: number | undefined;
  if (len > 0 && me.unacked.length && me.validBif) {
    const span = (me.span ??= unackedSpan(me.unacked, me.base));
    const inFlight = u32(span.last - span.first - peer.sackDelivered);
    if (inFlight > 0 && inFlight < 2000000000) bytesInFlight = syn || fin ? inFlight - 1 : inFlight;
    if (me.pushSetLast) {
      me.pushBytes = len;
      me.pushSetLast = false;
    } else me.pushBytes += len;
    if (p.flags & 0x08) me.pushSetLast = true;
    pushBytes = me.pushBytes;
  }
  // Every segment sets its direction's SACK blocks anew: none without a SACK option.
  me.sackDelivered = p.sackDelivered ?? 0;
  // Conversation completeness as Wireshark 4.0 moves it forward, each frame showing the value before its own
  // bits: a new conversation's first segment counts only as a SYN (with data: TCP Fast Open); after that a
  // SYN-ACK, an ACK with or without data, a FIN with an ACK and a RST each set theirs.
  const completeness = s.completeness;
  if (isNew && !reused) {
    if (syn && !ackf) s.completeness |= len > 0 ? 1 | 8 : 1;
  } else {
    if (syn && ackf) s.completeness |= 2;
    if (ackf && !syn) s.completeness |= len > 0 ? 8 : 4;
    if (fin && ackf) s.completeness |= 16;
    if (rst) s.completeness |= 32;
  }

  const rec: FrameRecord = {
    stream: s.id,
    dir,
    relSeq,
    relAck,
    winScale: syn ? -1 : me.winScale,
    analysis, // kept as bits once the next frame's record is stored (FrameRecords)
    relS: timeRel.s,
    relNs: timeRel.ns,
    deltaS: timeDelta.s,
    deltaNs: timeDelta.ns,
    ops: NO_OPS,
    // Always present (one shape for every record).
    completeness,
    acksFrame,
    ackRttNs,
    irtt: s.firstRtt,
    bytesInFlight,
    pushBytes,
  };
  if (dupAckNum) rec.dupAckNum = dupAckNum;
  if (dupAckFrame) rec.dupAckFrame = dupAckFrame;
  if (rto) rec.rto = rto;
  return rec;
}

/** Lowest start and highest end of `list`, relative to `base` (Wireshark's first_seq and last_seq). */
function unackedSpan(list: readonly Unacked[], base: number): { first: number; last: number } {
  let first = rel(list[0].seq, base);
  let last = rel(list[0].next, base);
  for (let k = 1; k < list.length; k++) {
    const a = rel(list[k].seq, base);
    const b = rel(list[k].next, base);
    if (a < first) first = a;
    if (b > last) last = b;
  }
  return { first, last };
}

/**
 * What a SACK option's blocks cover, as Wireshark's bytes in flight subtract it: the first three complete blocks
 * (its MAX_TCP_SACK_RANGES less one), each right edge less left edge in 32 bits.
 */
function sackDelivered(v: ByteView, o: TcpOption): number {
  const blocks = Math.min(3, Math.floor((o.len - 2) / 8));
  let sum = 0;
  for (let k = 0; k < blocks; k++)
    sum = u32(sum + u32(v.u32be(o.off + 2 + 8 * k + 4) - v.u32be(o.off + 2 + 8 * k)));
  return sum;
}

const ONE_MORE_SEGMENT = -1;
const UNTIL_FIN = -2;

function nsOf(t: { s: number; ns: number }): number {
  return t.s * 1e9 + t.ns;
}

/**
 * Whether `now` comes less than `limit` ns after `then`. Wireshark computes the difference unsigned: a frame
 * stamped before `then` (timestamps going backwards) is never within the limit.
 */
function within(now: { s: number; ns: number }, then: { s: number; ns: number }, limit: number): boolean {
  const d = nsOf(now) - nsOf(then);
  return d >= 0 && d < limit;
}

/** The frame's payload goes to the sub-dissectors as it is (or to the data dissector for a keep-alive). */
function payloadOps(rec: FrameRecord, off: number, len: number, rlen: number): void {
  if (len <= 0) return;
  if (rec.analysis.includes('keep_alive')) addOp(rec, { op: 'data', off, len });
  // tcp.no_subdissector_on_error: retransmitted and out-of-order data is not handed on.
  else if (rec.analysis.includes('retransmission') || rec.analysis.includes('out_of_order')) return;
  else addOp(rec, { op: 'direct', off, len, canDesegment: false, rlen });
}

/**
 * desegment_tcp() of Wireshark 4.0 (out-of-order reassembly off, the default), first pass: feeds this segment to
 * the multi-segment PDU it continues or to the sub-dissector, runs the sub-dissector calls as it goes (recording
 * them for later passes) and creates or extends PDUs when the sub-dissector asks for more data.
 */
function desegment(
  ctx: DissectCtx,
  rec: FrameRecord,
  me: Dir,
  seqStart: number,
  nxtseq: number,
  hl: number,
  total: number,
  lo: number,
  hi: number,
  prefix: string,
): void {
  const n = ctx.frame.number;
  const fence: FenceState = { info: undefined, protocol: undefined };
  let offset = hl;
  let seq = seqStart;
  let firstPdu = true;
  for (;;) {
    let fh: FragHead | undefined;
    let lastFragLen = 0;
    let mustDesegment = false;
    let called = false;
    let another = 0;
    let d: Desegment | undefined;
    let desegOffset = offset;
    let msp = me.msps.get(seq);
    if (msp && nxtseq <= msp.nxtpdu && msp.lastFrame !== n) {
      // Seen before: the first segment of a PDU (this frame) or a retransmission of one.
      if (msp.firstFrame === n && firstPdu) {
        emitOp(ctx, rec, OP_SEGNOTE, lo, hi, prefix, fence);
        emitOp(ctx, rec, { op: 'segdata', off: offset, len: total - offset }, lo, hi, prefix, fence);
      } else if (msp.firstFrame !== n)
        emitOp(ctx, rec, { op: 'resent', off: offset, len: total - offset }, lo, hi, prefix, fence);
      return;
    }
    // A retransmission is not handed on again: tshark lists its bytes as retransmitted segment data.
    if (rec.analysis.includes('retransmission')) {
      emitOp(ctx, rec, { op: 'resent', off: offset, len: total - offset }, lo, hi, prefix, fence);
      return;
    }
    if (rec.analysis.includes('spurious_retransmission')) return;
    if (!msp) msp = me.msps.le(seq - 1);
    if (msp && msp.seq <= seq && msp.nxtpdu > seq) {
      msp.lastFrame = n;
      const len = msp.entire ? total - offset : Math.min(nxtseq - seq, msp.nxtpdu - seq);
      lastFragLen = len;
      let complete: boolean;
      try {
        complete = fragmentAdd(
          msp.fh,
          n,
          ctx.base + offset,
          seq - msp.seq,
          len,
          nxtseq < msp.nxtpdu,
          frameReader(ctx),
        );
      } catch (e) {
        if (e instanceof ReassemblyError) {
          emitOp(ctx, rec, { op: 'error', msg: e.message }, lo, hi, prefix, fence);
          return;
        }
        throw e;
      }
      if (msp.entire) {
        msp.entire = false;
        if (msp.nxtpdu < nxtseq) msp.nxtpdu = nxtseq;
      }
      if (msp.nxtpdu < nxtseq && msp.nxtpdu >= seq && len > 0) another = msp.nxtpdu - seq;
      if (complete) fh = msp.fh;
    } else {
      d = processOp(
        ctx,
        rec,
        { op: 'direct', off: offset, len: total - offset, canDesegment: true },
        lo,
        hi,
        prefix,
        fence,
      );
      called = true;
      if (d) {
        mustDesegment = true;
        desegOffset = offset + d.offset;
      }
    }
    if (fh && msp) {
      // The reassembled bytes come from what was kept of this PDU on its last reassembly, if anything.
      const assemblies = ctx.state.get<TcpState>('tcp', newTcpState).assemblies;
      d = processOp(ctx, rec, pduOp(fh, true), lo, hi, prefix, fence, assemblies.data(fh, frameReader(ctx)));
      called = true;
      if (d) {
        if (d.offset === 0 || msp.seq + d.offset <= seq) fh.partial = true;
        else {
          assemblies.release(fh);
          msp = splitMsp(me, msp, d.offset, n);
        }
        if (d.need === ONE_MORE_SEGMENT) {
          msp.nxtpdu = Math.max(seq + (total - offset), msp.nxtpdu) + 1;
          msp.entire = true;
        } else if (d.need === UNTIL_FIN) {
          me.untilFin = true;
          msp.nxtpdu = msp.seq + 0x40000000;
        } else if (seq + lastFragLen >= msp.nxtpdu) msp.nxtpdu = seq + lastFragLen + d.need;
        else msp.nxtpdu += d.need;
        another = 0;
        offset += lastFragLen;
        seq += lastFragLen;
        if (total - offset > 0) continue;
      } else {
        const len = another > 0 ? another : total - offset;
        emitOp(ctx, rec, { op: 'segdata', off: offset, len }, lo, hi, prefix, fence);
        assemblies.release(fh);
        markReassembled(ctx, fh, n);
        if (fh.illegal) emitOp(ctx, rec, OP_ILLEGAL, lo, hi, prefix, fence);
      }
    }
    if (mustDesegment && d) {
      const desegSeq = seq + (desegOffset - offset);
      if (d.need === UNTIL_FIN) me.untilFin = true;
      if (nxtseq - desegSeq <= 1024 * 1024) {
        const nxtpdu =
          d.need === ONE_MORE_SEGMENT
            ? nxtseq + 1
            : d.need === UNTIL_FIN
              ? nxtseq + 0x40000000
              : nxtseq + d.need;
        const m = me.msps.store(desegSeq, nxtpdu, n);
        if (d.need === ONE_MORE_SEGMENT) m.entire = true;
        fragmentAdd(
          m.fh,
          n,
          ctx.base + desegOffset,
          0,
          nxtseq - desegSeq,
          nxtseq < m.nxtpdu,
          frameReader(ctx),
        );
      }
    }
    if (!called || d) {
      if (!d || d.offset === 0) {
        emitOp(ctx, rec, OP_TCPCOL, lo, hi, prefix, fence);
        if (firstPdu) emitOp(ctx, rec, OP_SEGNOTE, lo, hi, prefix, fence);
      }
      const len = total - desegOffset;
      emitOp(ctx, rec, { op: 'segdata', off: desegOffset, len }, lo, hi, prefix, fence);
    }
    if (another) {
      emitOp(ctx, rec, OP_FENCE, lo, hi, prefix, fence);
      firstPdu = false;
      offset += another;
      seq += another;
      continue;
    }
    return;
  }
}

/** Records a step of desegment_tcp and performs it (`data`: the reassembled bytes of a 'pdu' step, if at hand). */
function emitOp(
  ctx: DissectCtx,
  rec: FrameRecord,
  op: Op,
  lo: number,
  hi: number,
  prefix: string,
  fence: FenceState,
  data?: Extending,
): Desegment | undefined {
  addOp(rec, op);
  return runOp(ctx, rec, op, lo, hi, prefix, fence, data);
}

/** The step handing a reassembled PDU on, as it stands now (its arrays may grow later, the counts do not). */
function pduOp(fh: FragHead, canDesegment: boolean): Op {
  return {
    op: 'pdu',
    pieces: fh.pieces,
    frags: fh.frags,
    nfrags: fh.frags.length,
    len: fh.datalen,
    canDesegment,
  };
}

/** A sub-dissector call, unless the segment is a keep-alive (data) or a retransmission (not handed on). */
function processOp(
  ctx: DissectCtx,
  rec: FrameRecord,
  op: Op,
  lo: number,
  hi: number,
  prefix: string,
  fence: FenceState,
  data?: Extending,
): Desegment | undefined {
  if (rec.analysis.includes('keep_alive') && op.op === 'direct') {
    emitOp(ctx, rec, { op: 'data', off: op.off, len: op.len }, lo, hi, prefix, fence);
    return undefined;
  }
  if (rec.analysis.includes('retransmission') || rec.analysis.includes('out_of_order')) return undefined;
  return emitOp(ctx, rec, op, lo, hi, prefix, fence, data);
}

/** Reads frame `fr`'s bytes for reassembly (this frame's own, or another's from the capture). */
function frameReader(ctx: DissectCtx): (fr: number) => Uint8Array | undefined {
  const n = ctx.frame.number;
  return (fr) => (fr === n ? ctx.frameBytes : ctx.state.readFrame?.(fr));
}

/** split_msp(): the part of a reassembled PDU after `at` becomes a PDU of its own. */
function splitMsp(me: Dir, msp: Msp, at: number, n: number): Msp {
  const fh = msp.fh;
  const newSeq = msp.seq + at;
  const nm = me.msps.store(newSeq, newSeq + 1, n);
  let first = 0;
  for (const x of fh.frags) if (x.off + x.len >= at && (first === 0 || x.frame < first)) first = x.frame;
  nm.firstFrame = first || n;
  nm.nxtpdu = msp.nxtpdu;
  for (const x of fh.frags) {
    if (at > x.off + x.len) continue;
    const skip = Math.max(0, at - x.off);
    nm.fh.frags.push({ off: x.off + skip - at, len: x.len - skip, frame: x.frame, foff: x.foff + skip });
    if (x.frame > nm.fh.maxFrame) nm.fh.maxFrame = x.frame;
  }
  // The old PDU ends at the split.
  fh.truncate(at);
  msp.nxtpdu = msp.seq + at;
  return nm;
}

/** The FIN of a stream reassembled "until FIN": the PDU is complete, dissected without further reassembly. */
function finishUntilFin(ctx: DissectCtx, rec: FrameRecord, me: Dir, hl: number, len: number): boolean {
  const n = ctx.frame.number;
  if (me.finFrame !== undefined && me.finFrame !== n) return false;
  me.finFrame = n;
  const msp = me.msps.le(rec.relSeq - 1);
  if (!msp) return false;
  let complete: boolean;
  try {
    complete = fragmentAdd(msp.fh, n, ctx.base + hl, rec.relSeq - msp.seq, len, false, frameReader(ctx));
  } catch (e) {
    if (e instanceof ReassemblyError) {
      addOp(rec, { op: 'error', msg: e.message });
      return true;
    }
    throw e;
  }
  if (!complete || msp.fh.reassembledIn !== n) return false;
  markReassembled(ctx, msp.fh, n);
  addOp(rec, pduOp(msp.fh, false));
  return true;
}

function markReassembled(ctx: DissectCtx, fh: FragHead, inFrame: number): void {
  const records = ctx.state.get<TcpState>('tcp', newTcpState).records;
  for (const { frame } of fh.frags) {
    if (frame === inFrame) continue;
    records.setReassembledIn(frame, inFrame);
  }
}

/** Column state around the PDUs of one frame: what is protected once another PDU follows. */
interface FenceState {
  info: string | undefined;
  protocol: string | undefined;
}

function runOps(
  ctx: DissectCtx,
  rec: FrameRecord,
  ops: readonly Op[],
  lo: number,
  hi: number,
  prefix: string,
): void {
  const fence: FenceState = { info: undefined, protocol: undefined };
  for (const op of ops) runOp(ctx, rec, op, lo, hi, prefix, fence);
}

/**
 * pinfo.data key: whether the Info column already holds text a sub-dissector cannot clear (Wireshark's fence:
 * the analysis prefix, the text of earlier PDUs in the frame). Dissectors that append with a separator (TLS's
 * col_append_sep_str) start with one then: "[TCP ACKed unseen segment] , Encrypted Alert".
 */
export const INFO_FENCED = 'col.info.fenced';

function fencedInfo(prefix: string, fence: FenceState): boolean {
  return prefix !== '' || (fence.info !== undefined && fence.info !== '');
}

/** After a sub-dissector: the analysis prefix and the text of earlier PDUs stay at the head of the Info. */
function keepPrefix(ctx: DissectCtx, prefix: string, fence: FenceState): void {
  const now = ctx.columns.info;
  if (prefix && !now.startsWith(prefix)) ctx.columns.info = now ? `${prefix} ${now}` : prefix;
  if (fence.info !== undefined && !ctx.columns.info.startsWith(fence.info))
    ctx.columns.info = fence.info + ctx.columns.info;
  if (fence.protocol !== undefined) ctx.columns.protocol = fence.protocol;
}

/**
 * Performs one recorded step; returns the sub-dissector's request for more data (first pass only matters). A
 * 'pdu' step's bytes are read from the frames unless given (`data`).
 */
function runOp(
  ctx: DissectCtx,
  rec: FrameRecord,
  op: Op,
  lo: number,
  hi: number,
  prefix: string,
  fence: FenceState,
  data?: Extending,
): Desegment | undefined {
  switch (op.op) {
    case 'direct': {
      ctx.pinfo.data.set('tcp.can_desegment', op.canDesegment);
      ctx.pinfo.data.set('tcp.reported_len', op.rlen ?? op.len);
      ctx.pinfo.data.set(INFO_FENCED, fencedInfo(prefix, fence));
      // A context of its own over the payload (not TCP's with an offset): a malformed sub-dissector's expert
      // items are placed at the context's start.
      const d = callSub(ctx, ctx.sub(op.off, op.len), lo, hi);
      keepPrefix(ctx, prefix, fence);
      return missing(d, op.len);
    }
    case 'pdu': {
      const bytes = data?.bytes ?? piecesBytes(op.pieces, op.len, frameReader(ctx));
      ctx.pinfo.data.set('tcp.can_desegment', op.canDesegment);
      ctx.pinfo.data.set('tcp.reported_len', op.len);
      ctx.pinfo.data.set(INFO_FENCED, fencedInfo(prefix, fence));
      const sub = ctx.withSource(`Reassembled TCP (${op.len} bytes)`, bytes);
      // Kept bytes of a PDU that grows: a sub-dissector may continue the parse it made of them last time.
      if (data) ctx.pinfo.data.set('tcp.extends', data);
      const at = ctx.treeLength();
      const d = callSub(ctx, sub, lo, hi);
      ctx.pinfo.data.delete('tcp.extends');
      // Wireshark shows the reassembled segments only when the PDU was taken whole (no more data asked for),
      // as a top-level line before the layer they carried.
      if (!d) {
        segmentItems(ctx, op, bytes, at);
        ctx.addLayerName('tcp.segments');
      }
      keepPrefix(ctx, prefix, fence);
      return missing(d, op.len);
    }
    case 'data':
      ctx.sub(op.off, op.len).data(0);
      return undefined;
    case 'tcpcol':
      if (fence.protocol === undefined) ctx.columns.protocol = 'TCP';
      return undefined;
    case 'segnote': {
      const now = ctx.columns.info;
      ctx.columns.info = now
        ? `${now} [TCP segment of a reassembled PDU]`
        : '[TCP segment of a reassembled PDU]';
      return undefined;
    }
    case 'segdata':
    case 'resent':
      if (ctx.wants(f.segmentData)) {
        const n = op.len;
        const have = Math.max(0, Math.min(n, ctx.view.length - op.off));
        const again = op.op === 'resent' ? 'Retransmitted ' : '';
        ctx.add(f.segmentData, op.off, have, ctx.view.slice(op.off, have), {
          label: () => `${again}TCP segment data (${n} byte${n === 1 ? '' : 's'})`,
        });
      }
      return undefined;
    case 'fence':
      fence.info = ctx.columns.info;
      fence.protocol = ctx.columns.protocol;
      return undefined;
    case 'illegal':
      ctx.columns.info = `${fence.info ?? (prefix ? `${prefix} ` : '')}[Illegal Segments]`;
      return undefined;
    case 'error': {
      // Wireshark's show_exception: a top-level Malformed item naming the error, its expert the bare message.
      ctx.columns.info += `[Reassembly error, protocol TCP: ${op.msg}]`;
      const item = ctx.topItem(wsMalformed, null, { label: `[Reassembly error, protocol TCP: ${op.msg}]` });
      ctx.expert(item, 'error', 'malformed', op.msg);
      return undefined;
    }
  }
}

/**
 * Sub-dissectors ask for a total length from their offset; Wireshark's desegment_len counts the bytes missing
 * after the data they were given.
 */
function missing(d: Desegment | undefined, len: number): Desegment | undefined {
  if (!d || d.need < 0) return d;
  return { offset: d.offset, need: Math.max(1, d.need - (len - d.offset)) };
}

/** The tcp.stream of a frame's TCP header, once the first pass has seen it (frame filters read it cheaply). */
export function tcpStreamOf(state: CaptureState, frame: number): number | undefined {
  return state.get<TcpState>('tcp', newTcpState).records.streamOf(frame);
}

export type { Item };

/** The "[N Reassembled TCP Segments (…)]" line and its items, at top-level position `at`. */
function segmentItems(ctx: DissectCtx, op: Extract<Op, { op: 'pdu' }>, bytes: Uint8Array, at: number): void {
  const nfrags = op.nfrags;
  if (!ctx.wantsAny(SEGMENT_ITEMS)) return;
  const frags = op.frags.slice(0, nfrags);
  // Wireshark cuts a label at 240 characters (the closing bracket comes after).
  const segItem = ctx.topItem(
    f.segments,
    null,
    {
      generated: true,
      label: () =>
        `${`[${nfrags} Reassembled TCP Segments (${op.len} bytes): ${frags.map((x) => `#${x.frame}(${x.len})`).join(', ')}`.slice(0, 240)}]`,
    },
    at,
  );
  for (const { frame: fr, len: l, off } of frags)
    ctx.add(f.segment, 0, 0, fr, {
      parent: segItem,
      label: () => `[Frame: ${fr}, payload: ${off}-${off + l - 1} (${l} byte${l === 1 ? '' : 's'})]`,
    });
  ctx.add(f.segmentCount, 0, 0, nfrags, { parent: segItem, generated: true });
  ctx.add(f.reassembledLength, 0, 0, op.len, { parent: segItem, generated: true });
  // Labelled as any bytes field: the first 36 bytes in hex, then an ellipsis (see itemLabel).
  if (ctx.wants(f.reassembledData))
    ctx.add(f.reassembledData, 0, 0, bytes, { parent: segItem, generated: true });
}
