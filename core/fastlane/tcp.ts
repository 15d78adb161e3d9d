/**
 * The fast lane's TCP (see lane.ts): connections seen from their SYN whose segments all come in order —
 * nothing that would make Wireshark's sequence analysis flag a segment (a gap, a retransmission, a duplicate or
 * zero-window ACK, a full window, a keep-alive) — carrying HTTP/1.x on port 80 (one message per segment, or a
 * response body with a Content-Length over several) or TLS on port 443 (records, reassembled across segments,
 * of a TLS 1.3 session). Anything else answers false and the connection's address pair goes to the engine.
 */
import { Buffer } from 'node:buffer';
import { concatBytes, latin1, u32At, view } from '../bytes/byteview.js';
import { lookupTable } from '../dissect/engine.js';
import { flagNames } from '../protocols/tcp-flags.js';
import { SEGMENT } from './tsv.js';
import { COLUMN } from '../protocols/l7-tls.js';
import { LAYER, type HttpLine, type LaneColumns, type NetHeader, type TcpSummary } from './lane.js';
import { printableAscii } from '../fields/text.js';

/** A TCP segment's row: Protocol TCP, Info described by `c.tcp` (its text made only when asked: tcpInfo). */
function summary(
  c: LaneColumns,
  update: boolean,
  sp: number,
  dp: number,
  flags: number,
  seq: number,
  ack: number,
  win: number,
  len: number,
  opts: string,
): void {
  const t = c.tcp;
  t.on = true;
  t.update = update;
  t.sp = sp;
  t.dp = dp;
  t.flags = flags;
  t.seq = seq;
  t.ack = ack;
  t.win = win;
  t.len = len;
  t.opts = opts;
  t.segment = false;
  c.protocol = 'TCP';
  c.info = '';
}

/** A row whose Info is `info` (`plain`: the lane's own text, nothing from the packet). */
function text(c: LaneColumns, info: string, protocol: string, plain: boolean): void {
  c.tcp.on = false;
  c.info = info;
  c.protocol = protocol;
  c.plain = plain;
}

/** The Info text of a TCP segment's row described by `t`. */
export function tcpInfo(t: TcpSummary): string {
  return `${t.update ? '[TCP Window Update] ' : ''}${t.sp} → ${t.dp} [${flagNames(t.flags)}] Seq=${t.seq}${t.ack >= 0 ? ` Ack=${t.ack}` : ''} Win=${t.win} Len=${t.len}${t.opts}${t.segment ? ` ${SEGMENT}` : ''}`;
}

/** A message in progress in one direction: bytes still to come, what it has so far, and how it will read. */
interface Pending {
  left: number;
  /** The message's first bytes so far (up to `keep` of them: what the columns need to read). */
  parts: Uint8Array[];
  keep: number;
  /** HTTP: the check of the body's media type (fed each piece); none for a body the lane does not look into. */
  check: BodyCheck | undefined;
  /** HTTP: the message's first line and the start of its Info ("GET /a.gif HTTP/1.1 "). */
  line: HttpLine | undefined;
  head: string;
  /** TLS: the record's type. */
  type: number;
}

interface Dir {
  /** Initial sequence number (raw). */
  base: number;
  /** Next expected relative sequence number (undefined before this side's SYN). */
  next: number | undefined;
  /** Raw ACK number and window of this side's last segment. */
  lastAckRaw: number | undefined;
  lastWinRaw: number | undefined;
  /**
   * Relative ACK of this side's last segment with ACK set (every segment the lane takes after the client's SYN
   * has it: that segment's window is then lastWinRaw).
   */
  lastAck: number | undefined;
  /** Window scale shift; -1 unknown, -2 no scaling (as the engine keeps it). */
  winScale: number;
  pending: Pending | undefined;
}

interface Conn {
  client: Dir;
  server: Dir;
  clientPort: number;
  /** The key of the client-to-server direction. */
  clientKey: number | string;
  /** The client's address and the server's and port (IPv4: numbers; IPv6: their text). */
  clientAddr: number | string;
  serverAddr: number | string;
  serverPort: number;
  app: 'http' | 'tls' | 'none';
  /** TLS: the version the ServerHello chose ("TLSv1.3"). */
  tlsVersion: string | undefined;
  closed: boolean;
}

const newDir = (base: number): Dir => ({
  base,
  next: undefined,
  lastAckRaw: undefined,
  lastWinRaw: undefined,
  lastAck: undefined,
  winScale: -1,
  pending: undefined,
});

/**
 * A hash of an IPv4 connection's addresses and ports, in this direction: 30 bits, a small integer V8 keys a Map
 * by without allocating (the connection's own addresses and ports tell a collision, which goes to the engine).
 */
function key4(src: number, sp: number, dst: number, dp: number): number {
  let h = Math.imul(src ^ Math.imul(dst, 0x9e3779b1), 0x85ebca6b) ^ ((sp << 16) | dp);
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35);
  return (h ^ (h >>> 13)) & 0x3fffffff;
}

const rel = (raw: number, base: number) => (raw - base) >>> 0;

/** The options the lane reads: MSS, window scale, SACK permitted, timestamps (with NOPs); else undefined. */
function options(
  b: Uint8Array,
  from: number,
  to: number,
): { info: string; ws: number | undefined } | undefined {
  let info = '';
  let ws: number | undefined;
  for (let o = from; o < to;) {
    const kind = b[o];
    if (kind === 1) {
      o++;
      continue;
    }
    if (kind === 0) {
      // End of options: only padding may follow.
      for (let k = o; k < to; k++) if (b[k]) return undefined;
      break;
    }
    if (o + 1 >= to) return undefined;
    const len = b[o + 1];
    if (o + len > to) return undefined;
    if (kind === 2 && len === 4) info += ` MSS=${(b[o + 2] << 8) | b[o + 3]}`;
    else if (kind === 3 && len === 3) {
      ws = Math.min(b[o + 2], 14);
      info += ` WS=${2 ** ws}`;
    } else if (kind === 4 && len === 2) info += ' SACK_PERM';
    else if (kind === 8 && len === 10) info += ` TSval=${u32At(b, o + 2)} TSecr=${u32At(b, o + 6)}`;
    else return undefined;
    o += len;
  }
  return { info, ws };
}

const NO_OPTIONS: { info: string; ws: number | undefined } = { info: '', ws: undefined };

/**
 * What options() made of the last few option blocks, by their bytes: the SYNs of a capture mostly carry the
 * same few (MSS, window scale, SACK permitted), read again for every connection otherwise.
 */
class OptionsSeen {
  private readonly bytes: Uint8Array[] = [];
  private readonly read: ({ info: string; ws: number | undefined } | undefined)[] = [];
  private next = 0;

  get(b: Uint8Array, from: number, to: number): { info: string; ws: number | undefined } | undefined {
    const n = to - from;
    for (let k = 0; k < this.bytes.length; k++) {
      const seen = this.bytes[k];
      if (seen.length !== n) continue;
      let j = 0;
      while (j < n && seen[j] === b[from + j]) j++;
      if (j === n) return this.read[k];
    }
    const r = options(b, from, to);
    // (Four kept, the oldest replaced.)
    this.bytes[this.next] = b.slice(from, to);
    this.read[this.next] = r;
    this.next = (this.next + 1) & 3;
    return r;
  }
}

/** Flag combinations the lane shows (others — URG, ECN, odd mixes — are the engine's). */
const PLAIN_FLAGS = new Uint8Array(512);
for (const f of [0x02, 0x12, 0x10, 0x18, 0x11, 0x19, 0x04, 0x14]) PLAIN_FLAGS[f] = 1;

export class TcpLane {
  private readonly conns = new Map<number | string, Conn>();
  private readonly optionsSeen = new OptionsSeen();
  private readonly http = new HttpLane();
  private readonly tls = new TlsLane();

  constructor(private readonly tlsOn: boolean) {}

  segment(n: NetHeader, c: LaneColumns): boolean {
    const { bytes: b, start: s, end } = n;
    if (end - s < 20) return false;
    const hl = (b[s + 12] >> 4) * 4;
    const flags = ((b[s + 12] << 8) | b[s + 13]) & 0x1ff;
    if (hl < 20 || s + hl > end || !PLAIN_FLAGS[flags]) return false;
    const sp = (b[s] << 8) | b[s + 1];
    const dp = (b[s + 2] << 8) | b[s + 3];
    const seqRaw = u32At(b, s + 4);
    const ackRaw = u32At(b, s + 8);
    const win = (b[s + 14] << 8) | b[s + 15];
    const len = end - s - hl;
    const syn = (flags & 0x02) !== 0;
    const ackf = (flags & 0x10) !== 0;
    const fin = (flags & 0x01) !== 0;
    const rst = (flags & 0x04) !== 0;
    const opts = hl > 20 ? this.optionsSeen.get(b, s + 20, s + hl) : NO_OPTIONS;
    if (!opts) return false;
    const facts = c.facts;
    facts.layers |= LAYER.TCP;
    facts.sp = sp;
    facts.dp = dp;
    // Each connection is filed under both directions' keys: one lookup a segment. IPv4 keys are numbers (a
    // hash of the addresses and ports; the connection's own say whether it is this one: a collision goes to the
    // engine), IPv6 ones text.
    const v4 = !n.v6;
    const srcAddr = v4 ? n.src4 : n.src;
    const dstAddr = v4 ? n.dst4 : n.dst;
    const key = v4 ? key4(n.src4, sp, n.dst4, dp) : `${n.src}|${sp}|${n.dst}|${dp}`;
    let conn = this.conns.get(key);
    let me: Dir;
    let peer: Dir;
    if (conn && conn.clientKey === key) {
      if (
        conn.clientAddr !== srcAddr ||
        conn.clientPort !== sp ||
        conn.serverAddr !== dstAddr ||
        conn.serverPort !== dp
      )
        return false;
      me = conn.client;
      peer = conn.server;
    } else {
      if (
        conn &&
        (conn.clientAddr !== dstAddr ||
          conn.clientPort !== dp ||
          conn.serverAddr !== srcAddr ||
          conn.serverPort !== sp)
      )
        return false;
      if (!conn) {
        // A connection starts with its client's SYN (no data); one seen later is the engine's.
        if (!syn || ackf || len > 0) return false;
        conn = {
          client: newDir(seqRaw),
          server: newDir(0),
          clientPort: sp,
          clientKey: key,
          clientAddr: srcAddr,
          serverAddr: dstAddr,
          serverPort: dp,
          app: 'none',
          tlsVersion: undefined,
          closed: false,
        };
        // The server's port takes the payload (a client port with a dissector of its own is the engine's).
        if (!lookupTable('tcp.port', sp) && sp >= 1024)
          conn.app = dp === 80 ? 'http' : dp === 443 && this.tlsOn ? 'tls' : 'none';
        const back = v4 ? key4(n.dst4, dp, n.src4, sp) : `${n.dst}|${dp}|${n.src}|${sp}`;
        // (`key` has no connection: looked up above.)
        if (this.conns.has(back)) return false;
        this.conns.set(key, conn);
        this.conns.set(back, conn);
        const d = conn.client;
        d.winScale = opts.ws ?? -2;
        d.next = 1;
        d.lastAckRaw = ackRaw;
        d.lastWinRaw = win;
        summary(c, false, sp, dp, flags, 0, -1, win, 0, opts.info);
        return true;
      }
      me = conn.server;
      peer = conn.client;
    }
    if (conn.closed) return false;
    if (syn) {
      // Only the server's SYN-ACK to the client's SYN (a SYN again, or to a reused port, is the engine's).
      if (me !== conn.server || me.next !== undefined || !ackf || len > 0 || ackRaw !== (peer.base + 1) >>> 0)
        return false;
      me.base = seqRaw;
      me.winScale = opts.ws ?? -2;
      if (peer.winScale === -2) me.winScale = -2;
      if (me.winScale === -2) peer.winScale = -2;
      me.next = 1;
      me.lastAckRaw = ackRaw;
      me.lastWinRaw = win;
      me.lastAck = 1;
      summary(c, false, sp, dp, flags, 0, 1, win, 0, opts.info);
      return true;
    }
    if (me.next === undefined || peer.next === undefined || !ackf || opts.ws !== undefined) return false;
    const relSeq = rel(seqRaw, me.base);
    const relAck = rel(ackRaw, peer.base);
    // In order, ACKing nothing unseen, nothing already ACKed sent again.
    if (relSeq !== me.next || relAck > peer.next || (me.lastAck !== undefined && relAck < me.lastAck))
      return false;
    if (len > 0 && peer.lastAck && relSeq + len <= peer.lastAck) return false;
    // A segment without data repeating this side's last ACK: a window update when the window changed, else a
    // duplicate ACK (the engine's: it counts them). Zero window, full window: the engine's.
    const repeat = len === 0 && !fin && !rst && win !== 0 && ackRaw === me.lastAckRaw;
    if (repeat && win === me.lastWinRaw) return false;
    if (win === 0 && !fin && !rst) return false;
    if (len > 0 && peer.lastAck !== undefined && peer.lastWinRaw !== undefined) {
      const pw = peer.winScale >= 0 ? peer.lastWinRaw * (1 << peer.winScale) : peer.lastWinRaw;
      if (pw > 0 && relSeq + len === peer.lastAck + pw) return false;
    }
    if ((fin || rst) && len > 0) return false;
    const scaled = me.winScale < 0 ? win : win * (1 << me.winScale);
    summary(c, repeat, sp, dp, flags, relSeq, relAck, scaled, len, opts.info);
    if (len > 0) {
      const toServer = me === conn.client;
      const at = s + hl;
      const ok =
        conn.app === 'http'
          ? this.http.data(me, toServer, view(b, at, end), c)
          : conn.app === 'tls'
            ? this.tls.data(conn, me, view(b, at, end), c)
            : false;
      if (!ok) return false;
    } else if ((fin || rst) && me.pending) return false;
    me.next = relSeq + len + (fin ? 1 : 0);
    me.lastAckRaw = ackRaw;
    me.lastWinRaw = win;
    me.lastAck = relAck;
    if (rst) conn.closed = true;
    return true;
  }
}

/** Appends a segment's bytes to a message in progress; true when it completes it exactly. */
function take(p: Pending, data: Uint8Array): boolean | undefined {
  if (data.length > p.left) return undefined;
  p.check?.feed(data);
  if (p.keep > 0) {
    const n = Math.min(p.keep, data.length);
    p.parts.push(data.slice(0, n));
    p.keep -= n;
  }
  p.left -= data.length;
  return p.left === 0;
}

/** A TLS record of type `type` in progress: `left` more bytes after `first`, keeping `keep` bytes of it in all. */
function pendingRecord(left: number, first: Uint8Array, keep: number, type: number): Pending {
  const p: Pending = {
    left: left + first.length,
    parts: [],
    keep,
    check: undefined,
    line: undefined,
    head: '',
    type,
  };
  take(p, first);
  return p;
}

/** Media types whose Info text the lane knows: "(type)", or the GIF version, or JSON's. */
const PLAIN_MEDIA = ['text/html', 'text/css', 'application/javascript', 'application/x-www-form-urlencoded'];
/** Every media type the lane knows (bodyCheck). */
const KNOWN_MEDIA = [...PLAIN_MEDIA, 'image/gif', 'application/json'];

/** What the engine's media dissector makes of a body arriving in pieces: [Info suffix, protocol] at its end. */
interface BodyCheck {
  feed(piece: Uint8Array): void;
  /** Undefined when the lane does not know what the engine makes of it. */
  end(): [string, string] | undefined;
}

/** The check of each plain media type: nothing to look at, "(type)" after Info (one for every body). */
const PLAIN_CHECKS = new Map<string, BodyCheck>(
  PLAIN_MEDIA.map((type) => {
    const r: [string, string] = [` (${type})`, 'HTTP'];
    return [type, { feed: () => undefined, end: () => r }];
  }),
);

/** The check of a body of `size` bytes of media type `type`; undefined for a type the lane does not know. */
function bodyCheck(type: string | undefined, size: number): BodyCheck | undefined {
  if (type === undefined) return undefined;
  const plain = PLAIN_CHECKS.get(type);
  if (plain) return plain;
  if (type === 'image/gif') return new GifCheck(size);
  if (type === 'application/json') {
    const parts: Uint8Array[] = [];
    return {
      feed: (piece) => void parts.push(piece.slice()),
      end: () => {
        try {
          const v: unknown = JSON.parse(
            new TextDecoder('utf-8', { fatal: true }).decode(concatBytes(...parts)),
          );
          if (typeof v !== 'object' || v === null) return undefined;
        } catch {
          return undefined;
        }
        return [', JavaScript Object Notation (application/json)', 'HTTP/JSON'];
      },
    };
  }
  return undefined;
}

const SIGNATURE = 0;
const SCREEN = 1;
const BLOCK = 2;
const IMAGE = 3;
const SUB_BLOCK = 4;

/**
 * A GIF body's check: the engine's walk through a GIF of `n` bytes (media-gif.ts, gifDetails: signature,
 * screen, colour tables, extensions, images and their data sub-blocks, up to the trailer or an unknown block),
 * fed the body piece by piece, reading one byte at a time at increasing offsets and keeping none of the body.
 * Its signature ("GIF89a") when the walk stays within the body; nothing for a body that is not a GIF or whose
 * walk runs past the end (a malformed packet to the engine).
 */
class GifCheck implements BodyCheck {
  /** The offset of the byte the walk reads next, in `state`. */
  private want = 0;
  private state = SIGNATURE;
  /** An image descriptor's offset (state IMAGE). */
  private image = 0;
  private ended = false;
  private sig = '';
  private whole = false;
  private fed = 0;

  constructor(private readonly n: number) {
    if (n < 13) this.stop(false);
  }

  feed(piece: Uint8Array): void {
    const start = this.fed;
    const fed = (this.fed += piece.length);
    const n = this.n;
    while (!this.ended && this.want < fed) {
      if (this.state === SUB_BLOCK) {
        // Image data is mostly sub-blocks of 255 bytes: those that end within this piece and the body are
        // skipped here, as step() would one by one (it takes the empty one, or one running past either).
        let at = this.want;
        let x = piece[at - start];
        while (x !== 0 && at + 1 + x < n && at + 1 + x < fed) {
          at += 1 + x;
          x = piece[at - start];
        }
        this.want = at;
      }
      this.step(piece[this.want - start]);
    }
  }

  end(): [string, string] | undefined {
    return this.ended && this.whole ? [` (${this.sig})`, 'HTTP'] : undefined;
  }

  private stop(whole: boolean): void {
    this.ended = true;
    this.whole = whole;
  }

  /** The walk's next block at `off` (the end of the body ends it well). */
  private block(off: number): void {
    if (off >= this.n) return this.stop(true);
    this.state = BLOCK;
    this.want = off;
  }

  /** Data sub-blocks from `at` up to the empty one. */
  private subBlocks(at: number): void {
    if (at >= this.n) return this.stop(false);
    this.state = SUB_BLOCK;
    this.want = at;
  }

  /** The walk reads byte `x` at offset `want`. */
  private step(x: number): void {
    const n = this.n;
    const at = this.want;
    switch (this.state) {
      case SIGNATURE:
        this.sig += String.fromCharCode(x);
        if (at < 5) this.want++;
        else if (this.sig !== 'GIF89a' && this.sig !== 'GIF87a') this.stop(false);
        else {
          this.state = SCREEN;
          this.want = 10;
        }
        return;
      case SCREEN: {
        const off = 13 + (x & 0x80 ? 3 * 2 ** ((x & 7) + 1) : 0);
        return off > n ? this.stop(false) : this.block(off);
      }
      case BLOCK:
        if (x === 0x3b || (x !== 0x21 && x !== 0x2c)) return this.stop(true);
        if (x === 0x21) return at + 1 >= n ? this.stop(false) : this.subBlocks(at + 2);
        if (at + 9 >= n) return this.stop(false);
        this.image = at;
        this.state = IMAGE;
        this.want = at + 9;
        return;
      case IMAGE: {
        const p = this.image + 10 + (x & 0x80 ? 3 * 2 ** ((x & 7) + 1) : 0);
        return p >= n ? this.stop(false) : this.subBlocks(p + 1);
      }
      default:
        // A sub-block of x bytes; the empty one ends them.
        if (at + 1 + x > n) return this.stop(false);
        return x === 0 ? this.block(at + 1) : this.subBlocks(at + 1 + x);
    }
  }
}

/** HTTP's token characters (a header's name), by character code. */
const TOKEN = new Uint8Array(256);
for (const ch of "!#$%&'*+.^_`|~-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TOKEN[ch.charCodeAt(0)] = 1;
const isBlank = (ch: number) => ch === 32 || ch === 9;

/** Whether the token b[from, to) is `name` (lower case), in any case. */
function named(b: Uint8Array, from: number, to: number, name: string): boolean {
  if (to - from !== name.length) return false;
  // (A token character | 0x20 is a lower-case letter only if it is that letter in either case, "-" only if "-".)
  for (let k = 0; k < name.length; k++) if ((b[from + k] | 0x20) !== name.charCodeAt(k)) return false;
  return true;
}

/** Whether b[from, to) holds the bytes of ASCII text `s`. */
function bytesAre(b: Uint8Array, from: number, to: number, s: string): boolean {
  if (to - from !== s.length) return false;
  for (let k = 0; k < s.length; k++) if (b[from + k] !== s.charCodeAt(k)) return false;
  return true;
}

/** "HTTP/1.0" or "HTTP/1.1" at b[at], else undefined. */
function httpVersion(b: Uint8Array, at: number): string | undefined {
  if (!bytesAre(b, at, at + 7, 'HTTP/1.')) return undefined;
  return b[at + 7] === 49 ? 'HTTP/1.1' : b[at + 7] === 48 ? 'HTTP/1.0' : undefined;
}

/** A Latin-1 character JavaScript's \s matches: tab to carriage return, space, no-break space. */
const isSpace = (ch: number) => (ch >= 9 && ch <= 13) || ch === 32 || ch === 0xa0;

/**
 * The request line b[0, eol) the lane reads — what /^(GET|POST) (\S+) (HTTP\/1\.[01])$/ matches, read from its
 * bytes — else undefined.
 */
export function requestLine(b: Uint8Array, eol: number): HttpLine | undefined {
  const method = bytesAre(b, 0, 4, 'GET ') ? 'GET' : bytesAre(b, 0, 5, 'POST ') ? 'POST' : undefined;
  if (!method || eol < method.length + 11) return undefined;
  // The URI: all between the method and " HTTP/1.x" at the end, none of it a space.
  const u0 = method.length + 1;
  const u1 = eol - 9;
  const version = b[u1] === 32 ? httpVersion(b, u1 + 1) : undefined;
  if (!version) return undefined;
  for (let k = u0; k < u1; k++) if (isSpace(b[k])) return undefined;
  return { request: true, method, uri: latin1(b.subarray(u0, u1)), version, code: 0 };
}

/**
 * The status line b[0, eol) the lane reads — what /^(HTTP\/1\.[01]) ([1-5]\d\d) [\x20-\x7e]*$/ matches, read
 * from its bytes — else undefined.
 */
export function statusLine(b: Uint8Array, eol: number): HttpLine | undefined {
  if (eol < 13 || b[8] !== 32 || b[12] !== 32) return undefined;
  const version = httpVersion(b, 0);
  const d0 = b[9] - 48;
  const d1 = b[10] - 48;
  const d2 = b[11] - 48;
  if (!version || d0 < 1 || d0 > 5 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return undefined;
  for (let k = 13; k < eol; k++) if (b[k] < 0x20 || b[k] > 0x7e) return undefined;
  return { request: false, method: '', uri: '', version, code: 100 * d0 + 10 * d1 + d2 };
}

/** Whether `ch` may be in a charset parameter's value: a letter, a digit, "_" or "-". */
const charsetChar = (ch: number) =>
  (ch >= 65 && ch <= 90) || (ch >= 97 && ch <= 122) || (ch >= 48 && ch <= 57) || ch === 95 || ch === 45;

/**
 * The media type of the Content-Type value b[v0, v1) when it is one the lane knows, with no parameter but a
 * charset ("text/html; charset=utf-8" shows as text/html) — what
 * /^([a-z]+\/[a-z0-9.+-]+)(?:; ?charset=[A-Za-z0-9_-]+)?$/ would take — else undefined.
 */
export function knownMediaType(b: Uint8Array, v0: number, v1: number): string | undefined {
  let t1 = v0;
  while (t1 < v1 && b[t1] !== 59) t1++;
  let type: string | undefined;
  for (const m of KNOWN_MEDIA) if (bytesAre(b, v0, t1, m)) type = m;
  if (!type || t1 === v1) return type;
  let k = b[t1 + 1] === 32 ? t1 + 2 : t1 + 1;
  if (!bytesAre(b, k, k + 8, 'charset=')) return undefined;
  k += 8;
  if (k >= v1) return undefined;
  for (; k < v1; k++) if (!charsetChar(b[k])) return undefined;
  return type;
}

/**
 * Whether the Info of an HTTP message with first line `line` is printable ASCII (a status line is, a request's
 * URI may not be; the lane's suffixes are): nothing in it to escape.
 */
function printableInfo(line: HttpLine): boolean {
  return !line.request || printableAscii(line.uri);
}

/** The frame completes an HTTP message: its layer and first line, for filters. */
function message(c: LaneColumns, line: HttpLine): void {
  c.facts.layers |= LAYER.HTTP | (line.request ? LAYER.HTTP_REQUEST : LAYER.HTTP_RESPONSE);
  c.facts.http = line;
}

/**
 * The row of a frame completing HTTP message `line`, whose Info starts with `head`, and whose body `check` looked
 * into (none without a body); false when the lane does not know what the engine makes of the body.
 */
function completed(c: LaneColumns, line: HttpLine, head: string, check: BodyCheck | undefined): boolean {
  let info = head;
  let protocol = 'HTTP';
  if (check) {
    const m = check.end();
    if (!m) return false;
    info = `${head}${m[0]}`;
    protocol = m[1];
  }
  text(c, info, protocol, printableInfo(line));
  message(c, line);
  return true;
}

class HttpLane {
  /** HTTP/1.x: a request or response per segment, or a response whose body a Content-Length spans further. */
  data(me: Dir, toServer: boolean, data: Uint8Array, c: LaneColumns): boolean {
    const p = me.pending;
    if (p) {
      const done = take(p, data);
      if (done === undefined) return false;
      if (!done) {
        c.tcp.segment = true;
        return true;
      }
      me.pending = undefined;
      return p.line !== undefined && completed(c, p.line, p.head, p.check);
    }
    // The head, read as bytes in one pass up to its empty line: no CR or LF but the line ends, the first line,
    // then header lines (text made of the first line and the values read).
    let he = -1;
    let eol = -1;
    let length: number | undefined;
    let type: string | undefined;
    for (let k = 0, start = 0; k < data.length; k++) {
      const ch = data[k];
      // (Most bytes are neither: one comparison for them.)
      if (ch > 13) continue;
      if (ch === 10) return false;
      if (ch !== 13) continue;
      if (data[k + 1] !== 10) return false;
      if (k === start) {
        // The empty line (none before a first line: not a message the lane reads).
        he = k - 2;
        break;
      }
      const stop = k;
      k++;
      if (eol < 0) {
        eol = stop;
        start = k + 1;
        continue;
      }
      // A header line: a token, a colon, a value (spaces and tabs around it trimmed).
      let t = start;
      while (t < stop && TOKEN[data[t]]) t++;
      if (t === start || t === stop || data[t] !== 58) return false;
      let v0 = t + 1;
      let v1 = stop;
      while (v0 < v1 && isBlank(data[v0])) v0++;
      while (v1 > v0 && isBlank(data[v1 - 1])) v1--;
      if (named(data, start, t, 'content-length')) {
        if (v1 - v0 < 1 || v1 - v0 > 9 || length !== undefined) return false;
        let v = 0;
        for (let j = v0; j < v1; j++) {
          if (data[j] < 48 || data[j] > 57) return false;
          v = 10 * v + data[j] - 48;
        }
        length = v;
      } else if (named(data, start, t, 'content-type')) {
        // (A media type the lane does not know, or not read as the engine reads it: the engine's message.)
        const known = knownMediaType(data, v0, v1);
        if (type !== undefined || !known) return false;
        type = known;
      } else if (
        named(data, start, t, 'transfer-encoding') ||
        named(data, start, t, 'content-encoding') ||
        named(data, start, t, 'upgrade')
      )
        return false;
      start = k + 1;
    }
    if (he < 0) return false;
    const avail = data.length - he - 4;
    let line: HttpLine | undefined;
    let head: string;
    if (toServer) {
      line = requestLine(data, eol);
      if (!line || avail !== (length ?? 0)) return false;
      head = `${line.method} ${line.uri} ${line.version} `;
    } else {
      line = statusLine(data, eol);
      if (!line) return false;
      head = `${latin1(data.subarray(0, eol))} `;
      const code = line.code;
      if (code < 200 || code === 204 || code === 304) {
        if (code < 200 || avail !== 0 || (length ?? 0) !== 0) return false;
      } else if (length === undefined || avail > length) return false;
    }
    const body = length ?? 0;
    // (An empty body of a media type: whether a media layer shows is the engine's to say.)
    if (body === 0 && type !== undefined) return false;
    let check: BodyCheck | undefined;
    if (body > 0) {
      check = bodyCheck(type, body);
      if (!check) return false;
    }
    check?.feed(view(data, he + 4, data.length));
    if (avail === body) return completed(c, line, head, check);
    me.pending = { left: body - avail, parts: [], keep: 0, check, line, head, type: 0 };
    text(c, `${head} ${SEGMENT}`, 'TCP', printableInfo(line));
    return true;
  }
}

/** Record-layer versions the lane reads (before the ServerHello chose one): TLS 1.0 to 1.2. */
const recordVersion = (ver: number) => (ver >= 0x0301 && ver <= 0x0303 ? COLUMN[ver] : undefined);
/** A TLS 1.3 HelloRetryRequest's "random" (RFC 8446 4.1.3). */
const HRR = Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex');

/**
 * Whether `b` [at, end) is a sequence of 16-bit-length-prefixed extensions; calls `each` with the type and where
 * the body is (b[from, to)).
 */
function extensions(
  b: Uint8Array,
  at: number,
  end: number,
  each: (type: number, from: number, to: number) => void,
): boolean {
  if (at === end) return true;
  if (at + 2 > end || at + 2 + ((b[at] << 8) | b[at + 1]) !== end) return false;
  for (let o = at + 2; o < end;) {
    if (o + 4 > end) return false;
    const len = (b[o + 2] << 8) | b[o + 3];
    if (o + 4 + len > end) return false;
    each((b[o] << 8) | b[o + 1], o + 4, o + 4 + len);
    o += 4 + len;
  }
  return true;
}

const NO_BYTES = new Uint8Array(0);

/** The bytes of `parts` one after the other (an Application Data record keeps none: no copy then). */
function joined(parts: Uint8Array[]): Uint8Array {
  return parts.length === 0 ? NO_BYTES : parts.length === 1 ? parts[0] : concatBytes(...parts);
}

class TlsLane {
  /**
   * TLS records: Info names the records a segment completes ("Server Hello, Change Cipher Spec"), a segment
   * inside a record shows as a TCP segment of it, one starting a record it does not complete as just that.
   */
  data(conn: Conn, me: Dir, data: Uint8Array, c: LaneColumns): boolean {
    // Info: the names of the records completed, ", " between them.
    let names = '';
    let pos = 0;
    const p = me.pending;
    if (p) {
      const n = Math.min(p.left, data.length);
      take(p, data.subarray(0, n));
      pos = n;
      if (p.left > 0) {
        c.tcp.segment = true;
        return true;
      }
      me.pending = undefined;
      const name = this.record(conn, p.type, joined(p.parts));
      // Before the ServerHello, the reassembled record's call and the rest's may name versions of their own.
      if (!name || !conn.tlsVersion) return false;
      names = name;
    }
    // Before the ServerHello chose a version, Protocol names the first record's (as the engine does).
    let version = '';
    while (pos < data.length) {
      if (data.length - pos < 5) return false;
      const type = data[pos];
      const ver = (data[pos + 1] << 8) | data[pos + 2];
      const len = (data[pos + 3] << 8) | data[pos + 4];
      const recordName = recordVersion(ver);
      if (type < 20 || type > 23 || !recordName || len === 0 || len > 16384 + 256) return false;
      version ||= recordName;
      const body = pos + 5;
      if (body + len > data.length) {
        // A handshake message is read whole; of any other record only its type matters (and a CCS's byte).
        me.pending = pendingRecord(
          body + len - data.length,
          data.subarray(body),
          type === 23 ? 0 : Infinity,
          type,
        );
        break;
      }
      const name = this.record(conn, type, data.subarray(body, body + len));
      if (!name) return false;
      names = names ? `${names}, ${name}` : name;
      pos = body + len;
    }
    if (!names) {
      text(c, SEGMENT, 'TCP', true);
      return true;
    }
    const protocol = conn.tlsVersion ?? version;
    if (!protocol) return false;
    text(c, names, protocol, true);
    return true;
  }

  /** The Info name of a whole record, undefined for one the lane does not know. */
  private record(conn: Conn, type: number, body: Uint8Array): string | undefined {
    if (type === 20) return body.length === 1 && body[0] === 1 ? 'Change Cipher Spec' : undefined;
    // (An Application Data record in progress keeps none of its bytes: `body` is empty then.)
    if (type === 23) return conn.tlsVersion ? 'Application Data' : undefined;
    if (type !== 22 || conn.tlsVersion || body.length < 4) return undefined;
    const hsLen = (body[1] << 16) | (body[2] << 8) | body[3];
    if (4 + hsLen !== body.length || (body[0] !== 1 && body[0] !== 2)) return undefined;
    // version, random, session id
    let o = 4 + 2 + 32;
    if (o >= body.length) return undefined;
    o += 1 + body[o];
    if (body[0] === 1) {
      if (o + 2 > body.length) return undefined;
      o += 2 + ((body[o] << 8) | body[o + 1]);
      if (o >= body.length) return undefined;
      o += 1 + body[o];
      // A client offering early data speaks TLS 1.3 from its next record on (the engine's).
      let early = false;
      const ok = extensions(body, o, body.length, (t) => {
        if (t === 42) early = true;
      });
      if (o > body.length || !ok || early) return undefined;
      return 'Client Hello';
    }
    if (HRR.equals(body.subarray(6, 38))) return undefined;
    o += 3;
    let chosen: number | undefined;
    const ok = extensions(body, o, body.length, (t, from, to) => {
      if (t === 43 && to - from === 2) chosen = (body[from] << 8) | body[from + 1];
    });
    if (!ok || chosen !== 0x0304) return undefined;
    conn.tlsVersion = 'TLSv1.3';
    return 'Server Hello';
  }
}
