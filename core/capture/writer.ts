/**
 * A small pcap / pcapng writer so tests make their own fixtures (and the bundled sample capture).
 */
import { concatBytes } from '../bytes/byteview.js';
export interface WritePacket {
  data: Uint8Array;
  tsSec: number;
  tsNsec?: number;
  /** Original length (default: data length). */
  origLen?: number;
  /** pcapng only: interface index and comments. */
  iface?: number;
  comments?: string[];
}

export interface PcapOptions {
  linkType: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
}

export function writePcap(packets: readonly WritePacket[], opts: PcapOptions): Uint8Array {
  const le = !opts.bigEndian;
  const size = 24 + packets.reduce((n, p) => n + 16 + p.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, opts.snaplen ?? 262144, le);
  dv.setUint32(20, opts.linkType, le);
  let o = 24;
  for (const p of packets) {
    const ns = p.tsNsec ?? 0;
    dv.setUint32(o, p.tsSec, le);
    dv.setUint32(o + 4, opts.nanosecond ? ns : Math.floor(ns / 1000), le);
    dv.setUint32(o + 8, p.data.length, le);
    dv.setUint32(o + 12, p.origLen ?? p.data.length, le);
    out.set(p.data, o + 16);
    o += 16 + p.data.length;
  }
  return out;
}

export interface PcapngInterface {
  linkType: number;
  name?: string;
  snaplen?: number;
  description?: string;
  /** if_tsresol as stored: a decimal exponent (6 = µs, 9 = ns), or 0x80 | n for units of 2^-n seconds. */
  tsresol?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface (the written timestamps are reduced by it). */
  tsoffset?: number;
}

export interface PcapngOptions {
  interfaces: readonly PcapngInterface[];
  bigEndian?: boolean;
  /** Extra raw blocks (type, body) written after the interfaces, e.g. an unknown block type. */
  extraBlocks?: readonly { type: number; body: Uint8Array }[];
  /** Write packets as Simple Packet Blocks (interface 0) instead of EPBs. */
  simple?: boolean;
  /** Write packets as obsolete Packet Blocks (type 2) instead of EPBs. */
  obsolete?: boolean;
}

const enc = new TextEncoder();
const pad4 = (n: number) => (n + 3) & ~3;

class BlockWriter {
  private parts: Uint8Array[] = [];
  constructor(private readonly le: boolean) {}

  block(type: number, body: Uint8Array): void {
    const len = 12 + pad4(body.length);
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, this.le);
    dv.setUint32(4, len, this.le);
    b.set(body, 8);
    dv.setUint32(len - 4, len, this.le);
    this.parts.push(b);
  }

  options(opts: readonly { code: number; value: Uint8Array }[]): Uint8Array {
    if (opts.length === 0) return new Uint8Array(0);
    const len = opts.reduce((n, o) => n + 4 + pad4(o.value.length), 0) + 4;
    const b = new Uint8Array(len);
    const dv = new DataView(b.buffer);
    let o = 0;
    for (const opt of opts) {
      dv.setUint16(o, opt.code, this.le);
      dv.setUint16(o + 2, opt.value.length, this.le);
      b.set(opt.value, o + 4);
      o += 4 + pad4(opt.value.length);
    }
    return b;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export function writePcapng(packets: readonly WritePacket[], opts: PcapngOptions): Uint8Array {
  const le = !opts.bigEndian;
  const w = new BlockWriter(le);
  const shb = new Uint8Array(16);
  const sv = new DataView(shb.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setUint16(6, 0, le);
  sv.setInt32(8, -1, le);
  sv.setInt32(12, -1, le);
  w.block(0x0a0d0d0a, shb);
  for (const ifc of opts.interfaces) {
    const h = new Uint8Array(8);
    const hv = new DataView(h.buffer);
    hv.setUint16(0, ifc.linkType, le);
    hv.setUint32(4, ifc.snaplen ?? 262144, le);
    const o: { code: number; value: Uint8Array }[] = [];
    if (ifc.name) o.push({ code: 2, value: enc.encode(ifc.name) });
    if (ifc.description) o.push({ code: 3, value: enc.encode(ifc.description) });
    if (ifc.tsresol !== undefined) o.push({ code: 9, value: Uint8Array.of(ifc.tsresol) });
    if (ifc.tsoffset !== undefined) {
      const v = new Uint8Array(8);
      new DataView(v.buffer).setBigInt64(0, BigInt(ifc.tsoffset), le);
      o.push({ code: 14, value: v });
    }
    w.block(1, concatBytes(h, w.options(o)));
  }
  for (const b of opts.extraBlocks ?? []) w.block(b.type, b.body);
  for (const p of packets) {
    if (opts.simple) {
      const h = new Uint8Array(4);
      new DataView(h.buffer).setUint32(0, p.origLen ?? p.data.length, le);
      w.block(3, concatBytes(h, p.data));
      continue;
    }
    const iface = p.iface ?? 0;
    const ifc = opts.interfaces[iface];
    const res = ifc?.tsresol ?? 6;
    const per = res & 0x80 ? 1n << BigInt(res & 0x7f) : 10n ** BigInt(res);
    const units =
      BigInt(p.tsSec - (ifc?.tsoffset ?? 0)) * per + (BigInt(p.tsNsec ?? 0) * per) / 1_000_000_000n;
    const h = new Uint8Array(20);
    const hv = new DataView(h.buffer);
    if (opts.obsolete) hv.setUint16(0, iface, le);
    else hv.setUint32(0, iface, le);
    hv.setUint32(4, Number(units >> 32n), le);
    hv.setUint32(8, Number(units & 0xffffffffn), le);
    hv.setUint32(12, p.data.length, le);
    hv.setUint32(16, p.origLen ?? p.data.length, le);
    const data = new Uint8Array(pad4(p.data.length));
    data.set(p.data);
    const o = (p.comments ?? []).map((c) => ({ code: 1, value: enc.encode(c) }));
    w.block(opts.obsolete ? 2 : 6, concatBytes(h, data, w.options(o)));
  }
  return w.bytes();
}
