/**
 * The one-pass indexer behind openCapture: walks classic pcap records or pcapng blocks through one reusable
 * buffer (header bytes only where the packet data is not needed), pushes one PacketIndex entry per packet, and
 * stops at damage with a warning that names the byte offset. Resumable: `run(limit)` indexes records starting
 * before `limit`, so a viewer can index the start of a huge file first, and a growing file (live capture) can be
 * followed with `live` runs that leave an incomplete last record for later instead of warning about it.
 */
import { readSync } from 'node:fs';
import { PacketIndex } from './packet-index.js';
import { view } from '../bytes/byteview.js';

/** Largest packet Wireshark accepts for a link type (wtap_max_snaplen_for_encap). */
export function maxPacketFor(linkType: number): number {
  switch (linkType) {
    case 186: // USB FreeBSD
    case 189: // USB Linux
    case 220: // USB Linux mmapped
    case 249: // USBPcap
    case 266: // USB Darwin
    case 231: // D-Bus
      return 128 * 1024 * 1024;
    case 279: // EBHSCR
      return 8 * 1024 * 1024;
    default:
      return 262144;
  }
}

/** pcapng blocks larger than this are treated as corrupt (Wireshark: MAX_BLOCK_SIZE). */
const MAX_BLOCK = 32 + 128 * 1024 * 1024 + 131072;
const CHUNK = 4 << 20;
const MAX_WARNINGS = 50;

export interface ScanIface {
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Timestamp units per second = resBase ** resExp (if_tsresol). */
  resBase: 2 | 10;
  resExp: number;
  /** if_tsoffset, seconds. */
  tsOffset: number;
  /** pcapng: the number (from 1) of the section that describes the interface. */
  section?: number;
}

/** Reusable read buffer over a file descriptor. */
class Window {
  buf = new Uint8Array(CHUNK);
  dv = new DataView(this.buf.buffer);
  start = 0;
  len = 0;
  constructor(
    private readonly fd: number,
    public size: number,
  ) {}

  /** Makes bytes [pos, pos+n) available and returns their offset in `buf`, or -1 when the file ends first. */
  at(pos: number, n: number): number {
    const o = pos - this.start;
    if (o >= 0 && o + n <= this.len) return o;
    if (pos + n > this.size) return -1;
    if (n > this.buf.length || (this.buf.length > CHUNK && n <= CHUNK)) {
      this.buf = new Uint8Array(Math.max(n, CHUNK));
      this.dv = new DataView(this.buf.buffer);
    }
    const want = Math.min(this.buf.length, this.size - pos);
    let got = 0;
    while (got < want) {
      const r = readSync(this.fd, this.buf, got, want - got, pos + got);
      if (r <= 0) break;
      got += r;
    }
    this.start = pos;
    this.len = got;
    return got >= n ? 0 : -1;
  }

  /** Forgets the buffered bytes (the file may have changed, e.g. grown). */
  reset(): void {
    this.len = 0;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A pcapng string option: UTF-8, possibly NUL-terminated (Wireshark stops at the NUL); empty → undefined. */
function optString(b: Uint8Array, off: number, len: number): string | undefined {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return end > off ? utf8.decode(b.subarray(off, end)) : undefined;
}

/** Calls fn(code, offset, length) for each option in buf[o, end) (offsets into buf). */
function eachOption(
  w: Window,
  o: number,
  end: number,
  le: boolean,
  fn: (code: number, off: number, len: number) => void,
): void {
  const dv = w.dv;
  while (o + 4 <= end) {
    const code = dv.getUint16(o, le);
    const len = dv.getUint16(o + 2, le);
    if (code === 0 || o + 4 + len > end) break;
    fn(code, o + 4, len);
    o += 4 + ((len + 3) & ~3);
  }
}

export type ScanFormat = 'pcap' | 'pcap-nsec' | 'pcapng';

/** A Decryption Secrets Block: its secrets type (e.g. 0x544c534b TLS key log) and where its data lies. */
export interface ScanSecrets {
  type: number;
  offset: number;
  length: number;
}

/**
 * Told about each packet as it is indexed, with its bytes (a view valid during the call only: the reading
 * window moves on): a one-shot pass that reads the file once instead of indexing it and then reading it again.
 */
export type PacketHook = (i: number, bytes: Uint8Array) => void;

export class Scanner {
  readonly index = new PacketIndex();
  readonly ifaces: ScanIface[] = [];
  /** Decryption Secrets Blocks seen (pcapng), in file order. */
  readonly secrets: ScanSecrets[] = [];
  /**
   * Name Resolution Blocks seen (pcapng), in file order: where their records lie, their byte order, and how many
   * packets came before them.
   */
  readonly nameBlocks: { offset: number; length: number; le: boolean; after: number }[] = [];
  readonly warnings: string[] = [];
  /** Next record / block to read. */
  pos: number;
  /** Reading stopped for good at damage. */
  stopped = false;
  /** The last record is incomplete (the file is cut short, or still being written): `grow` may continue it. */
  private cut: string | undefined;
  private suppressed = 0;
  private readonly w: Window;
  // classic pcap
  private le = true;
  private nsec = false;
  private maxRec = 262144;
  // pcapng: section-local interface id → global id
  private section: number[] = [];
  /** Section header blocks seen so far. */
  private sections = 0;

  constructor(
    fd: number,
    size: number,
    readonly format: ScanFormat,
    head: Uint8Array,
  ) {
    this.w = new Window(fd, size);
    if (format === 'pcapng') {
      this.pos = 0;
      return;
    }
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const m = dv.getUint32(0, true);
    this.le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
    this.nsec = format === 'pcap-nsec';
    const snaplen = dv.getUint32(16, this.le);
    // Low 26 bits: link type (the top bits may carry FCS information).
    const linkType = dv.getUint32(20, this.le) & 0x03ffffff;
    this.ifaces.push({ linkType, snaplen, resBase: 10, resExp: this.nsec ? 9 : 6, tsOffset: 0 });
    this.maxRec = maxPacketFor(linkType);
    this.pos = 24;
  }

  get size(): number {
    return this.w.size;
  }

  /** The file grew (live capture): look at the new bytes on the next run. */
  grow(size: number): void {
    this.w.size = size;
    this.w.reset();
    if (this.cut !== undefined) {
      // The record that was cut short may be complete now: forget that warning and look again.
      const k = this.warnings.lastIndexOf(this.cut);
      if (k >= 0) this.warnings.splice(k, 1);
      this.cut = undefined;
    }
  }

  /** True when nothing is left to read (or reading stopped at damage). */
  get done(): boolean {
    return this.stopped || this.cut !== undefined || this.pos >= this.w.size;
  }

  private cutShort(msg: string): void {
    this.cut = msg;
    this.warn(msg);
  }

  warn(msg: string): void {
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(msg);
    else this.suppressed++;
  }

  /** Adds a final note about warnings left out, once. */
  flushWarnings(): void {
    if (this.suppressed) {
      this.warnings.push(`(${this.suppressed} more warnings like these were left out)`);
      this.suppressed = 0;
    }
  }

  /**
   * Indexes records that start before `limit`. `live`: the file may still be growing, so an incomplete last
   * record is left for a later run instead of being reported. Returns the number of packets added.
   */
  run(limit: number, live: boolean, onPacket?: PacketHook): number {
    if (this.stopped || this.cut !== undefined) return 0;
    const before = this.index.count;
    if (this.format === 'pcapng') {
      if (onPacket) throw new Error('packets as they are indexed: classic pcap only');
      this.runPcapng(Math.min(limit, this.w.size), live);
    } else this.runPcap(Math.min(limit, this.w.size), live, onPacket);
    return this.index.count - before;
  }

  private runPcap(limit: number, live: boolean, onPacket?: PacketHook): void {
    const w = this.w;
    const { le, nsec, maxRec, index } = this;
    const size = w.size;
    let pos = this.pos;
    while (pos < limit) {
      let o = pos - w.start;
      if (o < 0 || o + 16 > w.len) {
        o = w.at(pos, 16);
        if (o < 0) {
          if (!live) {
            this.cutShort(
              `The file appears to have been cut short in the middle of a packet header at byte ${pos} (${size - pos} trailing bytes ignored).`,
            );
          }
          break;
        }
      }
      const dv = w.dv;
      const incl = dv.getUint32(o + 8, le);
      if (incl > maxRec) {
        this.warn(
          `The file appears to be damaged or corrupt: the record at byte ${pos} claims ${incl} captured bytes, more than the maximum of ${maxRec}; reading stopped there.`,
        );
        this.stopped = true;
        break;
      }
      const end = pos + 16 + incl;
      if (end > size) {
        if (!live) {
          this.cutShort(
            `The file appears to have been cut short in the middle of a packet at byte ${pos} (record of ${incl} bytes, ${size - pos - 16} present).`,
          );
        }
        break;
      }
      const orig = dv.getUint32(o + 12, le);
      const frac = dv.getUint32(o + 4, le);
      const i = index.push(
        pos + 16,
        incl,
        orig > incl ? orig : incl,
        dv.getUint32(o, le),
        nsec ? frac : frac * 1000,
        0,
      );
      if (onPacket) {
        const at = w.at(pos + 16, incl);
        onPacket(i, view(w.buf, at, at + incl));
      }
      pos = end;
    }
    this.pos = pos;
  }

  private runPcapng(limit: number, live: boolean): void {
    const w = this.w;
    const size = w.size;
    while (this.pos < limit) {
      const pos = this.pos;
      let o = w.at(pos, 12);
      if (o < 0) {
        if (!live) {
          this.cutShort(
            `The file appears to have been cut short in the middle of a block header at byte ${pos} (${size - pos} trailing bytes ignored).`,
          );
        }
        return;
      }
      let le = this.le;
      let dv = w.dv;
      let type = dv.getUint32(o, le);
      if (type === 0x0a0d0d0a) {
        const bom = dv.getUint32(o + 8, true);
        if (bom === 0x1a2b3c4d) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          this.warn(
            `The file appears to be damaged or corrupt: bad byte-order magic in the section header at byte ${pos}; reading stopped there.`,
          );
          this.stopped = true;
          return;
        }
      }
      const blen = dv.getUint32(o + 4, le);
      if (blen < 12 || blen % 4 !== 0 || blen > MAX_BLOCK) {
        this.warn(
          `The file appears to be damaged or corrupt: the block at byte ${pos} has an invalid length ${blen}; reading stopped there.`,
        );
        this.stopped = true;
        return;
      }
      if (pos + blen > size) {
        if (!live) {
          this.cutShort(
            `The file appears to have been cut short in the middle of a block at byte ${pos} (block of ${blen} bytes, ${size - pos} present).`,
          );
        }
        return;
      }
      // Packet blocks: only their fixed header is needed (and the options, when present).
      // Only the bytes a block type needs: the fixed header of packet blocks (options are read separately),
      // nothing of skipped blocks (which may be huge), all of section headers and interface descriptions.
      const need =
        type === 6 || type === 2
          ? Math.min(blen, 28)
          : type === 3
            ? Math.min(blen, 16)
            : type === 1 || type === 0x0a0d0d0a
              ? blen
              : type === 0x0a
                ? Math.min(blen, 20)
                : 12;
      o = w.at(pos, need);
      if (o < 0) {
        this.warn(`The file could not be read at byte ${pos}; reading stopped there.`);
        this.stopped = true;
        return;
      }
      dv = w.dv;
      type = dv.getUint32(o, le);
      // Trailing length: within the buffer for all but huge blocks.
      const t = w.at(pos + blen - 4, 4);
      if (t < 0 || w.dv.getUint32(t, le) !== blen) {
        this.warn(
          `The file appears to be damaged or corrupt: the block at byte ${pos} has a trailing length that disagrees with its header (${blen}); reading stopped there.`,
        );
        this.stopped = true;
        return;
      }
      o = w.at(pos, need); // (a no-op unless the trailer read moved the window)
      dv = w.dv;
      let ok = true;
      switch (type) {
        case 0x0a0d0d0a:
          this.le = le;
          this.section = [];
          this.sections++;
          if (blen < 28) ok = this.damaged(pos, 'section header block is too short');
          else if (dv.getUint16(o + 12, le) !== 1)
            ok = this.damaged(pos, `unsupported pcapng major version ${dv.getUint16(o + 12, le)}`);
          break;
        case 1:
          ok =
            blen >= 20
              ? this.idb(o, pos, blen, le)
              : this.damaged(pos, 'interface description block is too short');
          break;
        case 6:
        case 2:
          ok = this.packet(o, pos, blen, le, type);
          break;
        case 3:
          ok = this.spb(o, pos, blen, le);
          break;
        case 0x0a: {
          // Decryption secrets: noted (an export carries them along), not read now.
          const length = blen >= 20 ? dv.getUint32(o + 12, le) : -1;
          if (length >= 0 && 20 + length <= blen)
            this.secrets.push({ type: dv.getUint32(o + 8, le), offset: pos + 16, length });
          break;
        }
        case 4:
          // Name resolution: noted (Resolved Addresses reads it when asked).
          if (blen > 12)
            this.nameBlocks.push({ offset: pos + 8, length: blen - 12, le, after: this.index.count });
          break;
        default:
          // Interface statistics, custom and unknown blocks: skipped.
          break;
      }
      if (!ok) {
        this.stopped = true;
        return;
      }
      this.pos = pos + blen;
    }
  }

  private damaged(pos: number, what: string): false {
    this.warn(
      `The file appears to be damaged or corrupt: ${what} (block at byte ${pos}); reading stopped there.`,
    );
    return false;
  }

  private idb(o: number, pos: number, blen: number, le: boolean): boolean {
    const w = this.w;
    const dv = w.dv;
    const ifc: ScanIface = {
      linkType: dv.getUint16(o + 8, le),
      snaplen: dv.getUint32(o + 12, le),
      resBase: 10,
      resExp: 6,
      tsOffset: 0,
      section: this.sections,
    };
    eachOption(w, o + 16, o + blen - 4, le, (code, off, len) => {
      if (code === 2) ifc.name = optString(w.buf, off, len);
      else if (code === 3) ifc.description = optString(w.buf, off, len);
      else if (code === 9 && len >= 1) {
        const b = w.buf[off];
        ifc.resBase = b & 0x80 ? 2 : 10;
        ifc.resExp = b & 0x7f;
      } else if (code === 14 && len >= 8) {
        ifc.tsOffset = Number(w.dv.getBigInt64(off, le));
      }
    });
    if (ifc.resBase === 10 ? ifc.resExp > 19 : ifc.resExp > 63) {
      return this.damaged(pos, `if_tsresol of 10^-${ifc.resExp} is not supported`);
    }
    this.section.push(this.ifaces.length);
    this.ifaces.push(ifc);
    return true;
  }

  private packet(o: number, pos: number, blen: number, le: boolean, type: number): boolean {
    if (blen < 32) return this.damaged(pos, 'packet block is too short');
    const w = this.w;
    const dv = w.dv;
    const local = type === 6 ? dv.getUint32(o + 8, le) : dv.getUint16(o + 8, le);
    const hi = dv.getUint32(o + 12, le);
    const lo = dv.getUint32(o + 16, le);
    const cap = dv.getUint32(o + 20, le);
    const orig = dv.getUint32(o + 24, le);
    const g = this.section[local];
    if (g === undefined) {
      return this.damaged(
        pos,
        `a packet refers to interface ${local} but the section describes only ${this.section.length}`,
      );
    }
    const ifc = this.ifaces[g];
    if (28 + cap > blen - 4)
      return this.damaged(pos, `packet block is shorter than its captured length ${cap}`);
    const max = maxPacketFor(ifc.linkType);
    if (cap > max) return this.damaged(pos, `captured length ${cap} is more than the maximum of ${max}`);
    let sec: number;
    let ns: number;
    if (ifc.resBase === 10 && ifc.resExp <= 6 && hi < 0x200000) {
      // Exact in float arithmetic: units < 2^53.
      const units = hi * 4294967296 + lo;
      const per = 10 ** ifc.resExp;
      sec = Math.floor(units / per);
      ns = (units - sec * per) * 10 ** (9 - ifc.resExp);
    } else {
      const units = (BigInt(hi) << 32n) | BigInt(lo);
      const per = ifc.resBase === 10 ? 10n ** BigInt(ifc.resExp) : 1n << BigInt(ifc.resExp);
      sec = Number(units / per);
      ns = Number(((units % per) * 1_000_000_000n) / per);
    }
    sec += ifc.tsOffset;
    const i = this.index.push(pos + 28, cap, orig > cap ? orig : cap, sec >>> 0, ns, g);
    const optStart = 28 + ((cap + 3) & ~3);
    if (optStart + 4 <= blen - 4) {
      const len = blen - 4 - optStart;
      const oo = w.at(pos + optStart, len);
      if (oo >= 0) {
        const comments: string[] = [];
        eachOption(w, oo, oo + len, le, (code, off, n) => {
          const text = code === 1 ? optString(w.buf, off, n) : undefined;
          if (text !== undefined) comments.push(text);
          // epb_flags: direction, reception type, FCS length, link-layer errors.
          else if (code === 2 && n === 4) this.index.addFlags(i, w.dv.getUint32(off, le));
        });
        this.index.addComments(i, comments);
      }
    }
    return true;
  }

  private spb(o: number, pos: number, blen: number, le: boolean): boolean {
    if (blen < 16) return this.damaged(pos, 'simple packet block is too short');
    const g = this.section[0];
    if (g === undefined)
      return this.damaged(pos, 'a simple packet block comes before any interface description');
    const orig = this.w.dv.getUint32(o + 8, le);
    const snap = this.ifaces[g].snaplen;
    const cap = Math.min(orig, blen - 16, snap > 0 ? snap : Infinity);
    this.index.push(pos + 12, cap, orig > cap ? orig : cap, 0, 0, g);
    return true;
  }
}
