/**
 * The fast lane of a one-shot `wirelens list`: the Source, Destination, Protocol and Info columns of the frames
 * whose dissection it can vouch for, computed straight from the bytes, without the dissection engine's tree,
 * fields and per-frame state. It covers the common traffic (Ethernet, IPv4/IPv6, ARP, ICMP echo, DNS, TCP
 * with HTTP and TLS) and, for anything it does not model exactly — another protocol, a malformed header, a
 * retransmission, a duplicate address —, answers false: the caller then has the engine dissect that frame's whole
 * conversation (every frame of its IP address pair, core/session/shard.ts) and discards the lane's rows for it.
 * What the engine remembers between frames belongs to one address pair (the sharded list relies on the same), so
 * rows of the other pairs stay exactly what the engine would print. Tests compare the two on every capture of
 * the corpus and on generated traffic.
 */
import { formatEther, formatIPv6 } from '../fields/format.js';
import { checksum16, ICMP_TYPES, ipv4Text } from '../protocols/l3-ip.js';
import { getHeuristics, lookupTable } from '../dissect/engine.js';
import { DNS_TYPES, RCODES, WIRESHARK_UDP_PORTS, looksLikeDns } from '../protocols/l4-udp.js';
import { Buffer } from 'node:buffer';
import { ByteView, u32At } from '../bytes/byteview.js';
import { quicVersion } from '../protocols/quic-crypto.js';
import { TcpLane, tcpInfo } from './tcp.js';

/** The four text columns of one frame (before control characters are escaped for display). */
export interface LaneColumns {
  /**
   * Source and Destination as text; of IP packets only once `FastLane.texts()` (or, for IPv6, `addresses()`)
   * made them.
   */
  source: string;
  destination: string;
  /** IPv4 source and destination as numbers (-1 for other packets). */
  src4: number;
  dst4: number;
  protocol: string;
  /** Info, unless `tcp.on` (see there). */
  info: string;
  /**
   * Whether Info is the lane's own text (ASCII; the arrow of a TCP summary), or text of the packet's known to
   * be printable ASCII: nothing in it to escape for display.
   */
  plain: boolean;
  /** When `on`, Info is the text tcpInfo() makes of this description of a TCP segment. */
  tcp: TcpSummary;
  /** What the frame carries, for display filters (core/fastlane/filter.ts). */
  facts: LaneFacts;
}

/** Layers of a frame the lane vouches for (LaneFacts.layers), as the engine's dissection has them. */
export const LAYER = {
  ETH: 1,
  IP: 2,
  IPV6: 4,
  TCP: 8,
  UDP: 16,
  ICMP: 32,
  ARP: 64,
  DNS: 128,
  ESP: 256,
  /** An HTTP message (request or response) dissected in this frame (its last segment). */
  HTTP: 512,
  HTTP_REQUEST: 1024,
  HTTP_RESPONSE: 2048,
} as const;

/** The first line of an HTTP message. */
export interface HttpLine {
  request: boolean;
  /** Requests: method, URI and version ("GET", "/a.gif", "HTTP/1.1"). */
  method: string;
  uri: string;
  /** Both: the version; responses: the status code. */
  version: string;
  code: number;
}

/** What a frame the lane vouches for carries, beyond its columns: what display filters read. */
export interface LaneFacts {
  /** LAYER bits. */
  layers: number;
  /** TCP or UDP ports. */
  sp: number;
  dp: number;
  /** With LAYER.HTTP: the message's first line. */
  http: HttpLine | undefined;
  /** With LAYER.DNS: the question's name. */
  dnsName: string;
}

/** A TCP segment's Info as numbers: "[TCP Window Update] 80 → 1234 [ACK] Seq=1 Ack=2 Win=3 Len=4 …". */
export interface TcpSummary {
  on: boolean;
  /** "[TCP Window Update] " before it. */
  update: boolean;
  sp: number;
  dp: number;
  flags: number;
  seq: number;
  /** -1: no Ack (a SYN). */
  ack: number;
  win: number;
  len: number;
  /** The options' text (" MSS=1460 WS=128 SACK_PERM"). */
  opts: string;
  /** " [TCP segment of a reassembled PDU]" after it. */
  segment: boolean;
}

/** The network layer of a frame, as the transport lanes read it. */
export interface NetHeader {
  /** Frame number (1-based). */
  no: number;
  bytes: Uint8Array;
  /** Where the transport header starts and ends (the IP payload, without Ethernet padding). */
  start: number;
  end: number;
  v6: boolean;
  /** IPv6 addresses as text, once FastLane.addresses() made them ('' until then, and for IPv4). */
  src: string;
  dst: string;
  /** IPv4 addresses as numbers (0 for IPv6). */
  src4: number;
  dst4: number;
  ttl: number;
}

/**
 * Whether the engine may know a QUIC connection by now. QUIC's heuristic takes a short-header packet only of a
 * connection it knows, and it learns connections from long-header packets of a version it knows, in any
 * conversation: see() is shown every frame in order, and one it cannot read through (another EtherType, a
 * fragment, a tunnel, an ICMP error) counts as one that may have been such a packet.
 */
class QuicWatch {
  maybe = false;

  see(b: Uint8Array): void {
    if (b.length < 14) return;
    const type = (b[12] << 8) | b[13];
    let proto: number;
    let at: number;
    if (type === 0x0800) {
      if (b.length < 34) return;
      // A fragment: its datagram, reassembled, may be anything.
      if (b[14] >> 4 !== 4 || ((b[20] << 8) | b[21]) & 0x3fff) {
        this.maybe = true;
        return;
      }
      proto = b[23];
      at = 14 + (b[14] & 15) * 4;
    } else if (type === 0x86dd) {
      if (b.length < 54) return;
      proto = b[20];
      at = 54;
    } else {
      if (type !== 0x0806) this.maybe = true;
      return;
    }
    if (proto === 6) return;
    if (proto === 1 || proto === 58) {
      // Echo requests and replies carry no datagram; other ICMP messages quote one.
      const t = b[at];
      if (at < b.length && !(proto === 1 ? t === 0 || t === 8 : t === 128 || t === 129)) this.maybe = true;
      return;
    }
    if (proto !== 17) {
      this.maybe = true;
      return;
    }
    const p = at + 8;
    if (p + 5 <= b.length && b[p] & 0x80 && quicVersion(u32At(b, p + 1)) !== undefined) this.maybe = true;
  }
}

/**
 * Whether the 20-byte IPv4 header of an Ethernet frame (bytes 14 to 34) has a checksum that verifies: its ten
 * words summed by hand (checksum16's loop, unrolled: every IPv4 frame is checked).
 */
function headerChecksumOk(b: Uint8Array): boolean {
  let s =
    ((b[14] << 8) | b[15]) +
    ((b[16] << 8) | b[17]) +
    ((b[18] << 8) | b[19]) +
    ((b[20] << 8) | b[21]) +
    ((b[22] << 8) | b[23]) +
    ((b[24] << 8) | b[25]) +
    ((b[26] << 8) | b[27]) +
    ((b[28] << 8) | b[29]) +
    ((b[30] << 8) | b[31]) +
    ((b[32] << 8) | b[33]);
  s = (s & 0xffff) + (s >>> 16);
  s = (s & 0xffff) + (s >>> 16);
  return s === 0xffff;
}

let knownHeuristics: boolean | undefined;
/** Whether the heuristics the engine tries on UDP ports are DNS's and QUIC's, the ones the lane knows. */
function udpHeuristicsKnown(): boolean {
  knownHeuristics ??=
    getHeuristics('udp.port')
      .map((p) => p.abbrev)
      .sort()
      .join() === 'dns,quic';
  return knownHeuristics;
}

const hex4 = (n: number) => n.toString(16).padStart(4, '0');
export class FastLane {
  readonly cols: LaneColumns = {
    source: '',
    destination: '',
    src4: -1,
    dst4: -1,
    protocol: '',
    info: '',
    plain: true,
    tcp: {
      on: false,
      update: false,
      sp: 0,
      dp: 0,
      flags: 0,
      seq: 0,
      ack: 0,
      win: 0,
      len: 0,
      opts: '',
      segment: false,
    },
    facts: { layers: 0, sp: 0, dp: 0, http: undefined, dnsName: '' },
  };
  /** The frame is IPv6 and its addresses' text not made yet (see addresses()). */
  private v6Pending = false;
  /** Whether the engine may know a QUIC connection by now (every frame is shown to it: see watch()). */
  private readonly quic = new QuicWatch();
  /** ARP bindings: IPv4 address → the MAC it was first seen at (Wireshark's duplicate address detection). */
  private readonly arpBindings = new Map<number, string>();
  /** ICMP echo requests by id, sequence and direction → frame (the latest request). */
  private readonly echoRequests = new Map<string, number>();
  private readonly tcp: TcpLane;
  private readonly net: NetHeader = {
    no: 0,
    bytes: new Uint8Array(0),
    start: 0,
    end: 0,
    v6: false,
    src: '',
    dst: '',
    src4: 0,
    dst4: 0,
    ttl: 0,
  };

  /**
   * `tls` false when TLS may be decrypted (a key log in the capture or given by the user): the engine then shows
   * what the records carry, and TLS connections are the engine's.
   */
  constructor(opts: { tls: boolean }) {
    this.tcp = new TcpLane(opts.tls);
  }

  /** Makes `cols` whole text: the IPv4 addresses' text, a TCP summary's Info (and IPv6 addresses, see below). */
  texts(): LaneColumns {
    const c = this.cols;
    if (c.src4 >= 0) {
      c.source = ipv4Text(c.src4);
      c.destination = ipv4Text(c.dst4);
    }
    this.addresses();
    if (c.tcp.on) c.info = tcpInfo(c.tcp);
    return c;
  }

  /** Makes an IPv6 frame's Source and Destination text (made only when asked: a filtered pass shows few). */
  addresses(): void {
    if (!this.v6Pending) return;
    const n = this.net;
    const b = n.bytes;
    n.src = formatIPv6(b.subarray(22, 38));
    n.dst = formatIPv6(b.subarray(38, 54));
    this.cols.source = n.src;
    this.cols.destination = n.dst;
    this.v6Pending = false;
  }

  /** The 32 bytes of the last row's source and destination IPv6 addresses when its frame is IPv6, else undefined. */
  ipv6Addresses(): Uint8Array | undefined {
    return this.cols.facts.layers & LAYER.IPV6 ? this.net.bytes.subarray(22, 54) : undefined;
  }

  /** Whether watch() has seen a frame that may have shown the engine a QUIC connection (it stays so). */
  get mayKnowQuic(): boolean {
    return this.quic.maybe;
  }

  /** What watch() learnt on another thread: a QUIC connection may be known from this frame on. */
  quicSeen(): void {
    this.quic.maybe = true;
  }

  /**
   * Shows the lane every frame of the capture in order (those of conversations it gave up on, or leaves to
   * another thread, too), before row() is asked of any: what the engine learns across conversations.
   */
  watch(b: Uint8Array): void {
    if (!this.quic.maybe) this.quic.see(b);
  }

  /**
   * Fills `cols` with the columns of frame `no` (an Ethernet frame captured whole), true when the lane vouches
   * for them. False leaves the lane's state for the frame's address pair unspecified: the caller must not ask
   * about that pair again.
   */
  row(no: number, b: Uint8Array): boolean {
    this.v6Pending = false;
    if (b.length < 14) return false;
    this.cols.facts.layers = LAYER.ETH;
    const type = (b[12] << 8) | b[13];
    if (type === 0x0800) return this.ipv4(no, b);
    if (type === 0x86dd) return this.ipv6(no, b);
    if (type === 0x0806) return this.arp(b);
    return false;
  }

  /** Ethernet padding: a frame longer than its IP packet only up to Ethernet's 60-byte minimum. */
  private static padded(b: Uint8Array, end: number): boolean {
    return end === b.length || (end < b.length && b.length <= 60);
  }

  private ipv4(no: number, b: Uint8Array): boolean {
    if (b.length < 34 || b[14] !== 0x45) return false;
    const total = (b[16] << 8) | b[17];
    const end = 14 + total;
    if (total < 20 || end > b.length || !FastLane.padded(b, end)) return false;
    // Not a fragment (DF may be set), a header checksum that verifies.
    if (((b[20] << 8) | b[21]) & 0xbfff || !headerChecksumOk(b)) return false;
    const n = this.net;
    n.no = no;
    n.bytes = b;
    n.start = 34;
    n.end = end;
    n.v6 = false;
    // The addresses' text only when asked (texts()): most rows write them from the numbers.
    n.src = '';
    n.dst = '';
    n.src4 = u32At(b, 26);
    n.dst4 = u32At(b, 30);
    n.ttl = b[22];
    this.cols.facts.layers |= LAYER.IP;
    return this.transport(b[23]);
  }

  private ipv6(no: number, b: Uint8Array): boolean {
    if (b.length < 54 || b[14] >> 4 !== 6) return false;
    const end = 54 + ((b[18] << 8) | b[19]);
    if (end > b.length || !FastLane.padded(b, end)) return false;
    const n = this.net;
    n.no = no;
    n.bytes = b;
    n.start = 54;
    n.end = end;
    n.v6 = true;
    n.src = '';
    n.dst = '';
    this.v6Pending = true;
    n.src4 = 0;
    n.dst4 = 0;
    n.ttl = b[21];
    this.cols.facts.layers |= LAYER.IPV6;
    return this.transport(b[20]);
  }

  private transport(proto: number): boolean {
    const c = this.cols;
    const n = this.net;
    const v6 = n.v6;
    c.source = n.src;
    c.destination = n.dst;
    c.src4 = v6 ? -1 : n.src4;
    c.dst4 = v6 ? -1 : n.dst4;
    c.plain = true;
    c.tcp.on = false;
    if (proto === 6) {
      // TCP keys IPv6 connections by their addresses' text.
      this.addresses();
      return this.tcp.segment(n, c);
    }
    if (proto === 17) return this.udp();
    if (proto === 1 && !v6) return this.icmp();
    return false;
  }

  /** ICMP echo request and reply; any other message goes to the engine. */
  private icmp(): boolean {
    const { bytes: b, start: s, end } = this.net;
    const type = b[s];
    if (end - s < 8 || (type !== 0 && type !== 8) || b[s + 1] !== 0) return false;
    if (checksum16(b, s, end) !== 0) return false;
    const id = (b[s + 4] << 8) | b[s + 5];
    const seq = (b[s + 6] << 8) | b[s + 7];
    const n = this.net;
    const request = type === 8;
    const key = `${id}:${seq}:${request ? `${n.src4}>${n.dst4}` : `${n.dst4}>${n.src4}`}`;
    let info = `${ICMP_TYPES[type]}${type === 0 ? '  ' : ''}  id=0x${hex4(id)}, seq=${seq}/${((seq & 255) << 8) | (seq >> 8)}, ttl=${n.ttl}`;
    if (request) this.echoRequests.set(key, n.no);
    else {
      const req = this.echoRequests.get(key);
      info += req === undefined ? ' (no response found!)' : ` (request in ${req})`;
    }
    this.cols.protocol = 'ICMP';
    this.cols.info = info;
    this.cols.facts.layers |= LAYER.ICMP;
    return true;
  }

  /** UDP to or from port 53 (DNS) or 4500 (ESP); other datagrams may be anyone's (ports, heuristics): the engine's. */
  private udp(): boolean {
    const { bytes: b, start: s, end, v6 } = this.net;
    if (end - s < 8 || ((b[s + 4] << 8) | b[s + 5]) !== end - s) return false;
    // A zero checksum is illegal over IPv6 (the engine says so in Info).
    if (v6 && b[s + 6] === 0 && b[s + 7] === 0) return false;
    const sp = (b[s] << 8) | b[s + 1];
    const dp = (b[s + 2] << 8) | b[s + 3];
    // The port's dissector has the datagram when the other port has none of its own (nor one Wireshark has).
    const to = (port: number) => {
      const other = sp === port ? dp : dp === port ? sp : -1;
      return (
        other === port || (other >= 0 && !WIRESHARK_UDP_PORTS.has(other) && !lookupTable('udp.port', other))
      );
    };
    if (end - s === 8) return false;
    const f = this.cols.facts;
    f.layers |= LAYER.UDP;
    f.sp = sp;
    f.dp = dp;
    if (to(53)) return this.dns(s + 8, end);
    if (to(4500)) return this.esp(s + 8, end);
    return this.unclaimed(sp, dp, s + 8, end);
  }

  /**
   * A datagram no port's dissector takes: Data to the engine (Protocol UDP, Info "sp → dp Len=n") when a port
   * Wireshark gives to a dissector the engine lacks claims it, or when neither heuristic tried on UDP ports
   * would take it (DNS's wants a well-formed message, QUIC's at least 21 bytes with the fixed bit set); a
   * registered port, or a payload a heuristic might take, is the engine's (a short QUIC header only once a
   * connection may be known: see QuicWatch).
   */
  private unclaimed(sp: number, dp: number, s: number, end: number): boolean {
    if (lookupTable('udp.port', sp) || lookupTable('udp.port', dp)) return false;
    if (!WIRESHARK_UDP_PORTS.has(sp) && !WIRESHARK_UDP_PORTS.has(dp)) {
      if (!udpHeuristicsKnown()) return false;
      const b = this.net.bytes;
      // QUIC's takes a long header of a version it knows, a short one of a connection it knows (none yet?).
      const b0 = b[s];
      const quic =
        end - s >= 21 &&
        b0 & 0x40 &&
        (b0 & 0x80 ? quicVersion(u32At(b, s + 1)) !== undefined : this.quic.maybe);
      if (quic || looksLikeDns(new ByteView(b, s, end - s))) return false;
    }
    this.cols.protocol = 'UDP';
    this.cols.info = `${sp} → ${dp} Len=${end - s}`;
    this.cols.plain = false; // (the arrow is not ASCII)
    return true;
  }

  /** ESP in UDP (RFC 3948), neither a NAT-keepalive nor IKE: its SPI. */
  private esp(s: number, end: number): boolean {
    const b = this.net.bytes;
    const spi = u32At(b, s);
    if (end - s < 8 || spi === 0) return false;
    this.cols.facts.layers |= LAYER.ESP;
    this.cols.protocol = 'ESP';
    this.cols.info = `ESP (SPI=0x${spi.toString(16).padStart(8, '0')})`;
    return true;
  }

  /** The text of the last name dnsName read, and whether it is printable ASCII. */
  private name = '';
  private namePrintable = true;
  private readonly nameBytes = Buffer.allocUnsafe(1024);

  /**
   * The DNS name at offset `off` of the message b[s, s + len) as the engine's readName reads it (labels as
   * Latin-1 text joined by dots, compression pointers followed): the bytes it takes where it starts, its text
   * (when `text`) in `this.name`; -1 for a name the engine would show otherwise (the root, a pointer loop, a
   * label with "<", an undefined label type, more than 128 labels) or that runs past the end.
   */
  private dnsName(b: Uint8Array, s: number, len: number, off: number, text: boolean): number {
    // The text's bytes gather in `nameBytes` (a longer name is the engine's), decoded once.
    const out = this.nameBytes;
    let n = 0;
    let printable = true;
    let pos = off;
    let used = -1;
    let jumps = 0;
    let labels = 0;
    for (;;) {
      if (pos >= len) return -1;
      const c = b[s + pos];
      if (c === 0) {
        if (used < 0) used = pos + 1 - off;
        break;
      }
      if ((c & 0xc0) === 0xc0) {
        if (pos + 1 >= len) return -1;
        const ptr = ((c & 0x3f) << 8) | b[s + pos + 1];
        if (used < 0) used = pos + 2 - off;
        if (++jumps > 64 || ptr >= len) return -1;
        pos = ptr;
        continue;
      }
      if (c & 0xc0 || pos + 1 + c > len || ++labels > 128 || n + 1 + c > out.length) return -1;
      if (labels > 1) out[n++] = 0x2e;
      for (let k = s + pos + 1, e = k + c; k < e; k++) {
        const ch = b[k];
        if (ch === 0x3c) return -1;
        if (ch < 0x20 || ch > 0x7e) printable = false;
        out[n++] = ch;
      }
      pos += 1 + c;
    }
    if (!labels) return -1;
    if (text) {
      this.name = out.toString('latin1', 0, n);
      this.namePrintable = printable;
    }
    return used;
  }

  /**
   * A standard query or response with one question and answers of types A, AAAA and CNAME only (IN class),
   * every byte accounted for: what the engine's Info says of it, text for text.
   */
  private dns(s: number, end: number): boolean {
    const b = this.net.bytes;
    if (end - s < 12) return false;
    const flags = (b[s + 2] << 8) | b[s + 3];
    const qd = (b[s + 4] << 8) | b[s + 5];
    const an = (b[s + 6] << 8) | b[s + 7];
    if ((flags & 0x7800) !== 0 || qd !== 1 || an > 64 || b[s + 8] | b[s + 9] | b[s + 10] | b[s + 11])
      return false;
    const isResp = (flags & 0x8000) !== 0;
    const rcode = flags & 15;
    if (isResp && rcode !== 0 && RCODES[rcode] === undefined) return false;
    const len = end - s;
    const u16 = (o: number) => (b[s + o] << 8) | b[s + o + 1];
    let info = `Standard query${isResp ? ' response' : ''} 0x${hex4(u16(0))}`;
    if (isResp && rcode !== 0) info += ` ${RCODES[rcode]}`;
    let off = 12;
    let used = this.dnsName(b, s, len, off, true);
    if (used < 0) return false;
    const qname = this.name;
    let plain = this.namePrintable;
    this.cols.facts.dnsName = qname;
    off += used;
    if (off + 4 > len) return false;
    const qtype = u16(off);
    if (u16(off + 2) !== 1 || DNS_TYPES[qtype] === undefined) return false;
    info += ` ${DNS_TYPES[qtype]} ${qname}`;
    off += 4;
    for (let i = 0; i < an; i++) {
      used = this.dnsName(b, s, len, off, false);
      if (used < 0) return false;
      off += used;
      if (off + 10 > len) return false;
      const type = u16(off);
      const rdlen = u16(off + 8);
      if (u16(off + 2) !== 1) return false;
      off += 10;
      if (off + rdlen > len) return false;
      if (type === 1 && rdlen === 4) info += ` A ${ipv4Text(u32At(b, s + off))}`;
      else if (type === 28 && rdlen === 16) info += ` AAAA ${formatIPv6(b.subarray(s + off, s + off + 16))}`;
      else if (type === 5) {
        if (this.dnsName(b, s, len, off, true) !== rdlen) return false;
        info += ` CNAME ${this.name}`;
        plain &&= this.namePrintable;
      } else return false;
      off += rdlen;
    }
    if (off !== len) return false;
    this.cols.protocol = 'DNS';
    this.cols.info = info;
    this.cols.facts.layers |= LAYER.DNS;
    // (Names of printable ASCII and the lane's own text.)
    this.cols.plain = plain;
    return true;
  }

  /**
   * An Ethernet/IPv4 request or reply, probe, announcement or gratuitous ARP (RFC 5227), named as the engine
   * names them; a duplicate address (the engine's Info says so) goes to the engine.
   */
  private arp(b: Uint8Array): boolean {
    if (b.length < 42 || b.length > 60) return false;
    const op = (b[20] << 8) | b[21];
    if (b[14] !== 0 || b[15] !== 1 || b[16] !== 8 || b[17] !== 0 || b[18] !== 6 || b[19] !== 4) return false;
    if (op !== 1 && op !== 2) return false;
    const spa = u32At(b, 28);
    const tpa = u32At(b, 38);
    const noTargetMac = !(b[32] | b[33] | b[34] | b[35] | b[36] | b[37]);
    const probe = op === 1 && noTargetMac && spa === 0;
    const gratuitous = !probe && spa === tpa;
    const sha = formatEther(b.subarray(22, 28));
    if (!this.bind(b, 22, spa, sha)) return false;
    if (op === 2 && !this.bind(b, 32, tpa, formatEther(b.subarray(32, 38)))) return false;
    const c = this.cols;
    c.source = formatEther(b.subarray(6, 12));
    c.destination = formatEther(b.subarray(0, 6));
    c.protocol = 'ARP';
    c.facts.layers |= LAYER.ARP;
    c.plain = true;
    c.src4 = -1;
    c.dst4 = -1;
    c.tcp.on = false;
    const tp = ipv4Text(tpa);
    const sp = ipv4Text(spa);
    if (op === 2) c.info = gratuitous ? `Gratuitous ARP for ${sp} (Reply)` : `${sp} is at ${sha}`;
    else if (probe) c.info = `Who has ${tp}? (ARP Probe)`;
    else if (gratuitous)
      c.info = noTargetMac ? `ARP Announcement for ${tp}` : `Gratuitous ARP for ${tp} (Request)`;
    else c.info = `Who has ${tp}? Tell ${sp}`;
    return true;
  }

  /** Binds `ip` to the MAC at `at` unless it is a group or zero MAC or 0.0.0.0; false on a conflicting binding. */
  private bind(b: Uint8Array, at: number, ip: number, mac: string): boolean {
    if (b[at] & 1 || ip === 0) return true;
    if (!(b[at] | b[at + 1] | b[at + 2] | b[at + 3] | b[at + 4] | b[at + 5])) return true;
    const known = this.arpBindings.get(ip);
    if (known === undefined) this.arpBindings.set(ip, mac);
    return known === undefined || known === mac;
  }
}
