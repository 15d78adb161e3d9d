/**
 * Follow TCP/UDP/HTTP/TLS stream: the payload of one conversation in order, each direction distinguished,
 * formatted like `tshark -q -z follow,tcp,ascii|hex|raw,N`. TCP retransmissions and overlaps contribute only bytes not seen
 * before; out-of-order segments are placed when the gap before them is filled.
 */
import { itemBytes } from '../dissect/engine.js';
import type { Dissection } from '../dissect/types.js';
import type { FollowProto, FollowResult, FollowSegment } from '../api/types.js';
import { formatIPv4, formatIPv6 } from '../fields/format.js';
import { first, items, selectionOf } from './fields.js';
import type { CaptureState } from '../dissect/engine.js';
import { decryptedRecords } from '../protocols/tls-decrypt.js';

export const FOLLOW_FIELDS = [
  'tcp.stream',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.seq',
  'tcp.len',
  'tcp.payload',
  'tcp.flags.syn',
  'udp.stream',
  'udp.srcport',
  'udp.dstport',
  'udp.payload',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'http',
  'http.file_data',
];

export const followSelection = (): Set<number> => selectionOf(FOLLOW_FIELDS);

function endpoint(d: Dissection, which: 'src' | 'dst', port: number): string {
  const v4 = items(d, `ip.${which}`);
  if (v4.length) return `${formatIPv4(v4[v4.length - 1].value as number)}:${port}`;
  const v6 = first(d, `ipv6.${which}`);
  return v6 instanceof Uint8Array ? `[${formatIPv6(v6)}]:${port}` : `?:${port}`;
}

interface Pending {
  seq: number;
  frame: number;
  bytes: Uint8Array;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');
const startsWith = (b: Uint8Array, p: Uint8Array) => b.length >= p.length && p.every((x, i) => b[i] === x);

/**
 * Follow HTTP stream, as tshark 4.0's `follow,http`: per HTTP message of TCP stream N, in order, its header
 * block (start line through the empty line) and then its entity body as the HTTP dissector decoded it
 * (de-chunked and decompressed), each as one segment.
 */
/** What every follower keeps: the two nodes (node 0 first) and the segments, in order. */
abstract class Follower {
  protected client?: string;
  protected server?: string;
  readonly segments: FollowSegment[] = [];

  constructor(
    readonly proto: FollowProto,
    readonly stream: number,
  ) {}

  abstract add(d: Dissection): void;

  result(): FollowResult {
    return {
      stream: this.stream,
      proto: this.proto,
      client: this.client ?? '',
      server: this.server ?? '',
      segments: this.segments,
    };
  }
}

export class HttpFollower extends Follower {
  constructor(stream: number) {
    super('http', stream);
  }

  add(d: Dissection): void {
    if (first(d, 'tcp.stream') !== this.stream) return;
    const msgs = items(d, 'http');
    if (msgs.length === 0) return;
    const src = endpoint(d, 'src', first(d, 'tcp.srcport') as number);
    const bodies = items(d, 'http.file_data');
    let nextBody = 0;
    for (const msg of msgs) {
      const bytes = itemBytes(d, msg);
      // The HTTP/2 connection preface is HTTP/2 to tshark, not an HTTP/1 message it would follow.
      if (startsWith(bytes, H2_PREFACE)) continue;
      const end = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(CRLFCRLF);
      const headerLen = end < 0 ? bytes.length : end + 4;
      if (this.client === undefined) {
        // Like tshark, node 0 is the sender of the first followed message.
        this.client = src;
        this.server = endpoint(d, 'dst', first(d, 'tcp.dstport') as number);
      }
      const dir: 0 | 1 = src === this.client ? 0 : 1;
      if (headerLen > 0) this.segments.push({ dir, frame: d.frame.number, bytes: bytes.slice(0, headerLen) });
      if (bytes.length > headerLen && nextBody < bodies.length) {
        const body = itemBytes(d, bodies[nextBody++]);
        if (body.length) this.segments.push({ dir, frame: d.frame.number, bytes: body.slice() });
      }
    }
  }
}

/**
 * Follow TLS stream (`follow,tls`): the decrypted application data of TCP stream N, one segment per TLS record,
 * in the order the first pass decrypted them. Node 0 is the sender of the stream's first packet, as for TCP.
 * (tshark 4.0 prints the other node as ":0" and may swap them; the data and its order are the same.)
 */
export class TlsFollower extends Follower {
  constructor(
    stream: number,
    private readonly state: CaptureState,
  ) {
    super('tls', stream);
  }

  add(d: Dissection): void {
    if (first(d, 'tcp.stream') !== this.stream) return;
    const src = endpoint(d, 'src', first(d, 'tcp.srcport') as number);
    if (this.client === undefined) {
      this.client = src;
      this.server = endpoint(d, 'dst', first(d, 'tcp.dstport') as number);
    }
    const dir: 0 | 1 = src === this.client ? 0 : 1;
    for (const r of decryptedRecords(this.state, d.frame.number))
      if (r?.type === 23 && r.plain.length)
        this.segments.push({ dir, frame: d.frame.number, bytes: r.plain });
  }
}

export class StreamFollower extends Follower {
  private readonly next: [number | undefined, number | undefined] = [undefined, undefined];
  private readonly pending: [Pending[], Pending[]] = [[], []];

  constructor(
    private readonly transport: 'tcp' | 'udp',
    stream: number,
  ) {
    super(transport, stream);
  }

  add(d: Dissection): void {
    const p = this.transport;
    if (first(d, `${p}.stream`) !== this.stream) return;
    const sp = first(d, `${p}.srcport`) as number;
    const dp = first(d, `${p}.dstport`) as number;
    const src = endpoint(d, 'src', sp);
    const dst = endpoint(d, 'dst', dp);
    if (this.client === undefined) {
      // Like tshark, node 0 is the sender of the first packet of the stream.
      this.client = src;
      this.server = dst;
    }
    const dir: 0 | 1 = src === this.client ? 0 : 1;
    const payloadItem = items(d, `${p}.payload`)[0];
    if (!payloadItem) return;
    const bytes = itemBytes(d, payloadItem);
    if (bytes.length === 0) return;
    if (p === 'udp') {
      this.segments.push({ dir, frame: d.frame.number, bytes: bytes.slice() });
      return;
    }
    const seq = first(d, 'tcp.seq');
    if (typeof seq !== 'number') {
      this.segments.push({ dir, frame: d.frame.number, bytes: bytes.slice() });
      return;
    }
    this.place(dir, { seq, frame: d.frame.number, bytes: bytes.slice() });
  }

  private place(dir: 0 | 1, seg: Pending): void {
    const next = this.next[dir];
    if (next === undefined || seg.seq === next) {
      this.emit(dir, seg);
    } else if (seg.seq < next) {
      const skip = next - seg.seq;
      if (skip < seg.bytes.length)
        this.emit(dir, { seq: next, frame: seg.frame, bytes: seg.bytes.subarray(skip) });
    } else {
      this.pending[dir].push(seg);
      return;
    }
    // A filled gap may release buffered out-of-order segments.
    const q = this.pending[dir];
    for (let progress = true; progress && q.length;) {
      progress = false;
      q.sort((a, b) => a.seq - b.seq);
      const n = this.next[dir] as number;
      const i = q.findIndex((s) => s.seq <= n);
      if (i >= 0) {
        const [s] = q.splice(i, 1);
        const skip = n - s.seq;
        if (skip < s.bytes.length) this.emit(dir, { seq: n, frame: s.frame, bytes: s.bytes.subarray(skip) });
        progress = true;
      }
    }
  }

  private emit(dir: 0 | 1, seg: Pending): void {
    this.segments.push({ dir, frame: seg.frame, bytes: seg.bytes });
    this.next[dir] = seg.seq + seg.bytes.length;
  }

  override result(): FollowResult {
    // Segments still waiting behind a gap that never filled (lost data) are shown at the end, in order.
    for (const dir of [0, 1] as const) {
      for (const s of this.pending[dir].sort((a, b) => a.seq - b.seq))
        this.segments.push({ dir, frame: s.frame, bytes: s.bytes });
      this.pending[dir] = [];
    }
    return super.result();
  }
}

const printable = (c: number) => (c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d;

function asciiOf(b: Uint8Array, keepNewlines: boolean): string {
  let s = '';
  for (const c of b)
    s += keepNewlines
      ? printable(c)
        ? String.fromCharCode(c)
        : '.'
      : c >= 0x20 && c < 0x7f
        ? String.fromCharCode(c)
        : '.';
  return s;
}

/** tshark's follow output for `format` (ascii | hex | raw). */
export function formatFollow(r: FollowResult, format: 'ascii' | 'hex' | 'raw'): string {
  const out: string[] = [
    '',
    '===================================================================',
    `Follow: ${r.proto},${format}`,
    `Filter: ${r.proto === 'udp' ? 'udp' : 'tcp'}.stream eq ${r.stream}`,
    // A stream with no packets: tshark prints an empty address with port 0.
    `Node 0: ${r.client || ':0'}`,
    `Node 1: ${r.server || ':0'}`,
  ];
  const offsets = [0, 0];
  for (const s of r.segments) {
    const tab = s.dir === 1 ? '\t' : '';
    if (format === 'ascii') {
      out.push(`${tab}${s.bytes.length}`);
      out.push(asciiOf(s.bytes, true));
    } else if (format === 'raw') {
      out.push(`${tab}${Buffer.from(s.bytes).toString('hex')}`);
    } else {
      for (let o = 0; o < s.bytes.length; o += 16) {
        const row = s.bytes.subarray(o, o + 16);
        let hex = '';
        for (let i = 0; i < 16; i++) {
          hex += i < row.length ? `${row[i].toString(16).padStart(2, '0')} ` : '   ';
          if (i === 7) hex += ' ';
        }
        const asc =
          asciiOf(row.subarray(0, 8), false) + (row.length > 8 ? ` ${asciiOf(row.subarray(8), false)}` : '');
        const line = `${tab}${(offsets[s.dir] + o).toString(16).toUpperCase().padStart(8, '0')}  ${hex} ${asc}`;
        // tshark loses one trailing blank on full rows (a final space byte there disappears; on a short row it stays).
        out.push(row.length === 16 && line.endsWith(' ') ? line.slice(0, -1) : line);
      }
      offsets[s.dir] += s.bytes.length;
    }
  }
  out.push('===================================================================', '');
  return out.join('\n');
}
