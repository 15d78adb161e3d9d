/**
 * QUIC (RFC 9000, with drafts 23-34 and version 2): long and short headers, coalesced packets, packet
 * protection removed (RFC 9001) with Initial keys derived from the client's first Destination Connection ID
 * and, when the capture carries a TLS key log, Handshake and 1-RTT keys too. CRYPTO frames are put back in
 * order per connection, encryption level and direction, and the TLS handshake messages they carry go through
 * the TLS dissector's handshake code (so tls.handshake.* and the SNI filter on QUIC frames, as in Wireshark).
 *
 * The first in-order pass does all the work (connections, decryption, reassembly) and keeps per frame what it
 * found; any later dissection of the frame renders from that record.
 */
import { bytes as bytesField, none, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import { ByteView, toHex } from '../bytes/byteview.js';
import type { Item } from '../dissect/types.js';
import {
  decodePacketNumber,
  headerMask,
  initialKeys,
  keysFromSecret,
  openPayload,
  parseKeyLog,
  quicVersion,
  type KeyLog,
  type QuicKeys,
  type QuicVersion,
  updatedKeys,
} from './quic-crypto.js';
import { tls } from './l7-tls.js';
import { handshakeMessages } from './tls-handshake.js';
import { http3 } from './l7-http3.js';
import { exact, varint } from './quic-varint.js';

const LONG_TYPES: Record<number, string> = { 0: 'Initial', 1: '0-RTT', 2: 'Handshake', 3: 'Retry' };

/** Frame type names: the tree's, then the short form Wireshark puts in the Info column. */
const FRAME_NAMES: Record<number, [string, string]> = {
  0x00: ['PADDING', 'PADDING'],
  0x01: ['PING', 'PING'],
  0x02: ['ACK', 'ACK'],
  0x03: ['ACK_ECN', 'ACK_ECN'],
  0x04: ['RESET_STREAM', 'RS'],
  0x05: ['STOP_SENDING', 'SS'],
  0x06: ['CRYPTO', 'CRYPTO'],
  0x07: ['NEW_TOKEN', 'NT'],
  0x10: ['MAX_DATA', 'MD'],
  0x11: ['MAX_STREAM_DATA', 'MSD'],
  0x12: ['MAX_STREAMS (BIDI)', 'MS'],
  0x13: ['MAX_STREAMS (UNI)', 'MS'],
  0x14: ['DATA_BLOCKED', 'DB'],
  0x15: ['STREAM_DATA_BLOCKED', 'SDB'],
  0x16: ['STREAMS_BLOCKED (BIDI)', 'SB'],
  0x17: ['STREAMS_BLOCKED (UNI)', 'SB'],
  0x18: ['NEW_CONNECTION_ID', 'NCI'],
  0x19: ['RETIRE_CONNECTION_ID', 'RC'],
  0x1a: ['PATH_CHALLENGE', 'PC'],
  0x1b: ['PATH_RESPONSE', 'PR'],
  0x1c: ['CONNECTION_CLOSE (Transport)', 'CC'],
  0x1d: ['CONNECTION_CLOSE (Application)', 'CC'],
  0x1e: ['HANDSHAKE_DONE', 'DONE'],
  0x30: ['DATAGRAM', 'DG'],
  0x31: ['DATAGRAM', 'DG'],
};
const FRAME_STRINGS: Record<number, string> = {};
for (const [k, [name]] of Object.entries(FRAME_NAMES)) FRAME_STRINGS[Number(k)] = name;
for (let t = 8; t <= 0x0f; t++) FRAME_STRINGS[t] = 'STREAM';

const f = {
  connection: uint('quic.connection.number', 'Connection Number', 32),
  packetLength: uint('quic.packet_length', 'Packet Length', 32),
  headerForm: uint('quic.header_form', 'Header Form', 8, {
    bitmask: 0x80,
    strings: { 0: 'Short Header', 1: 'Long Header' },
  }),
  fixedBit: uint('quic.fixed_bit', 'Fixed Bit', 8, { bitmask: 0x40 }),
  longType: uint('quic.long.packet_type', 'Packet Type', 8, { bitmask: 0x30, strings: LONG_TYPES }),
  longReserved: uint('quic.long.reserved', 'Reserved', 8, { bitmask: 0x0c }),
  pnLength: uint('quic.packet_number_length', 'Packet Number Length', 8, { bitmask: 0x03 }),
  spinBit: uint('quic.spin_bit', 'Spin Bit', 8, { bitmask: 0x20 }),
  keyPhase: uint('quic.key_phase', 'Key Phase Bit', 8, { bitmask: 0x04 }),
  shortReserved: uint('quic.short.reserved', 'Reserved', 8, { bitmask: 0x18 }),
  version: uint('quic.version', 'Version', 32, { base: 'hex' }),
  dcil: uint('quic.dcil', 'Destination Connection ID Length', 8),
  dcid: bytesField('quic.dcid', 'Destination Connection ID'),
  scil: uint('quic.scil', 'Source Connection ID Length', 8),
  scid: bytesField('quic.scid', 'Source Connection ID'),
  supportedVersion: uint('quic.supported_version', 'Supported Version', 32, { base: 'hex' }),
  tokenLength: uint('quic.token_length', 'Token Length', 64),
  token: bytesField('quic.token', 'Token'),
  length: uint('quic.length', 'Length', 64),
  packetNumber: uint('quic.packet_number', 'Packet Number', 64),
  payload: bytesField('quic.payload', 'Payload'),
  retryToken: bytesField('quic.retry_token', 'Retry Token'),
  retryTag: bytesField('quic.retry_integrity_tag', 'Retry Integrity Tag'),
  frame: none('quic.frame', 'Frame'),
  frameType: uint('quic.frame_type', 'Frame Type', 64, { base: 'hex', strings: FRAME_STRINGS }),
  paddingLength: uint('quic.padding_length', 'Padding Length', 32),
  ackLargest: uint('quic.ack.largest_acknowledged', 'Largest Acknowledged', 64),
  ackDelay: uint('quic.ack.ack_delay', 'ACK Delay', 64),
  ackRangeCount: uint('quic.ack.ack_range_count', 'ACK Range Count', 64),
  ackFirstRange: uint('quic.ack.first_ack_range', 'First ACK Range', 64),
  ackGap: uint('quic.ack.gap', 'Gap', 64),
  ackRange: uint('quic.ack.ack_range', 'ACK Range', 64),
  ackEct0: uint('quic.ack.ect0_count', 'ECT(0) count', 64),
  ackEct1: uint('quic.ack.ect1_count', 'ECT(1) count', 64),
  ackEcnCe: uint('quic.ack.ecn_ce_count', 'ECN-CE count', 64),
  streamId: uint('quic.stream.stream_id', 'Stream ID', 64),
  streamOffset: uint('quic.stream.offset', 'Offset', 64),
  streamLength: uint('quic.stream.length', 'Length', 64),
  streamFin: uint('quic.stream.fin', 'Fin', 8),
  streamData: bytesField('quic.stream_data', 'Stream Data'),
  errorCode: uint('quic.error_code', 'Error code', 64),
  finalSize: uint('quic.final_size', 'Final Size', 64),
  cryptoOffset: uint('quic.crypto.offset', 'Offset', 64),
  cryptoLength: uint('quic.crypto.length', 'Length', 64),
  cryptoData: bytesField('quic.crypto.crypto_data', 'Crypto Data'),
  ntLength: uint('quic.nt.length', '(Token) Length', 64),
  ntToken: bytesField('quic.nt.token', 'Token'),
  maxData: uint('quic.md.maximum_data', 'Maximum Data', 64),
  maxStreamData: uint('quic.msd.maximum_stream_data', 'Maximum Stream Data', 64),
  maxStreams: uint('quic.ms.max_streams', 'Max Streams', 64),
  blocked: uint('quic.blocked.limit', 'Limit', 64),
  nciSequence: uint('quic.nci.sequence', 'Sequence', 64),
  nciRetire: uint('quic.nci.retire_prior_to', 'Retire Prior To', 64),
  nciLength: uint('quic.nci.connection_id.length', 'Connection ID Length', 8),
  nciCid: bytesField('quic.nci.connection_id', 'Connection ID'),
  nciToken: bytesField('quic.nci.stateless_reset_token', 'Stateless Reset Token'),
  rciSequence: uint('quic.rci.sequence', 'Sequence', 64),
  pathData: bytesField('quic.path_challenge.data', 'Data'),
  ccFrameType: uint('quic.cc.frame_type', 'Frame Type', 64),
  ccReasonLength: uint('quic.cc.reason_phrase.length', 'Reason phrase Length', 64),
  ccReason: bytesField('quic.cc.reason_phrase', 'Reason phrase'),
  datagram: bytesField('quic.datagram', 'Datagram'),
};

/** Encryption levels, each with its own packet number space and CRYPTO stream. */
const INITIAL = 0;
const HANDSHAKE = 1;
const APP = 2;

/** A CRYPTO stream of one level and direction, put back in order. */
interface CryptoStream {
  /** End of the contiguous data from offset 0. */
  next: number;
  /** Data after a gap, kept until the gap fills. */
  pending: { off: number; data: Uint8Array }[];
  /** Contiguous bytes of a handshake message not yet complete. */
  partial: Uint8Array;
}

interface Conn {
  number: number;
  /** "address:port" of the client (the sender of the first Initial). */
  client: string;
  version: number;
  ver: QuicVersion;
  /** Initial keys: client's, server's (changed by a Retry). */
  initial: [QuicKeys, QuicKeys];
  /** Handshake and 1-RTT keys per direction once derived (null: tried, not available). */
  keys: (QuicKeys | null | undefined)[][];
  largest: number[][];
  crypto: CryptoStream[][];
  randoms: string[];
  suite?: number;
  /** The client offers HTTP/3 (an "h3" ALPN): 1-RTT STREAM data goes to HTTP/3. */
  h3: boolean;
  /** The current 1-RTT key phase per direction. */
  phase: [number, number];
  /** HTTP/3 per stream and direction: a unidirectional stream's type, where the next HTTP/3 frame starts. */
  streams: Map<number, { type?: number; next: number }>;
}

interface State {
  conns: Conn[];
  byCid: Map<string, Conn>;
  /** Lengths of the connection IDs known (a short header does not give its DCID's length). */
  cidLengths: Set<number>;
  /** Connections by "source>destination" address and port, both ways: for zero-length connection IDs. */
  byAddr: Map<string, Conn>;
  keyLog?: KeyLog;
}

/** What the first pass found of one QUIC packet of a datagram. */
interface PacketRecord {
  /** A short header's Destination Connection ID length (that of the connection it was found to belong to). */
  dcidLen: number;
  conn?: number;
  /** The first byte and packet number with header protection removed. */
  first?: number;
  pn?: number;
  pnLen?: number;
  /**
   * The keys that opened the packet. A later pass decrypts it again with them (cheap) instead of the record
   * keeping every decrypted payload of the capture.
   */
  keys?: QuicKeys;
  /** Complete handshake messages this packet's CRYPTO data finished (an empty array: new bytes, none complete). */
  tls?: Uint8Array;
  /** Per STREAM frame of an HTTP/3 connection: what HTTP/3 reads of its data. */
  h3?: (H3Plan | null)[];
}

/** How HTTP/3 reads one STREAM frame's data: a stream type first (length of its varint), then frames or not. */
export interface H3Plan {
  typeLen: number;
  /** Where the first frame read here starts (no frames are read when it is the data's end). */
  start: number;
}

const hex = (b: Uint8Array): string => toHex(b);

function emptyLevels<T>(make: () => T): T[][] {
  return [0, 1, 2].map(() => [make(), make()]);
}

function state(ctx: DissectCtx): State {
  return ctx.state.get<State>('quic', () => ({
    conns: [],
    byCid: new Map(),
    cidLengths: new Set(),
    byAddr: new Map(),
  }));
}

function keyLog(ctx: DissectCtx, st: State): KeyLog {
  return (st.keyLog ??= parseKeyLog(ctx.state.keyLog?.() ?? ''));
}

const SECRET_LABELS = [
  undefined,
  ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET'],
  ['CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'],
] as const;

function levelKeys(ctx: DissectCtx, st: State, c: Conn, level: number, dir: number): QuicKeys | undefined {
  if (level === INITIAL) return c.initial[dir];
  const have = c.keys[level][dir];
  if (have !== undefined && have !== null) return have;
  const labels = SECRET_LABELS[level];
  if (!labels || c.suite === undefined) return undefined;
  const log = keyLog(ctx, st).get(labels[dir]);
  for (const r of c.randoms) {
    const secret = log?.get(r);
    if (secret) return (c.keys[level][dir] = keysFromSecret(secret, c.suite, c.ver.v2) ?? null) ?? undefined;
  }
  return undefined;
}

/** Header fields of one packet, as parsed from the (still protected) bytes. */
interface Header {
  long: boolean;
  /** v1 numbering (Initial 0, 0-RTT 1, Handshake 2, Retry 3); -1 for a short header, -2 Version Negotiation. */
  type: number;
  version: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  dcidOff: number;
  scidOff: number;
  tokenLenOff: number;
  tokenOff: number;
  tokenLen: number;
  /** Offset of the Length field (long headers with one). */
  lenOff: number;
  pnOff: number;
  end: number;
}

/** Parses the header of the packet at `off`; `shortDcid` gives a short header's DCID length. */
function parseHeader(v: ByteView, off: number, shortDcid: number): Header | undefined {
  const b0 = v.u8(off);
  if (!(b0 & 0x80)) {
    if (!v.has(off + 1, shortDcid)) return undefined;
    return {
      long: false,
      type: -1,
      version: 0,
      dcid: v.slice(off + 1, shortDcid),
      scid: new Uint8Array(0),
      dcidOff: off + 1,
      scidOff: off + 1 + shortDcid,
      tokenLenOff: 0,
      tokenOff: 0,
      tokenLen: 0,
      lenOff: 0,
      pnOff: off + 1 + shortDcid,
      end: v.length,
    };
  }
  const version = v.u32be(off + 1);
  const dcil = v.u8(off + 5);
  if (dcil > 20) return undefined;
  const dcidOff = off + 6;
  const scil = v.u8(dcidOff + dcil);
  if (scil > 20) return undefined;
  const scidOff = dcidOff + dcil + 1;
  let p = scidOff + scil;
  v.check(off, p - off);
  const h: Header = {
    long: true,
    type: -2,
    version,
    dcid: v.slice(dcidOff, dcil),
    scid: v.slice(scidOff, scil),
    dcidOff,
    scidOff,
    tokenLenOff: 0,
    tokenOff: 0,
    tokenLen: 0,
    lenOff: 0,
    pnOff: 0,
    end: v.length,
  };
  if (version === 0) return h;
  const ver = quicVersion(version);
  const raw = (b0 >> 4) & 3;
  h.type = ver?.v2 ? (raw + 3) % 4 : raw;
  if (h.type === 3) {
    h.tokenOff = p;
    return h;
  }
  if (h.type === 0) {
    h.tokenLenOff = p;
    const [tl, n] = varint(v, p);
    h.tokenOff = p + n;
    h.tokenLen = tl;
    p += n + tl;
  }
  h.lenOff = p;
  const [len, n] = varint(v, p);
  h.pnOff = p + n;
  h.end = Math.min(v.length, h.pnOff + len);
  return h;
}

/**
 * A short header's connection and DCID length: the first known connection ID length whose bytes name one,
 * else the connection of these addresses (an endpoint that chose a zero-length connection ID).
 */
function shortConn(ctx: DissectCtx, v: ByteView, off: number, st: State): [Conn, number] | undefined {
  for (const n of st.cidLengths) {
    if (!v.has(off + 1, n)) continue;
    const c = st.byCid.get(hex(v.slice(off + 1, n)));
    if (c) return [c, n];
  }
  const c = st.byAddr.get(addrKey(ctx, false));
  return c && [c, 0];
}

function addrKey(ctx: DissectCtx, reverse: boolean): string {
  const a = `${ctx.pinfo.netSrc}:${ctx.pinfo.srcPort}`;
  const b = `${ctx.pinfo.netDst}:${ctx.pinfo.dstPort}`;
  return reverse ? `${b}>${a}` : `${a}>${b}`;
}

/** Whether the datagram starts like QUIC: a long header of a version we know, or a short one of a connection. */
function looksLikeQuic(ctx: DissectCtx): boolean {
  const v = ctx.view;
  if (v.length < 21) return false;
  const b0 = v.u8(0);
  if (!(b0 & 0x40)) return false;
  if (b0 & 0x80) return quicVersion(v.u32be(1)) !== undefined;
  if (ctx.visited) return ctx.state.getFrame<PacketRecord[]>('quic.packets', ctx.frame.number) !== undefined;
  const st = state(ctx);
  return st.conns.length > 0 && shortConn(ctx, v, 0, st) !== undefined;
}

/** First pass: connection, keys, decryption and CRYPTO reassembly of one packet. */
/** Returns the decrypted payload, when there is one. */
function analyse(
  ctx: DissectCtx,
  st: State,
  h: Header,
  off: number,
  rec: PacketRecord,
): Uint8Array | undefined {
  const v = ctx.view;
  const from = `${ctx.pinfo.netSrc}:${ctx.pinfo.srcPort}`;
  let c: Conn | undefined;
  if (h.long)
    c =
      (h.dcid.length ? st.byCid.get(hex(h.dcid)) : undefined) ??
      (h.scid.length ? st.byCid.get(hex(h.scid)) : undefined) ??
      (h.dcid.length ? undefined : st.byAddr.get(addrKey(ctx, false)));
  else c = shortConn(ctx, v, off, st)?.[0];
  const ver = h.long ? quicVersion(h.version) : c?.ver;
  if (!c && h.type === 0 && ver) {
    c = {
      number: st.conns.length,
      client: from,
      version: h.version,
      ver,
      initial: initialKeys(h.dcid, ver),
      keys: emptyLevels(() => undefined),
      largest: emptyLevels(() => -1),
      crypto: emptyLevels(() => ({ next: 0, pending: [], partial: new Uint8Array(0) })),
      randoms: [],
      h3: false,
      phase: [0, 0],
      streams: new Map(),
    };
    st.conns.push(c);
    register(st, h.dcid, c);
  }
  if (!c) return;
  rec.conn = c.number;
  st.byAddr.set(addrKey(ctx, false), c);
  st.byAddr.set(addrKey(ctx, true), c);
  if (h.long && h.scid.length) register(st, h.scid, c);
  const dir = from === c.client ? 0 : 1;
  if (h.type === 3) {
    // A Retry: the client's next Initials go to the new connection ID, and Initial keys come from it.
    if (dir === 1 && c.ver && h.scid.length) c.initial = initialKeys(h.scid, c.ver);
    return;
  }
  if (h.type === -2 || h.type === 1) return;
  const level = h.type === 0 ? INITIAL : h.type === 2 ? HANDSHAKE : APP;
  const keys = levelKeys(ctx, st, c, level, dir);
  if (!keys || !v.has(h.pnOff + 4, 16) || h.end > v.length) return;
  const mask = headerMask(keys, v.slice(h.pnOff + 4, 16));
  const b0 = v.u8(off);
  const first = b0 ^ (mask[0] & (h.long ? 0x0f : 0x1f));
  const pnLen = (first & 3) + 1;
  const header = v.slice(off, h.pnOff + pnLen - off);
  header[0] = first;
  let truncated = 0;
  for (let i = 0; i < pnLen; i++) {
    header[h.pnOff - off + i] ^= mask[1 + i];
    truncated = truncated * 256 + header[h.pnOff - off + i];
  }
  const pn = decodePacketNumber(c.largest[level][dir], truncated, pnLen * 8);
  // A 1-RTT packet whose key phase bit flipped uses the next generation of keys (a key update).
  let use = keys;
  if (!h.long && ((first >> 2) & 1) !== c.phase[dir]) use = updatedKeys(keys) ?? keys;
  const plain = openPayload(use, pn, header, v.slice(h.pnOff + pnLen, h.end - h.pnOff - pnLen));
  if (plain && use !== keys) {
    c.keys[APP][dir] = use;
    c.phase[dir] ^= 1;
  }
  rec.first = first;
  rec.pn = pn;
  rec.pnLen = pnLen;
  if (!plain) return;
  if (pn > c.largest[level][dir]) c.largest[level][dir] = pn;
  rec.keys = use;
  // CRYPTO frames, in the packet's order, into the level's stream.
  const s = c.crypto[level][dir];
  const fresh: Uint8Array[] = [];
  walkFrames(undefined, new ByteView(plain), (o, data) => {
    const end = o + data.length;
    if (end <= s.next) return;
    if (o > s.next) {
      s.pending.push({ off: o, data });
      return;
    }
    fresh.push(data.subarray(s.next - o));
    s.next = end;
    // Data kept after a gap that this closes.
    for (let moved = true; moved;) {
      moved = false;
      for (let i = 0; i < s.pending.length; i++) {
        const q = s.pending[i];
        if (q.off > s.next) continue;
        s.pending.splice(i, 1);
        if (q.off + q.data.length > s.next) {
          fresh.push(q.data.subarray(s.next - q.off));
          s.next = q.off + q.data.length;
        }
        moved = true;
        break;
      }
    }
  });
  if (level === APP && c.h3) rec.h3 = h3Plans(c, dir, plain);
  if (fresh.length) {
    const buf = concat([s.partial, ...fresh]);
    let p = 0;
    while (p + 4 <= buf.length) {
      const hl = (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
      if (p + 4 + hl > buf.length) break;
      learn(c, level, dir, buf.subarray(p, p + 4 + hl));
      p += 4 + hl;
    }
    rec.tls = buf.slice(0, p);
    s.partial = buf.slice(p);
  }
  return plain;
}

/** A later pass: the packet decrypted again with the keys and packet number the first pass found. */
function reopen(v: ByteView, h: Header, off: number, rec: PacketRecord): Uint8Array | undefined {
  const { keys, first, pn, pnLen } = rec;
  if (!keys || first === undefined || pn === undefined || pnLen === undefined) return undefined;
  const header = v.slice(off, h.pnOff + pnLen - off);
  header[0] = first;
  // The packet number's low bytes, as they were sent before header protection.
  for (let i = 0, x = pn; i < pnLen; i++, x = Math.floor(x / 256))
    header[h.pnOff - off + pnLen - 1 - i] = x % 256;
  return openPayload(keys, pn, header, v.slice(h.pnOff + pnLen, h.end - h.pnOff - pnLen));
}

/** What HTTP/3 reads of each STREAM frame of a decrypted 1-RTT payload (first pass: follows each stream). */
function h3Plans(c: Conn, dir: number, plain: Uint8Array): (H3Plan | null)[] {
  const plans: (H3Plan | null)[] = [];
  const v = new ByteView(plain);
  walkFrames(undefined, v, undefined, (id, offset, at, len) => {
    // A bidirectional stream has data (and offsets) in each direction.
    const key = id * 2 + dir;
    let s = c.streams.get(key);
    if (!s) c.streams.set(key, (s = { next: 0 }));
    let typeLen = 0;
    if (id & 2 && offset === 0 && len > 0) {
      const [t, n] = varint(v, at);
      s.type = t;
      typeLen = n;
      s.next = n;
    }
    // Frames are read on request streams and the control stream, from a frame boundary.
    if (id & 2 && s.type !== 0) {
      plans.push({ typeLen, start: len }); // QPACK and push streams: no frames read
      return;
    }
    // Data starting inside a frame begun earlier gets no HTTP/3 layer (as in tshark); frames it starts after
    // that one's end are still followed, to know where the next STREAM frame's data begins.
    // An empty STREAM frame (a bare FIN) gets none either.
    const aligned = offset + typeLen === s.next && len > 0;
    if (!aligned && !(offset < s.next && offset + len > s.next)) {
      plans.push(null);
      return;
    }
    const start = aligned ? typeLen : s.next - offset;
    let p = at + start;
    while (p < at + len) {
      const [, tn] = varint(v, p);
      const [fl, ln] = varint(v, p + tn);
      p += tn + ln + fl;
    }
    s.next = offset + (p - at);
    plans.push(aligned ? { typeLen, start } : null);
  });
  return plans;
}

/** Whether a ClientHello offers an HTTP/3 ALPN ("h3", or a draft's "h3-29"). */
function offersH3(msg: Uint8Array): boolean {
  let q = 39 + msg[38];
  if (q + 2 > msg.length) return false;
  q += 2 + ((msg[q] << 8) | msg[q + 1]);
  if (q + 1 > msg.length) return false;
  q += 1 + msg[q];
  for (let p = q + 2; p + 4 <= msg.length;) {
    const type = (msg[p] << 8) | msg[p + 1];
    const len = (msg[p + 2] << 8) | msg[p + 3];
    if (type === 16) {
      for (let a = p + 6; a < p + 4 + len && a < msg.length; a += 1 + msg[a])
        if (msg[a] >= 2 && msg[a + 1] === 0x68 && msg[a + 2] === 0x33) return true;
      return false;
    }
    p += 4 + len;
  }
  return false;
}

/** The client random (ClientHello) and cipher suite (ServerHello) that pick the key log's secrets. */
function learn(c: Conn, level: number, dir: number, msg: Uint8Array): void {
  if (level !== INITIAL || msg.length < 39) return;
  if (msg[0] === 1 && dir === 0) {
    const r = hex(msg.subarray(6, 38));
    if (!c.randoms.includes(r)) c.randoms.push(r);
    if (offersH3(msg)) c.h3 = true;
  } else if (msg[0] === 2 && dir === 1) {
    const q = 39 + msg[38];
    if (q + 2 <= msg.length) c.suite = (msg[q] << 8) | msg[q + 1];
  }
}

function register(st: State, cid: Uint8Array, c: Conn): void {
  if (!cid.length) return;
  st.byCid.set(hex(cid), c);
  st.cidLengths.add(cid.length);
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/**
 * Walks a decrypted payload's frames: adds their items when `ctx` is given (its view is the payload) and
 * calls `onCrypto` for each CRYPTO frame. Returns the frames' short names for the Info column.
 */
function walkFrames(
  ctx: DissectCtx | undefined,
  v: ByteView,
  onCrypto?: (off: number, data: Uint8Array, item: Item | undefined) => void,
  /** Each STREAM frame: stream id, stream offset, where its data is and how long; returns names for Info. */
  onStream?: (id: number, offset: number, at: number, len: number) => string[] | void,
): string[] {
  const names: string[] = [];
  let p = 0;
  const add = (parent: Item | undefined, field: (typeof f)[keyof typeof f], at: number): number => {
    const [x, n] = varint(v, at);
    if (ctx && parent) ctx.add(field, at, n, exact(v, at, n, x), { parent });
    return x;
  };
  const vi = (at: number): number => varint(v, at)[1];
  while (p < v.length) {
    const start = p;
    const [type, tn] = varint(v, p);
    if (type === 0) {
      // A run of PADDING bytes is one frame.
      while (p < v.length && v.u8(p) === 0) p++;
      names.push('PADDING');
      if (ctx) {
        const len = p - start;
        const it = ctx.add(f.frame, start, len, null, { label: `PADDING Length: ${len}` });
        ctx.add(f.frameType, start, 1, 0, { parent: it });
        ctx.add(f.paddingLength, start, len, len, { parent: it, generated: true });
      }
      continue;
    }
    const known = FRAME_NAMES[type];
    const isStream = type >= 0x08 && type <= 0x0f;
    if (!known && !isStream) break;
    const it = ctx ? ctx.add(f.frame, start, 0, null, { label: isStream ? 'STREAM' : known[0] }) : undefined;
    if (ctx && it) ctx.add(f.frameType, start, tn, type, { parent: it });
    p += tn;
    const short = known ? known[1] : '';
    switch (type) {
      case 0x02:
      case 0x03: {
        add(it, f.ackLargest, p);
        p += vi(p);
        add(it, f.ackDelay, p);
        p += vi(p);
        const count = add(it, f.ackRangeCount, p);
        p += vi(p);
        add(it, f.ackFirstRange, p);
        p += vi(p);
        for (let i = 0; i < count; i++) {
          add(it, f.ackGap, p);
          p += vi(p);
          add(it, f.ackRange, p);
          p += vi(p);
        }
        if (type === 0x03)
          for (const fld of [f.ackEct0, f.ackEct1, f.ackEcnCe]) {
            add(it, fld, p);
            p += vi(p);
          }
        break;
      }
      case 0x04:
        for (const fld of [f.streamId, f.errorCode, f.finalSize]) {
          add(it, fld, p);
          p += vi(p);
        }
        break;
      case 0x05:
        for (const fld of [f.streamId, f.errorCode]) {
          add(it, fld, p);
          p += vi(p);
        }
        break;
      case 0x06: {
        const o = add(it, f.cryptoOffset, p);
        p += vi(p);
        const len = add(it, f.cryptoLength, p);
        p += vi(p);
        v.check(p, len);
        if (ctx && it) ctx.add(f.cryptoData, p, len, v.slice(p, len), { parent: it });
        onCrypto?.(o, v.slice(p, len), it);
        p += len;
        break;
      }
      case 0x07: {
        const len = add(it, f.ntLength, p);
        p += vi(p);
        v.check(p, len);
        if (ctx && it) ctx.add(f.ntToken, p, len, v.slice(p, len), { parent: it });
        p += len;
        break;
      }
      case 0x10:
        add(it, f.maxData, p);
        p += vi(p);
        break;
      case 0x11:
        add(it, f.streamId, p);
        p += vi(p);
        add(it, f.maxStreamData, p);
        p += vi(p);
        break;
      case 0x12:
      case 0x13:
        add(it, f.maxStreams, p);
        p += vi(p);
        break;
      case 0x14:
      case 0x16:
      case 0x17:
        add(it, f.blocked, p);
        p += vi(p);
        break;
      case 0x15:
        add(it, f.streamId, p);
        p += vi(p);
        add(it, f.blocked, p);
        p += vi(p);
        break;
      case 0x18: {
        add(it, f.nciSequence, p);
        p += vi(p);
        add(it, f.nciRetire, p);
        p += vi(p);
        const n = v.u8(p);
        if (ctx && it) ctx.add(f.nciLength, p, 1, n, { parent: it });
        if (ctx && it) ctx.add(f.nciCid, p + 1, n, v.slice(p + 1, n), { parent: it });
        p += 1 + n;
        if (ctx && it) ctx.add(f.nciToken, p, 16, v.slice(p, 16), { parent: it });
        v.check(p, 16);
        p += 16;
        break;
      }
      case 0x19:
        add(it, f.rciSequence, p);
        p += vi(p);
        break;
      case 0x1a:
      case 0x1b:
        if (ctx && it) ctx.add(f.pathData, p, 8, v.slice(p, 8), { parent: it });
        v.check(p, 8);
        p += 8;
        break;
      case 0x1c:
      case 0x1d: {
        add(it, f.errorCode, p);
        p += vi(p);
        if (type === 0x1c) {
          add(it, f.ccFrameType, p);
          p += vi(p);
        }
        const len = add(it, f.ccReasonLength, p);
        p += vi(p);
        v.check(p, len);
        if (ctx && it) ctx.add(f.ccReason, p, len, v.slice(p, len), { parent: it });
        p += len;
        break;
      }
      case 0x30:
      case 0x31: {
        let len = v.length - p;
        if (type === 0x31) {
          len = varint(v, p)[0];
          p += vi(p);
        }
        v.check(p, len);
        if (ctx && it) ctx.add(f.datagram, p, len, v.slice(p, len), { parent: it });
        p += len;
        break;
      }
      default:
        if (isStream) {
          const id = add(it, f.streamId, p);
          p += vi(p);
          let offset = 0;
          if (type & 0x04) {
            offset = add(it, f.streamOffset, p);
            p += vi(p);
          }
          let len = v.length - p;
          if (type & 0x02) {
            len = add(it, f.streamLength, p);
            p += vi(p);
          }
          if (ctx && it) ctx.add(f.streamFin, start, tn, type & 1, { parent: it });
          v.check(p, len);
          if (ctx && it) ctx.add(f.streamData, p, len, v.slice(p, len), { parent: it });
          if (ctx && it) ctx.setLabel(it, `STREAM id=${id} fin=${type & 1} off=${offset} len=${len}`);
          if (ctx && it) ctx.setLength(it, p + len - start);
          names.push(`STREAM(${id})`);
          const more = onStream?.(id, offset, p, len);
          if (more) names.push(...more);
          p += len;
          continue;
        }
    }
    if (ctx && it) ctx.setLength(it, p - start);
    names.push(short);
  }
  return names;
}

function versionLabel(version: number): string {
  const name = quicVersion(version)?.name;
  const x = `0x${version.toString(16).padStart(8, '0')}`;
  return `Version: ${name ?? 'Unknown'} (${x})`;
}

/** Adds the items of one packet and returns its Info text. */
function render(
  ctx: DissectCtx,
  h: Header,
  off: number,
  rec: PacketRecord,
  plain: Uint8Array | undefined,
): string {
  const v = ctx.view;
  const b0 = v.u8(off);
  const first = rec.first ?? b0;
  if (rec.conn !== undefined) ctx.add(f.connection, off, 0, rec.conn, { generated: true });
  ctx.add(f.packetLength, off, 0, h.end - off, { generated: true });
  ctx.add(f.headerForm, off, 1, b0 >> 7);
  // Wireshark shows no Fixed Bit on a Retry.
  if (h.type !== 3) ctx.add(f.fixedBit, off, 1, (b0 >> 6) & 1);
  const dcidHex = hex(h.dcid);
  let info: string;
  if (h.long) {
    ctx.add(f.longType, off, 1, (b0 >> 4) & 3);
    if (rec.first !== undefined) {
      ctx.add(f.longReserved, off, 1, (first >> 2) & 3);
      ctx.add(f.pnLength, off, 1, first & 3);
    }
    ctx.add(f.version, off + 1, 4, h.version, { label: versionLabel(h.version) });
    ctx.add(f.dcil, off + 5, 1, h.dcid.length);
    if (h.dcid.length) ctx.add(f.dcid, h.dcidOff, h.dcid.length, h.dcid);
    ctx.add(f.scil, h.scidOff - 1, 1, h.scid.length);
    if (h.scid.length) ctx.add(f.scid, h.scidOff, h.scid.length, h.scid);
    const name = h.type === -2 ? 'Version Negotiation' : (LONG_TYPES[h.type] ?? 'Unknown');
    info = h.dcid.length ? `${name}, DCID=${dcidHex}` : name;
    if (h.scid.length) info += `, SCID=${hex(h.scid)}`;
    if (h.type === -2) {
      for (let p = h.scidOff + h.scid.length; p + 4 <= v.length; p += 4)
        ctx.add(f.supportedVersion, p, 4, v.u32be(p));
      return info;
    }
    if (h.type === 3) {
      const tagOff = v.length - 16;
      if (tagOff > h.tokenOff)
        ctx.add(f.retryToken, h.tokenOff, tagOff - h.tokenOff, v.slice(h.tokenOff, tagOff - h.tokenOff));
      if (tagOff >= h.tokenOff) ctx.add(f.retryTag, tagOff, 16, v.slice(tagOff, 16));
      return info;
    }
    if (h.type === 0) {
      ctx.add(f.tokenLength, h.tokenLenOff, h.tokenOff - h.tokenLenOff, h.tokenLen);
      if (h.tokenLen) ctx.add(f.token, h.tokenOff, h.tokenLen, v.slice(h.tokenOff, h.tokenLen));
    }
    const [len, n] = varint(v, h.lenOff);
    ctx.add(f.length, h.lenOff, n, len);
  } else {
    ctx.add(f.spinBit, off, 1, (b0 >> 5) & 1);
    if (rec.first !== undefined) {
      ctx.add(f.shortReserved, off, 1, (first >> 3) & 3);
      ctx.add(f.keyPhase, off, 1, (first >> 2) & 1);
      ctx.add(f.pnLength, off, 1, first & 3);
    }
    if (h.dcid.length) ctx.add(f.dcid, h.dcidOff, h.dcid.length, h.dcid);
    info = `Protected Payload (KP${rec.first !== undefined ? (first >> 2) & 1 : 0})`;
    if (h.dcid.length) info += `, DCID=${dcidHex}`;
  }
  if (rec.pn === undefined || rec.pnLen === undefined) {
    ctx.add(f.payload, h.pnOff, h.end - h.pnOff, v.slice(h.pnOff, h.end - h.pnOff));
    return info;
  }
  ctx.add(f.packetNumber, h.pnOff, rec.pnLen, rec.pn);
  info += `, PKN: ${rec.pn}`;
  const body = h.pnOff + rec.pnLen;
  // Wireshark shows the encrypted payload of long-header packets only.
  if (h.long) ctx.add(f.payload, body, h.end - body, v.slice(body, h.end - body));
  if (!plain) {
    ctx.expert(undefined, 'warn', 'decryption', 'Failed to decrypt the packet (no keys or a damaged packet)');
    return info;
  }
  const dec = ctx.withSource('Decrypted QUIC', plain);
  let streamIndex = 0;
  const names = walkFrames(dec, dec.view, undefined, (_id, _offset, at, len) => {
    const plan = rec.h3?.[streamIndex++];
    if (!plan) return;
    ctx.pinfo.data.set('http3.plan', plan);
    dec.call(http3, at, len);
    const got = ctx.pinfo.data.get('http3.names') as string[] | undefined;
    ctx.pinfo.data.delete('http3.names');
    return got;
  });
  if (names.length) info += `, ${names.join(', ')}`;
  if (rec.tls) {
    // TLS handshake messages the CRYPTO data completed (none when it only added to an unfinished one).
    const src = rec.tls.length ? dec.withSource('Reassembled QUIC CRYPTO Data', rec.tls) : dec;
    const len = rec.tls.length;
    const item = src.add(tls.field, 0, len, null, { label: 'Transport Layer Security' });
    if (len) {
      // QUIC is TLS 1.3 (the hellos' randoms carry no time).
      const hs = handshakeMessages(src, src.view, 0, len, item, undefined, false, true, { version: 0x0304 });
      src.setLabel(item, `TLSv1.3 Record Layer: Handshake Protocol: ${hs.names.join(', ')}`);
    } else src.setLabel(item, 'TLSv1.3 Record Layer: Handshake Protocol: (fragment)');
  }
  return info;
}

export const quic = defineProtocol({
  abbrev: 'quic',
  name: 'QUIC IETF',
  registerIn: { 'udp.port': 443 },
  heuristicIn: ['udp.port'],
  fieldsOf: ['tls'],
  dissect(ctx) {
    if (!looksLikeQuic(ctx)) return false;
    const v = ctx.view;
    const n = ctx.frame.number;
    let recs = ctx.visited ? ctx.state.getFrame<PacketRecord[]>('quic.packets', n) : undefined;
    const first = !ctx.visited;
    const st = state(ctx);
    if (first) {
      // Kept before the packets are analysed: a packet cut short throws midway, and a later dissection of the
      // frame must still see it as QUIC (and throw at the same place).
      recs = [];
      ctx.state.setFrame('quic.packets', n, recs);
    } else if (!recs) return false;
    let info = '';
    let off = 0;
    for (let i = 0; off < v.length; i++) {
      // Each packet's record is kept before its header is read: a later pass reads as many packets as the
      // first did, each as the first pass saw it (a short header's DCID length too), and throws where it threw.
      let rec: PacketRecord;
      if (first) {
        let dcidLen = 0;
        if (!(v.u8(off) & 0x80)) {
          const sc = shortConn(ctx, v, off, st);
          if (!sc) break;
          dcidLen = sc[1];
        } else if (off > 0 && (v.u8(off) & 0x40) === 0) break;
        rec = { dcidLen };
        recs?.push(rec);
      } else {
        const r = recs?.[i];
        if (!r) break;
        rec = r;
      }
      const h = parseHeader(v, off, rec.dcidLen);
      if (!h) break;
      const plain = first ? analyse(ctx, st, h, off, rec) : reopen(v, h, off, rec);
      info = render(ctx, h, off, rec, plain);
      if (h.type === 3 || h.type === -2 || !h.long) break;
      off = h.end;
      if (off + 7 > v.length) break;
    }
    ctx.setLabel(ctx.top, 'QUIC IETF');
    ctx.columns.protocol = recs?.some((r) => r.h3?.some((x) => x !== null)) ? 'HTTP3' : 'QUIC';
    ctx.columns.info = info;
    return true;
  },
});
