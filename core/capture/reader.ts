/**
 * Capture reading: classic pcap (both byte orders, µs/ns), pcapng (sections, IDB, EPB, SPB, obsolete PB, comments,
 * unknown blocks skipped), gzip-compressed files of either. One streaming pass builds the PacketIndex; packets
 * are then read on demand (random access) or in order through large buffered reads. Never the whole file.
 * A damaged or truncated tail keeps every complete record before it and adds a warning with the byte offset.
 */
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { InterfaceInfo } from '../api/types.js';
import type { FrameMeta } from '../dissect/types.js';
import { linkTypeName } from './linktypes.js';
import { PacketIndex } from './packet-index.js';

export class CaptureError extends Error {
  override name = 'CaptureError';
}

export interface OpenOptions {
  onProgress?: (bytesDone: number, bytesTotal: number, packets: number) => void;
  signal?: AbortSignal;
  /**
   * Index only about this many bytes before returning (classic pcap); `indexMore()` continues. Lets a viewer show
   * the first rows of a huge file at once and keep indexing in the background, as Wireshark does.
   */
  initialBytes?: number;
}

export interface CaptureFile {
  path: string;
  format: 'pcap' | 'pcap-nsec' | 'pcapng';
  gzip: boolean;
  size: number;
  interfaces: InterfaceInfo[];
  index: PacketIndex;
  warnings: string[];
  meta(i: number): FrameMeta;
  readPacket(i: number): Uint8Array;
  /**
   * Packets [from, to) in order through large buffered reads. `bytes` stays valid after the callback (each
   * refill allocates a new chunk), but keeping it pins that chunk: copy what you keep for long.
   */
  forEach(from: number, to: number, fn: (i: number, bytes: Uint8Array) => void | boolean): void;
  /**
   * Indexes records appended since the last look (a live capture writing the file). Returns how many packets
   * were added. Classic pcap only; a shrinking file is reported as an error.
   */
  refresh(): number;
  /** False while an index started with `initialBytes` has more of the file to cover. */
  isComplete(): boolean;
  /** Continues an index started with `initialBytes`, by up to `maxBytes`; `done` once the whole file is indexed. */
  indexMore(maxBytes: number): { added: number; done: boolean };
  close(): void;
}

const CHUNK = 4 << 20;
const MAX_PCAP_RECORD = 256 * 1024 * 1024; // refuse absurd records (Wireshark: WTAP_MAX_PACKET_SIZE_STANDARD * …)
const PROGRESS_EVERY = 16 << 20;

/** Sequential buffered reader over a file descriptor. */
class ChunkReader {
  private buf = new Uint8Array(0);
  private start = 0; // file offset of buf[0]
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** Bytes [pos, pos+len) or undefined when the file ends first. */
  get(pos: number, len: number): Uint8Array | undefined {
    if (pos + len > this.size) return undefined;
    if (pos < this.start || pos + len > this.start + this.buf.length) {
      const n = Math.min(Math.max(CHUNK, len), this.size - pos);
      const b = new Uint8Array(n);
      let got = 0;
      while (got < n) {
        const r = readSync(this.fd, b, got, n - got, pos + got);
        if (r <= 0) break;
        got += r;
      }
      this.buf = got === n ? b : b.subarray(0, got);
      this.start = pos;
      if (got < len) return undefined;
    }
    return this.buf.subarray(pos - this.start, pos - this.start + len);
  }
}

interface Iface {
  linkType: number;
  snaplen: number;
  name?: string;
  description?: string;
  /** Units per second as a power: { base: 10 | 2, exp }. */
  resBase: number;
  resExp: number;
  tsOffset: number;
}

function abortError(): Error {
  const e = new Error('opening the capture was cancelled');
  e.name = 'AbortError';
  return e;
}

async function gunzipToTemp(path: string): Promise<{ file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-gz-'));
  const file = join(dir, basename(path).replace(/\.gz$/i, '') || 'capture');
  try {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    // A truncated .gz still yields what was decompressed before the damage.
    const msg = e instanceof Error ? e.message : String(e);
    if (!/unexpected end|incorrect header|invalid/i.test(msg)) {
      rmSync(dir, { recursive: true, force: true });
      throw new CaptureError(`cannot decompress ${path}: ${msg}`);
    }
  }
  return { file, dir };
}

function u32(dv: DataView, o: number, le: boolean): number {
  return dv.getUint32(o, le);
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Parses pcapng options [o, end) calling fn(code, value). */
function options(
  b: Uint8Array,
  o: number,
  end: number,
  le: boolean,
  fn: (code: number, v: Uint8Array) => void,
): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (o + 4 <= end) {
    const code = dv.getUint16(o, le);
    const len = dv.getUint16(o + 2, le);
    if (code === 0) break;
    if (o + 4 + len > end) break;
    fn(code, b.subarray(o + 4, o + 4 + len));
    o += 4 + ((len + 3) & ~3);
  }
}

export async function openCapture(path: string, opts: OpenOptions = {}): Promise<CaptureFile> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (e as Error).message;
    throw new CaptureError(`cannot open ${path}: ${why}`);
  }
  const st = fstatSync(fd);
  if (st.isDirectory()) {
    closeSync(fd);
    throw new CaptureError(`cannot open ${path}: it is a directory`);
  }
  const magic = new Uint8Array(4);
  readSync(fd, magic, 0, 4, 0);
  let gzip = false;
  let tempDir: string | undefined;
  let dataFd = fd;
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    gzip = true;
    closeSync(fd);
    const t = await gunzipToTemp(path);
    tempDir = t.dir;
    dataFd = openSync(t.file, 'r');
  }
  const cleanup = () => {
    try {
      closeSync(dataFd);
    } catch {
      /* already closed */
    }
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  try {
    return indexFile(path, dataFd, st.size, gzip, cleanup, opts);
  } catch (e) {
    cleanup();
    throw e;
  }
}

function indexFile(
  path: string,
  fd: number,
  diskSize: number,
  gzip: boolean,
  cleanup: () => void,
  opts: OpenOptions,
): CaptureFile {
  const size = fstatSync(fd).size;
  const r = new ChunkReader(fd, size);
  const index = new PacketIndex();
  const warnings: string[] = [];
  const ifaces: Iface[] = [];
  let format: CaptureFile['format'];
  const head = r.get(0, Math.min(24, size)) ?? new Uint8Array(0);
  if (head.length < 4) {
    throw new CaptureError(`${path} is not a pcap or pcapng capture file (it is ${size} bytes long)`);
  }
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const m = hv.getUint32(0, false);
  let nextProgress = PROGRESS_EVERY;
  const progress = (pos: number) => {
    if (opts.signal?.aborted) throw abortError();
    if (pos >= nextProgress) {
      nextProgress = pos + PROGRESS_EVERY;
      opts.onProgress?.(pos, size, index.count);
    }
  };

  let indexedPartially = false;
  /** Classic pcap record walk from pcapState.pos; `live` = the file may still be growing (no tail warnings). */
  let pcapState: { le: boolean; nsec: boolean; snaplen: number; pos: number } | undefined;
  const walkPcap = (rd: ChunkReader, size: number, live: boolean): number => {
    const st = pcapState!;
    const { le, nsec, snaplen } = st;
    const before = index.count;
    let pos = st.pos;
    while (pos < size) {
      const h = rd.get(pos, 16);
      if (!h) {
        if (!live)
          warnings.push(
            `The file appears to have been cut short in the middle of a packet header at byte ${pos} (${size - pos} trailing bytes ignored).`,
          );
        break;
      }
      const dv = new DataView(h.buffer, h.byteOffset, 16);
      const sec = dv.getUint32(0, le);
      const frac = dv.getUint32(4, le);
      const incl = dv.getUint32(8, le);
      const orig = dv.getUint32(12, le);
      if (incl > Math.min(MAX_PCAP_RECORD, Math.max(snaplen, 262144))) {
        warnings.push(
          `The file appears to be damaged or corrupt: the record at byte ${pos} claims ${incl} captured bytes; reading stopped there.`,
        );
        pos = Infinity;
        break;
      }
      if (pos + 16 + incl > size) {
        if (!live)
          warnings.push(
            `The file appears to have been cut short in the middle of a packet at byte ${pos} (record of ${incl} bytes, ${size - pos - 16} present).`,
          );
        break;
      }
      index.push(pos + 16, incl, Math.max(orig, incl), sec, nsec ? frac : frac * 1000, 0);
      pos += 16 + incl;
      if (!live) progress(pos);
    }
    st.pos = pos;
    return index.count - before;
  };

  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) {
    if (head.length < 24)
      throw new CaptureError(`${path}: the pcap file header is cut short (${head.length} of 24 bytes)`);
    const le = m === 0xd4c3b2a1 || m === 0x4d3cb2a1;
    const nsec = m === 0xa1b23c4d || m === 0x4d3cb2a1;
    format = nsec ? 'pcap-nsec' : 'pcap';
    const snaplen = u32(hv, 16, le);
    const linkType = u32(hv, 20, le) & 0x0fffffff;
    ifaces.push({ linkType, snaplen, resBase: 10, resExp: nsec ? 9 : 6, tsOffset: 0 });
    pcapState = { le, nsec, snaplen, pos: 24 };
    const partial = opts.initialBytes !== undefined && 24 + opts.initialBytes < size;
    indexedPartially = partial;
    walkPcap(r, partial ? 24 + opts.initialBytes! : size, partial);
  } else if (m === 0x0a0d0d0a) {
    format = 'pcapng';
    let pos = 0;
    let le = true;
    let section: number[] = []; // section-local interface id → global
    while (pos < size) {
      const h = r.get(pos, 12);
      if (!h) {
        if (size - pos > 0)
          warnings.push(
            `The file appears to have been cut short in the middle of a block header at byte ${pos}.`,
          );
        break;
      }
      let dv = new DataView(h.buffer, h.byteOffset, 12);
      const type =
        dv.getUint32(0, le) === 0x0a0d0d0a || dv.getUint32(0, !le) === 0x0a0d0d0a
          ? 0x0a0d0d0a
          : dv.getUint32(0, le);
      if (type === 0x0a0d0d0a) {
        const bom = dv.getUint32(8, true);
        if (bom === 0x1a2b3c4d) le = true;
        else if (bom === 0x4d3c2b1a) le = false;
        else {
          warnings.push(
            `The file appears to be damaged or corrupt: bad byte-order magic in the section header at byte ${pos}.`,
          );
          break;
        }
        dv = new DataView(h.buffer, h.byteOffset, 12);
        section = [];
      }
      const blen = dv.getUint32(4, le);
      if (blen < 12 || blen % 4 !== 0 || blen > MAX_PCAP_RECORD) {
        warnings.push(
          `The file appears to be damaged or corrupt: block at byte ${pos} has an invalid length ${blen}; reading stopped there.`,
        );
        break;
      }
      const blk = r.get(pos, blen);
      if (!blk) {
        warnings.push(
          `The file appears to have been cut short in the middle of a block at byte ${pos} (block of ${blen} bytes, ${size - pos} present).`,
        );
        break;
      }
      const bv = new DataView(blk.buffer, blk.byteOffset, blen);
      if (bv.getUint32(blen - 4, le) !== blen) {
        warnings.push(
          `The file appears to be damaged or corrupt: block at byte ${pos} has a trailing length that disagrees with its header; reading stopped there.`,
        );
        break;
      }
      const body = 8;
      const end = blen - 4;
      const addPacket = (
        ifLocal: number,
        hi: number,
        lo: number,
        cap: number,
        orig: number,
        dataOff: number,
        optOff: number,
      ) => {
        const g = section[ifLocal];
        if (g === undefined) {
          warnings.push(
            `Packet at byte ${pos} refers to interface ${ifLocal}, which was not described; skipped.`,
          );
          return;
        }
        if (dataOff + cap > end) {
          warnings.push(
            `The file appears to be damaged or corrupt: packet block at byte ${pos} is shorter than its captured length; reading stopped there.`,
          );
          return false;
        }
        const ifc = ifaces[g];
        let sec: number;
        let ns: number;
        if (ifc.resBase === 10 && ifc.resExp <= 6) {
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
        const i = index.push(pos + dataOff, cap, Math.max(orig, cap), sec >>> 0, ns, g);
        if (optOff + 4 <= end) {
          const comments: string[] = [];
          options(blk, optOff, end, le, (code, v) => {
            if (code === 1) comments.push(utf8.decode(v));
          });
          index.addComments(i, comments);
        }
        return true;
      };
      let stop = false;
      switch (type) {
        case 0x0a0d0d0a:
          break;
        case 0x00000001: {
          const ifc: Iface = {
            linkType: bv.getUint16(body, le),
            snaplen: bv.getUint32(body + 4, le),
            resBase: 10,
            resExp: 6,
            tsOffset: 0,
          };
          options(blk, body + 8, end, le, (code, v) => {
            if (code === 2) ifc.name = utf8.decode(v);
            else if (code === 3) ifc.description = utf8.decode(v);
            else if (code === 9 && v.length >= 1) {
              ifc.resBase = v[0] & 0x80 ? 2 : 10;
              ifc.resExp = v[0] & 0x7f;
            } else if (code === 14 && v.length >= 8) {
              ifc.tsOffset = Number(new DataView(v.buffer, v.byteOffset, 8).getBigInt64(0, le));
            }
          });
          section.push(ifaces.length);
          ifaces.push(ifc);
          break;
        }
        case 0x00000006: {
          if (blen < 32) {
            warnings.push(
              `The file appears to be damaged or corrupt: enhanced packet block at byte ${pos} is too short.`,
            );
            stop = true;
            break;
          }
          const cap = bv.getUint32(body + 12, le);
          const r2 = addPacket(
            bv.getUint32(body, le),
            bv.getUint32(body + 4, le),
            bv.getUint32(body + 8, le),
            cap,
            bv.getUint32(body + 16, le),
            body + 20,
            body + 20 + ((cap + 3) & ~3),
          );
          if (r2 === false) stop = true;
          break;
        }
        case 0x00000003: {
          const orig = bv.getUint32(body, le);
          const g = section[0];
          const snap = g === undefined ? 0 : ifaces[g].snaplen;
          const cap = Math.min(orig, end - body - 4, snap > 0 ? snap : Infinity);
          if (g === undefined) {
            warnings.push(`Simple packet block at byte ${pos} without an interface description; skipped.`);
            break;
          }
          index.push(pos + body + 4, cap, Math.max(orig, cap), 0, 0, g);
          break;
        }
        case 0x00000002: {
          const cap = bv.getUint32(body + 12, le);
          const r2 = addPacket(
            bv.getUint16(body, le),
            bv.getUint32(body + 4, le),
            bv.getUint32(body + 8, le),
            cap,
            bv.getUint32(body + 16, le),
            body + 20,
            body + 20 + ((cap + 3) & ~3),
          );
          if (r2 === false) stop = true;
          break;
        }
        default:
          // Name resolution, statistics, custom and unknown blocks: skipped.
          break;
      }
      if (stop) break;
      pos += blen;
      progress(pos);
    }
  } else {
    const hex = [...head.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
    throw new CaptureError(`${path} is not a pcap or pcapng capture file (it starts with ${hex})`);
  }
  index.trim();
  opts.onProgress?.(size, size, index.count);

  const interfaces: InterfaceInfo[] = ifaces.map((f, id) => ({
    id,
    linkType: f.linkType,
    linkTypeName: linkTypeName(f.linkType),
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(f.description !== undefined ? { description: f.description } : {}),
    snaplen: f.snaplen,
  }));

  let closed = false;
  let lastSize = size;
  const readPacket = (i: number): Uint8Array => {
    if (closed) throw new CaptureError('the capture is closed');
    if (i < 0 || i >= index.count) throw new CaptureError(`there is no packet ${i + 1}`);
    const len = index.capLen(i);
    const b = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, b, got, len - got, index.offset(i) + got);
      if (n <= 0)
        throw new CaptureError(
          `packet ${i + 1} could not be read: the file is shorter than when it was opened (truncated while open?)`,
        );
      got += n;
    }
    return b;
  };

  return {
    path,
    format,
    gzip,
    size: diskSize,
    interfaces,
    index,
    warnings,
    meta(i: number): FrameMeta {
      const g = index.iface(i);
      const f = ifaces[g];
      const m: FrameMeta = {
        number: i + 1,
        tsSec: index.tsSec(i),
        tsNsec: index.tsNsec(i),
        capLen: index.capLen(i),
        origLen: index.origLen(i),
        linkType: f?.linkType ?? 1,
        interfaceId: g,
      };
      if (f?.name) m.interfaceName = f.name;
      const c = index.comments(i);
      if (c) m.comments = c;
      return m;
    },
    readPacket,
    forEach(from, to, fn) {
      if (closed) throw new CaptureError('the capture is closed');
      const rd = new ChunkReader(fd, fstatSync(fd).size);
      const last = Math.min(to, index.count);
      for (let i = Math.max(0, from); i < last; i++) {
        const b = rd.get(index.offset(i), index.capLen(i));
        if (!b)
          throw new CaptureError(
            `packet ${i + 1} could not be read: the file is shorter than when it was opened (truncated while open?)`,
          );
        if (fn(i, b) === false) break;
      }
    },
    isComplete() {
      return !pcapState || pcapState.pos === Infinity || pcapState.pos >= size || !indexedPartially;
    },
    indexMore(maxBytes) {
      if (closed) throw new CaptureError('the capture is closed');
      if (!pcapState || pcapState.pos === Infinity || pcapState.pos >= size) return { added: 0, done: true };
      const limit = Math.min(size, pcapState.pos + maxBytes);
      const last = limit === size;
      const added = walkPcap(new ChunkReader(fd, size), limit, !last);
      if (last) {
        index.trim();
        indexedPartially = false;
      }
      return { added, done: last || pcapState.pos === Infinity };
    },
    refresh() {
      if (closed) throw new CaptureError('the capture is closed');
      const now = fstatSync(fd).size;
      if (now < lastSize) {
        throw new CaptureError(
          `${path} was truncated while open (it shrank from ${lastSize} to ${now} bytes); reopen it`,
        );
      }
      lastSize = now;
      if (!pcapState || pcapState.pos === Infinity) return 0;
      return walkPcap(new ChunkReader(fd, now), now, true);
    },
    close() {
      if (closed) return;
      closed = true;
      cleanup();
    },
  };
}
