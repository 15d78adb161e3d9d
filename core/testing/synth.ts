/**
 * Synthesises realistic packets (Ethernet / IPv4 / TCP / UDP with correct checksums) and whole TCP
 * conversations, so the repo makes its own fixtures: HTTP downloads, chats, DNS lookups. Deterministic.
 */
import { concatBytes } from '../bytes/byteview.js';

export interface SynthPacket {
  data: Uint8Array;
  tsSec: number;
  tsNsec: number;
  /** The length on the wire, when the frame was cut by the snaplen (data is then shorter). */
  origLen?: number;
}

export function mac(s: string): Uint8Array {
  return Uint8Array.from(s.split(':').map((h) => parseInt(h, 16)));
}

export function ip4(s: string): Uint8Array {
  return Uint8Array.from(s.split('.').map(Number));
}

function checksum(...parts: Uint8Array[]): number {
  let sum = 0;
  let odd = false;
  let carry = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      if (!odd) carry = p[i] << 8;
      else sum += carry | p[i];
      odd = !odd;
    }
  }
  if (odd) sum += carry;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function ethernet(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array): Uint8Array {
  const h = new Uint8Array(14);
  h.set(dst, 0);
  h.set(src, 6);
  h[12] = type >> 8;
  h[13] = type & 255;
  return concatBytes(h, payload);
}

let ipId = 0x1000;
export function ipv4(
  src: Uint8Array,
  dst: Uint8Array,
  proto: number,
  payload: Uint8Array,
  ttl = 64,
): Uint8Array {
  const h = new Uint8Array(20);
  const len = 20 + payload.length;
  h[0] = 0x45;
  h[2] = len >> 8;
  h[3] = len & 255;
  const id = ipId++ & 0xffff;
  h[4] = id >> 8;
  h[5] = id & 255;
  h[6] = 0x40; // DF
  h[8] = ttl;
  h[9] = proto;
  h.set(src, 12);
  h.set(dst, 16);
  const c = checksum(h);
  h[10] = c >> 8;
  h[11] = c & 255;
  return concatBytes(h, payload);
}

function pseudo(src: Uint8Array, dst: Uint8Array, proto: number, len: number): Uint8Array {
  const p = new Uint8Array(12);
  p.set(src, 0);
  p.set(dst, 4);
  p[9] = proto;
  p[10] = len >> 8;
  p[11] = len & 255;
  return p;
}

export const TCP_FLAGS = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

export function tcp(
  src: Uint8Array,
  dst: Uint8Array,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  payload: Uint8Array = new Uint8Array(0),
  window = 65535,
  /** Options (padded by the caller to a multiple of 4 bytes). */
  options: ArrayLike<number> = [],
): Uint8Array {
  const h = new Uint8Array(20 + options.length);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint32(4, seq >>> 0);
  dv.setUint32(8, ack >>> 0);
  h[12] = (h.length / 4) << 4;
  h[13] = flags;
  dv.setUint16(14, window);
  h.set(options, 20);
  const c = checksum(pseudo(src, dst, 6, h.length + payload.length), h, payload);
  dv.setUint16(16, c);
  return concatBytes(h, payload);
}

/**
 * TCP segments between 10.0.0.1 (client, port `port`) and 10.0.0.2:80, written one by one, 0.1 ms apart:
 * "c|s seq ack flags len [window] [sack LE-RE,…]" from the client or the server (flags among S A F R P),
 * sequence and ACK numbers and SACK edges relative to ISNs 1000 (client) and 5000 (server), `len` bytes of
 * 'a'. A SACK option goes after two NOPs.
 */
export function tcpSegments(port: number, t0: number, lines: readonly string[]): SynthPacket[] {
  const a = ip4('10.0.0.1');
  const b = ip4('10.0.0.2');
  const bits: Record<string, number> = { S: 2, A: 16, F: 1, R: 4, P: 8 };
  return lines.map((l, i) => {
    const [who, seq, ack, fl, len, ...rest] = l.split(' ');
    const c = who === 'c';
    const flags = [...fl].reduce((x, ch) => x | bits[ch], 0);
    const peerIsn = c ? 5000 : 1000;
    const win = rest.find((t) => /^\d+$/.test(t));
    const sack = rest.find((t) => t.includes('-'));
    const edges = sack
      ? sack.split(',').flatMap((blk) => blk.split('-').map((e) => peerIsn + Number(e)))
      : [];
    const options = edges.length
      ? [1, 1, 5, 2 + 4 * edges.length, ...edges.flatMap((e) => [...u32be(e)])]
      : [];
    const seg = tcp(
      c ? a : b,
      c ? b : a,
      c ? port : 80,
      c ? 80 : port,
      (c ? 1000 : 5000) + Number(seq),
      flags & 16 ? peerIsn + Number(ack) : 0,
      flags,
      new Uint8Array(Number(len)).fill(97),
      Number(win ?? 65535),
      options,
    );
    const data = ethernet(
      mac('02:00:00:00:00:02'),
      mac('02:00:00:00:00:01'),
      0x800,
      ipv4(c ? a : b, c ? b : a, 6, seg),
    );
    return { data, tsSec: t0, tsNsec: i * 100_000 };
  });
}

const u32be = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

export function udp(
  src: Uint8Array,
  dst: Uint8Array,
  sport: number,
  dport: number,
  payload: Uint8Array,
): Uint8Array {
  const h = new Uint8Array(8);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, 8 + payload.length);
  const c = checksum(pseudo(src, dst, 17, 8 + payload.length), h, payload);
  dv.setUint16(6, c === 0 ? 0xffff : c);
  return concatBytes(h, payload);
}

export interface Host {
  mac: string;
  ip: string;
}

/** Builds a TCP conversation between a client and a server, one packet list in time order. */
export class TcpConversation {
  private cseq: number;
  private sseq: number;
  readonly packets: SynthPacket[] = [];

  constructor(
    private readonly client: Host,
    private readonly server: Host,
    private readonly cport: number,
    private readonly sport: number,
    private t: { s: number; ns: number },
    private readonly mss = 1460,
    seed = 1,
  ) {
    this.cseq = (0x10000000 * seed + 12345) >>> 0;
    this.sseq = (0x50000000 + 777 * seed) >>> 0;
  }

  private tick(us = 150): { s: number; ns: number } {
    this.t.ns += us * 1000;
    while (this.t.ns >= 1e9) {
      this.t.ns -= 1e9;
      this.t.s += 1;
    }
    return { ...this.t };
  }

  private emit(fromClient: boolean, flags: number, payload: Uint8Array = new Uint8Array(0)): void {
    const a = fromClient ? this.client : this.server;
    const b = fromClient ? this.server : this.client;
    const seq = fromClient ? this.cseq : this.sseq;
    const ack = fromClient ? this.sseq : this.cseq;
    const seg = tcp(
      ip4(a.ip),
      ip4(b.ip),
      fromClient ? this.cport : this.sport,
      fromClient ? this.sport : this.cport,
      seq,
      flags & TCP_FLAGS.ACK ? ack : 0,
      flags,
      payload,
    );
    const frame = ethernet(mac(b.mac), mac(a.mac), 0x0800, ipv4(ip4(a.ip), ip4(b.ip), 6, seg));
    const t = this.tick();
    this.packets.push({ data: frame, tsSec: t.s, tsNsec: t.ns });
    let adv = payload.length;
    if (flags & (TCP_FLAGS.SYN | TCP_FLAGS.FIN)) adv += 1;
    if (fromClient) this.cseq = (this.cseq + adv) >>> 0;
    else this.sseq = (this.sseq + adv) >>> 0;
  }

  handshake(): this {
    this.emit(true, TCP_FLAGS.SYN);
    this.emit(false, TCP_FLAGS.SYN | TCP_FLAGS.ACK);
    this.emit(true, TCP_FLAGS.ACK);
    return this;
  }

  /** Sends data in MSS-sized segments (PSH on the last), acknowledged by the peer. */
  send(fromClient: boolean, data: Uint8Array | string): this {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    for (let o = 0; o < bytes.length; o += this.mss) {
      const chunk = bytes.subarray(o, Math.min(bytes.length, o + this.mss));
      const last = o + this.mss >= bytes.length;
      this.emit(fromClient, TCP_FLAGS.ACK | (last ? TCP_FLAGS.PSH : 0), chunk);
    }
    this.emit(!fromClient, TCP_FLAGS.ACK);
    return this;
  }

  close(): this {
    this.emit(true, TCP_FLAGS.FIN | TCP_FLAGS.ACK);
    this.emit(false, TCP_FLAGS.FIN | TCP_FLAGS.ACK);
    this.emit(true, TCP_FLAGS.ACK);
    return this;
  }
}

/** A tiny valid GIF89a (w×h, 2 colours, one LZW clear+literal+end code stream). */
export function tinyGif(w = 1, h = 1): Uint8Array {
  const header = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, w & 255, w >> 8, h & 255, h >> 8, 0x80, 0, 0];
  const palette = [0, 0, 0, 255, 255, 255];
  const image = [0x2c, 0, 0, 0, 0, w & 255, w >> 8, h & 255, h >> 8, 0];
  const lzw = [0x02, 0x02, 0x44, 0x01, 0x00];
  return Uint8Array.from([...header, ...palette, ...image, ...lzw, 0x3b]);
}

/** A minimal PNG signature + IHDR, enough for magic-number detection. */
export function tinyPng(): Uint8Array {
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0,
    1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
  ]);
}

export function httpResponse(
  body: Uint8Array,
  contentType: string,
  status = '200 OK',
  extra = '',
): Uint8Array {
  const head = `HTTP/1.1 ${status}\r\nServer: wirelens-synth\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n${extra}\r\n`;
  return concatBytes(new TextEncoder().encode(head), body);
}

export function httpGet(host: string, path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: wirelens-synth/1.0\r\nAccept: */*\r\n\r\n`;
}

/** A DNS A query/response pair over UDP. */
export function dnsExchange(
  client: Host,
  server: Host,
  name: string,
  answer: string,
  id: number,
  t: { s: number; ns: number },
): SynthPacket[] {
  const qname = concatBytes(
    ...name.split('.').map((l) => concatBytes(Uint8Array.of(l.length), new TextEncoder().encode(l))),
    Uint8Array.of(0),
  );
  const q = concatBytes(
    Uint8Array.of(id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0),
    qname,
    Uint8Array.of(0, 1, 0, 1),
  );
  const r = concatBytes(
    Uint8Array.of(id >> 8, id & 255, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0),
    qname,
    Uint8Array.of(0, 1, 0, 1),
    Uint8Array.of(0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4),
    ip4(answer),
  );
  const p1 = ethernet(
    mac(server.mac),
    mac(client.mac),
    0x0800,
    ipv4(ip4(client.ip), ip4(server.ip), 17, udp(ip4(client.ip), ip4(server.ip), 53000 + (id % 1000), 53, q)),
  );
  const p2 = ethernet(
    mac(client.mac),
    mac(server.mac),
    0x0800,
    ipv4(ip4(server.ip), ip4(client.ip), 17, udp(ip4(server.ip), ip4(client.ip), 53, 53000 + (id % 1000), r)),
  );
  return [
    { data: p1, tsSec: t.s, tsNsec: t.ns },
    { data: p2, tsSec: t.s, tsNsec: t.ns + 800_000 },
  ];
}
