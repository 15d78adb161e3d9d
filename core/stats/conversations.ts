/**
 * Conversations and endpoints (Wireshark's Statistics > Conversations / Endpoints) for Ethernet, IPv4, IPv6,
 * TCP and UDP, built in one pass over dissections that carry the address and port fields.
 */
import { formatEther, formatIPv4, formatIPv6 } from '../fields/format.js';
import type { FieldValue } from '../fields/registry.js';
import type { Dissection } from '../dissect/types.js';
import { first, items } from './fields.js';
import type { ConvType, Conversation, Endpoint } from '../api/types.js';

export type { ConvType, Conversation, Endpoint } from '../api/types.js';

export const CONV_FIELDS: Record<ConvType, readonly string[]> = {
  eth: ['eth.src', 'eth.dst'],
  ip: ['ip.src', 'ip.dst'],
  ipv6: ['ipv6.src', 'ipv6.dst'],
  tcp: ['tcp.srcport', 'tcp.dstport', 'tcp.stream', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst'],
  udp: ['udp.srcport', 'udp.dstport', 'udp.stream', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst'],
};

function addr(v: FieldValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return formatIPv4(v);
  if (v instanceof Uint8Array)
    return v.length === 6 ? formatEther(v) : v.length === 16 ? formatIPv6(v) : undefined;
  return undefined;
}

/** Source/destination of the innermost network layer (IPv4 or IPv6), as text. */
function netPair(d: Dissection): [string, string] | undefined {
  const s4 = items(d, 'ip.src');
  const d4 = items(d, 'ip.dst');
  if (s4.length && d4.length)
    return [formatIPv4(s4[s4.length - 1].value as number), formatIPv4(d4[d4.length - 1].value as number)];
  const s6 = addr(first(d, 'ipv6.src'));
  const d6 = addr(first(d, 'ipv6.dst'));
  return s6 && d6 ? [s6, d6] : undefined;
}

export class ConversationTable {
  private readonly convs = new Map<string, Conversation>();
  private readonly eps = new Map<string, Endpoint>();
  private t0?: number;

  constructor(readonly type: ConvType) {}

  /** Relative start times count from this frame's time (the capture's first frame; else the first one added). */
  origin(d: Dissection): void {
    this.t0 ??= d.frame.tsSec + d.frame.tsNsec / 1e9;
  }

  add(d: Dissection): void {
    const t = d.frame.tsSec + d.frame.tsNsec / 1e9;
    this.t0 ??= t;
    const len = d.frame.origLen;
    let a: string | undefined;
    let b: string | undefined;
    let pa: number | undefined;
    let pb: number | undefined;
    let stream: number | undefined;
    switch (this.type) {
      case 'eth':
      case 'ip':
      case 'ipv6': {
        const [fs, fd] = CONV_FIELDS[this.type];
        a = addr(first(d, fs));
        b = addr(first(d, fd));
        break;
      }
      case 'tcp':
      case 'udp': {
        // A segment quoted inside an ICMP error is not traffic of that conversation (Wireshark does not tap it).
        const li = d.layers.indexOf(this.type);
        if (li > 0 && d.layers.slice(0, li).some((l) => l === 'icmp' || l === 'icmpv6')) return;
        const sp = first(d, `${this.type}.srcport`);
        const dp = first(d, `${this.type}.dstport`);
        const pair = netPair(d);
        if (typeof sp !== 'number' || typeof dp !== 'number' || !pair) return;
        [a, b] = pair;
        pa = sp;
        pb = dp;
        const st = first(d, `${this.type}.stream`);
        if (typeof st === 'number') stream = st;
        break;
      }
    }
    if (a === undefined || b === undefined) return;
    const ka = pa === undefined ? a : `${a}:${pa}`;
    const kb = pb === undefined ? b : `${b}:${pb}`;
    const forward = ka <= kb;
    const key = forward ? `${ka}|${kb}` : `${kb}|${ka}`;
    let c = this.convs.get(key);
    if (!c) {
      c = {
        type: this.type,
        a,
        b,
        framesAB: 0,
        bytesAB: 0,
        framesBA: 0,
        bytesBA: 0,
        start: t - this.t0,
        duration: 0,
      };
      if (pa !== undefined) c.portA = pa;
      if (pb !== undefined) c.portB = pb;
      if (stream !== undefined) c.stream = stream;
      this.convs.set(key, c);
    }
    const ab = c.a === a && (c.portA === undefined || c.portA === pa);
    if (ab) {
      c.framesAB++;
      c.bytesAB += len;
    } else {
      c.framesBA++;
      c.bytesBA += len;
    }
    c.duration = t - this.t0 - c.start;
    this.endpoint(a, pa, true, len);
    this.endpoint(b, pb, false, len);
  }

  private endpoint(address: string, port: number | undefined, tx: boolean, len: number): void {
    const key = port === undefined ? address : `${address}:${port}`;
    let e = this.eps.get(key);
    if (!e) {
      e = { type: this.type, address, framesTx: 0, bytesTx: 0, framesRx: 0, bytesRx: 0 };
      if (port !== undefined) e.port = port;
      this.eps.set(key, e);
    }
    if (tx) {
      e.framesTx++;
      e.bytesTx += len;
    } else {
      e.framesRx++;
      e.bytesRx += len;
    }
  }

  conversations(): Conversation[] {
    return [...this.convs.values()];
  }

  endpoints(): Endpoint[] {
    return [...this.eps.values()];
  }
}

export function formatConversations(list: Conversation[], type: ConvType): string {
  const ep = (addrs: string, port?: number) => (port === undefined ? addrs : `${addrs}:${port}`);
  const head = `${'Address A'.padEnd(28)} ${'Address B'.padEnd(28)} ${'Frames A→B'.padStart(10)} ${'Bytes A→B'.padStart(12)} ${'Frames B→A'.padStart(10)} ${'Bytes B→A'.padStart(12)} ${'Frames'.padStart(8)} ${'Bytes'.padStart(12)} ${'Rel Start'.padStart(12)} ${'Duration'.padStart(10)}`;
  const lines = [`${type.toUpperCase()} Conversations`, head];
  for (const c of [...list].sort((x, y) => y.bytesAB + y.bytesBA - (x.bytesAB + x.bytesBA))) {
    lines.push(
      `${ep(c.a, c.portA).padEnd(28)} ${ep(c.b, c.portB).padEnd(28)} ${String(c.framesAB).padStart(10)} ${String(c.bytesAB).padStart(12)} ${String(c.framesBA).padStart(10)} ${String(c.bytesBA).padStart(12)} ${String(c.framesAB + c.framesBA).padStart(8)} ${String(c.bytesAB + c.bytesBA).padStart(12)} ${c.start.toFixed(6).padStart(12)} ${c.duration.toFixed(4).padStart(10)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function formatEndpoints(list: Endpoint[], type: ConvType): string {
  const lines = [
    `${type.toUpperCase()} Endpoints`,
    `${'Address'.padEnd(28)} ${'Packets'.padStart(8)} ${'Bytes'.padStart(12)} ${'Tx Packets'.padStart(10)} ${'Tx Bytes'.padStart(12)} ${'Rx Packets'.padStart(10)} ${'Rx Bytes'.padStart(12)}`,
  ];
  for (const e of [...list].sort((x, y) => y.bytesTx + y.bytesRx - (x.bytesTx + x.bytesRx))) {
    const a = e.port === undefined ? e.address : `${e.address}:${e.port}`;
    lines.push(
      `${a.padEnd(28)} ${String(e.framesTx + e.framesRx).padStart(8)} ${String(e.bytesTx + e.bytesRx).padStart(12)} ${String(e.framesTx).padStart(10)} ${String(e.bytesTx).padStart(12)} ${String(e.framesRx).padStart(10)} ${String(e.bytesRx).padStart(12)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
