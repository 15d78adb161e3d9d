/**
 * pcap / pcapng writing: block and record encoders shared by two users — the in-memory writers tests use to make
 * their own fixtures (and the bundled sample capture), and the streaming writers behind File > Export Specified
 * Packets, which hand each encoded piece to a ByteSink (a buffered file) as it comes, never the whole capture.
 */
import { concatBytes } from '../bytes/byteview.js';
export interface WritePacket {
  data: Uint8Array;
  tsSec: number;
  tsNsec?: number;
  /**
   * pcapng only: the timestamp in units of the interface's if_tsresol, as stored (overrides tsSec/tsNsec and the
   * interface's tsoffset). Lets an exporter keep the source's exact units.
   */
  tsUnits?: bigint;
  /** Original length (default: data length). */
  origLen?: number;
  /** pcapng only: interface index, comments and the packet flags word (epb_flags). */
  iface?: number;
  comments?: string[];
  flags?: number;
}

export interface PcapOptions {
  linkType: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  snaplen?: number;
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

/** Options of the section header block. */
export interface PcapngSection {
  /** opt_comment (e.g. where an exported file came from). */
  comment?: string;
  /** shb_hardware, shb_os, shb_userappl. */
  hardware?: string;
  os?: string;
  userappl?: string;
}

export interface PcapngOptions {
  interfaces: readonly PcapngInterface[];
  bigEndian?: boolean;
  section?: PcapngSection;
  /** Decryption Secrets Blocks (e.g. type 0x544c534b, a TLS key log), written after the interfaces. */
  secrets?: readonly { type: number; data: Uint8Array }[];
  /** Extra raw blocks (type, body) written after the interfaces, e.g. an unknown block type. */
  extraBlocks?: readonly { type: number; body: Uint8Array }[];
  /** Write packets as Simple Packet Blocks (interface 0) instead of EPBs. */
  simple?: boolean;
  /** Write packets as obsolete Packet Blocks (type 2) instead of EPBs. */
  obsolete?: boolean;
}

/** Where encoded bytes go, in order. A piece may be kept only until the call returns (copy what you keep). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
}

const enc = new TextEncoder();
const pad4 = (n: number) => (n + 3) & ~3;
const PAD = new Uint8Array(4);

// ── classic pcap ─────────────────────────────────────────────────────────────────────────────────────────

/** The 24-byte file header. */
export function pcapHeader(opts: PcapOptions): Uint8Array {
  const le = !opts.bigEndian;
  const out = new Uint8Array(24);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, opts.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, opts.snaplen ?? 262144, le);
  dv.setUint32(20, opts.linkType, le);
  return out;
}

/** The 16-byte record header of a packet (its data follows it unpadded). */
export function pcapRecordHeader(p: WritePacket, opts: PcapOptions): Uint8Array {
  const le = !opts.bigEndian;
  const out = new Uint8Array(16);
  const dv = new DataView(out.buffer);
  const ns = p.tsNsec ?? 0;
  dv.setUint32(0, p.tsSec, le);
  dv.setUint32(4, opts.nanosecond ? ns : Math.floor(ns / 1000), le);
  dv.setUint32(8, p.data.length, le);
  dv.setUint32(12, p.origLen ?? p.data.length, le);
  return out;
}

/** Streams a classic pcap file: the header at once, then one record per packet() call. */
export class PcapStreamWriter {
  constructor(
    private readonly sink: ByteSink,
    private readonly opts: PcapOptions,
  ) {
    sink.write(pcapHeader(opts));
  }

  packet(p: WritePacket): void {
    this.sink.write(pcapRecordHeader(p, this.opts));
    this.sink.write(p.data);
  }
}

// ── pcapng ───────────────────────────────────────────────────────────────────────────────────────────────

type Option = { code: number; value: Uint8Array };

/** An options list (ending with opt_endofopt), or nothing when there are no options. */
function encodeOptions(opts: readonly Option[], le: boolean): Uint8Array {
  if (opts.length === 0) return new Uint8Array(0);
  const len = opts.reduce((n, o) => n + 4 + pad4(o.value.length), 0) + 4;
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  let o = 0;
  for (const opt of opts) {
    dv.setUint16(o, opt.code, le);
    dv.setUint16(o + 2, opt.value.length, le);
    b.set(opt.value, o + 4);
    o += 4 + pad4(opt.value.length);
  }
  return b;
}

/** A string option, cut (at a character boundary) to the 65535 bytes an option length can say. */
function stringOption(code: number, text: string): Option {
  let value = enc.encode(text);
  if (value.length > 0xffff) {
    let end = 0xffff;
    while (end > 0 && (value[end] & 0xc0) === 0x80) end--;
    value = value.subarray(0, end);
  }
  return { code, value };
}

/** A whole block: type, length, body (padded to 4), length. */
function block(type: number, body: Uint8Array, le: boolean): Uint8Array {
  const len = 12 + pad4(body.length);
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, type, le);
  dv.setUint32(4, len, le);
  b.set(body, 8);
  dv.setUint32(len - 4, len, le);
  return b;
}

/** Section Header Block (version 1.0, section length unknown: -1, as a streaming writer must). */
export function pcapngShb(section: PcapngSection = {}, le = true): Uint8Array {
  const h = new Uint8Array(16);
  const sv = new DataView(h.buffer);
  sv.setUint32(0, 0x1a2b3c4d, le);
  sv.setUint16(4, 1, le);
  sv.setUint16(6, 0, le);
  sv.setInt32(8, -1, le);
  sv.setInt32(12, -1, le);
  const o: Option[] = [];
  if (section.comment) o.push(stringOption(1, section.comment));
  if (section.hardware) o.push(stringOption(2, section.hardware));
  if (section.os) o.push(stringOption(3, section.os));
  if (section.userappl) o.push(stringOption(4, section.userappl));
  return block(0x0a0d0d0a, concatBytes(h, encodeOptions(o, le)), le);
}

/** Interface Description Block. */
export function pcapngIdb(ifc: PcapngInterface, le = true): Uint8Array {
  const h = new Uint8Array(8);
  const hv = new DataView(h.buffer);
  hv.setUint16(0, ifc.linkType, le);
  hv.setUint32(4, ifc.snaplen ?? 262144, le);
  const o: Option[] = [];
  if (ifc.name) o.push(stringOption(2, ifc.name));
  if (ifc.description) o.push(stringOption(3, ifc.description));
  if (ifc.tsresol !== undefined) o.push({ code: 9, value: Uint8Array.of(ifc.tsresol) });
  if (ifc.tsoffset !== undefined) {
    const v = new Uint8Array(8);
    new DataView(v.buffer).setBigInt64(0, BigInt(ifc.tsoffset), le);
    o.push({ code: 14, value: v });
  }
  return block(1, concatBytes(h, encodeOptions(o, le)), le);
}

/** Decryption Secrets Block: secrets type, length, data. */
export function pcapngDsb(type: number, data: Uint8Array, le = true): Uint8Array {
  const h = new Uint8Array(8);
  const hv = new DataView(h.buffer);
  hv.setUint32(0, type, le);
  hv.setUint32(4, data.length, le);
  return block(0x0a, concatBytes(h, data), le);
}

/** Timestamp units per second of an if_tsresol value. */
export function unitsPerSecond(tsresol = 6): bigint {
  return tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}

/**
 * An Enhanced Packet Block (or obsolete Packet Block) as pieces — header, data, padding, options and trailer — so
 * a streaming writer hands the packet's data on without copying it into a block first.
 */
export function pcapngEpbParts(
  p: WritePacket,
  ifc: PcapngInterface | undefined,
  le = true,
  obsolete = false,
): Uint8Array[] {
  const iface = p.iface ?? 0;
  const per = unitsPerSecond(ifc?.tsresol);
  const units =
    p.tsUnits ??
    BigInt(p.tsSec - (ifc?.tsoffset ?? 0)) * per + (BigInt(p.tsNsec ?? 0) * per) / 1_000_000_000n;
  const options = (p.comments ?? []).map((c) => stringOption(1, c));
  if (p.flags !== undefined) {
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, p.flags, le);
    options.push({ code: 2, value });
  }
  const opts = encodeOptions(options, le);
  const padded = pad4(p.data.length);
  const len = 32 + padded + opts.length;
  const h = new Uint8Array(28);
  const hv = new DataView(h.buffer);
  hv.setUint32(0, obsolete ? 2 : 6, le);
  hv.setUint32(4, len, le);
  if (obsolete) hv.setUint16(8, iface, le);
  else hv.setUint32(8, iface, le);
  hv.setUint32(12, Number((units >> 32n) & 0xffffffffn), le);
  hv.setUint32(16, Number(units & 0xffffffffn), le);
  hv.setUint32(20, p.data.length, le);
  hv.setUint32(24, p.origLen ?? p.data.length, le);
  const t = new Uint8Array(4);
  new DataView(t.buffer).setUint32(0, len, le);
  const parts = [h, p.data];
  if (padded > p.data.length) parts.push(PAD.subarray(0, padded - p.data.length));
  if (opts.length) parts.push(opts);
  parts.push(t);
  return parts;
}

/** Simple Packet Block (interface 0, no timestamp). */
function pcapngSpb(p: WritePacket, le: boolean): Uint8Array {
  const h = new Uint8Array(4);
  new DataView(h.buffer).setUint32(0, p.origLen ?? p.data.length, le);
  return block(3, concatBytes(h, p.data), le);
}

/**
 * Streams a pcapng file: the section header and the interfaces at once, then one block per packet() call
 * (`iface` of each packet indexes `interfaces`).
 */
export class PcapngStreamWriter {
  private readonly le: boolean;
  constructor(
    private readonly sink: ByteSink,
    private readonly opts: PcapngOptions,
  ) {
    this.le = !opts.bigEndian;
    sink.write(pcapngShb(opts.section, this.le));
    for (const ifc of opts.interfaces) sink.write(pcapngIdb(ifc, this.le));
    for (const x of opts.secrets ?? []) sink.write(pcapngDsb(x.type, x.data, this.le));
    for (const b of opts.extraBlocks ?? []) sink.write(block(b.type, b.body, this.le));
  }

  packet(p: WritePacket): void {
    if (this.opts.simple) return this.sink.write(pcapngSpb(p, this.le));
    const parts = pcapngEpbParts(p, this.opts.interfaces[p.iface ?? 0], this.le, this.opts.obsolete);
    for (const part of parts) this.sink.write(part);
  }
}

/** Collects everything written, for the in-memory writers. */
class MemorySink implements ByteSink {
  private parts: Uint8Array[] = [];
  write(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
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

export function writePcap(packets: readonly WritePacket[], opts: PcapOptions): Uint8Array {
  const sink = new MemorySink();
  const w = new PcapStreamWriter(sink, opts);
  for (const p of packets) w.packet(p);
  return sink.bytes();
}

export function writePcapng(packets: readonly WritePacket[], opts: PcapngOptions): Uint8Array {
  const sink = new MemorySink();
  const w = new PcapngStreamWriter(sink, opts);
  for (const p of packets) w.packet(p);
  return sink.bytes();
}
