/**
 * Capture reading: classic pcap (both byte orders, µs/ns), pcapng (sections, IDB, EPB, SPB, obsolete PB, comments,
 * unknown blocks skipped), gzip-compressed files of either. One streaming pass builds the PacketIndex; packets
 * are then read on demand (random access) or in order through large buffered reads. Never the whole file.
 * A damaged or truncated tail keeps every complete record before it and adds a warning with the byte offset.
 */
import {
  chmodSync,
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import { Buffer } from 'node:buffer';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { InterfaceInfo } from '../api/types.js';
import type { FrameMeta } from '../dissect/types.js';
import { linkTypeName } from './linktypes.js';
import type { PacketIndex } from './packet-index.js';
import { Scanner, type PacketHook, type ScanFormat } from './scan.js';

export class CaptureError extends Error {
  override name = 'CaptureError';
}

/** One record of a pcapng Name Resolution Block: an address and the names the capturing host knew for it. */
export interface NameRecord {
  family: 4 | 6;
  address: Uint8Array;
  names: string[];
  /** How many packets the file holds before the block (a block may come before, between or after them). */
  after: number;
}

/**
 * The records of a Name Resolution Block's body (pcapng §4.5): type, length, value padded to 4 bytes, up to
 * the end record; IPv4 (1) and IPv6 (2) records hold the address, then NUL-terminated UTF-8 names. A record
 * that overruns the block, or holds no name, ends or is skipped; the block's options are not read.
 */
export function parseNameRecords(body: Uint8Array, le: boolean, after = 0): NameRecord[] {
  const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: NameRecord[] = [];
  const utf8 = new TextDecoder();
  for (let o = 0; o + 4 <= body.length;) {
    const type = dv.getUint16(o, le);
    const len = dv.getUint16(o + 2, le);
    if (type === 0 || o + 4 + len > body.length) break;
    const size = type === 1 ? 4 : type === 2 ? 16 : 0;
    if (size && len > size) {
      const value = body.subarray(o + 4, o + 4 + len);
      const names = utf8
        .decode(value.subarray(size))
        .split('\0')
        .filter((n) => n !== '');
      if (names.length) out.push({ family: type === 1 ? 4 : 6, address: value.slice(0, size), names, after });
    }
    o += 4 + len + ((4 - (len % 4)) % 4);
  }
  return out;
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
  /**
   * Interface `id`'s timestamp resolution as pcapng's if_tsresol stores it: a decimal exponent (6 = µs, 9 = ns)
   * or 0x80 | n for units of 2^-n seconds. Classic pcap: 6, or 9 for the nanosecond format.
   */
  tsresol(id: number): number;
  /** The Decryption Secrets Blocks of a pcapng file (e.g. a TLS key log), read from the file when asked. */
  decryptionSecrets(): { type: number; data: Uint8Array }[];
  /**
   * The records of a pcapng file's Name Resolution Blocks (what the capturing host's resolver knew), in file
   * order, read from the file when asked.
   */
  nameRecords(): NameRecord[];
  readPacket(i: number): Uint8Array;
  /**
   * Packet i's bytes without a copy when they lie in a chunk a sequential pass read recently (else read as by
   * readPacket). For transient reads only — reassembly re-reading earlier segments copies what it keeps: a view
   * kept would pin its whole 4 MB chunk.
   */
  peekPacket(i: number): Uint8Array;
  /**
   * Packets [from, to) in order through large buffered reads. `bytes` stays valid after the callback (each
   * refill allocates a new chunk), but keeping it pins that chunk: copy what you keep for long.
   */
  forEach(from: number, to: number, fn: (i: number, bytes: Uint8Array) => void | boolean): void;
  /**
   * Packets `frames` (ascending indices), as forEach gives them: through large buffered reads when they are
   * many, each read on its own when they are few and far between (a pass over a few conversations).
   */
  forEachOf(frames: Uint32Array, fn: (i: number, bytes: Uint8Array) => void): void;
  /**
   * Indexes records appended since the last look (a live capture writing the file). Returns how many packets
   * were added. Classic pcap only; a shrinking file is reported as an error.
   */
  refresh(): number;
  /** False while an index started with `initialBytes` has more of the file to cover. */
  isComplete(): boolean;
  /**
   * Continues an index started with `initialBytes`, by up to `maxBytes`; `done` once the whole file is indexed.
   * `onPacket` (classic pcap only) is given each packet indexed, with its bytes.
   */
  indexMore(maxBytes: number, onPacket?: PacketHook): { added: number; done: boolean };
  close(): void;
}

const CHUNK = 4 << 20;
const SLICE = 16 << 20; // progress / abort granularity

/** Sequential buffered reader for forEach: each refill is a new chunk, so handed-out views stay valid. */
class ChunkReader {
  private buf = new Uint8Array(0);
  private start = 0; // file offset of buf[0]
  constructor(
    private readonly fd: number,
    readonly size: number,
    /** Told about every chunk read (readPacket serves recent packets from the last two). */
    private readonly onChunk?: (start: number, buf: Uint8Array) => void,
  ) {}

  /** Bytes [pos, pos+len) or undefined when the file ends first. */
  get(pos: number, len: number): Uint8Array | undefined {
    if (pos + len > this.size) return undefined;
    if (pos < this.start || pos + len > this.start + this.buf.length) {
      const n = Math.min(Math.max(CHUNK, len), this.size - pos);
      // Not zero-filled first (the read overwrites it); a plain Uint8Array over the Buffer's own memory, so
      // slice() copies for the dissectors as it does everywhere else.
      const b = new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n);
      let got = 0;
      while (got < n) {
        const r = readSync(this.fd, b, got, n - got, pos + got);
        if (r <= 0) break;
        got += r;
      }
      this.buf = got === n ? b : b.subarray(0, got);
      this.start = pos;
      this.onChunk?.(pos, this.buf);
      if (got < len) return undefined;
    }
    return this.buf.subarray(pos - this.start, pos - this.start + len);
  }
}

function abortError(): Error {
  const e = new Error('opening the capture was cancelled');
  e.name = 'AbortError';
  return e;
}

/** Decompressed copies of captures not yet removed (by their capture's close, or at the process's exit). */
const tempDirs = new Set<string>();
let exitHooked = false;

/**
 * Removes `dir` when the process exits, should its capture not have been closed by then (a command that ends
 * with process.exit(), a reader of its output gone): a decompressed copy of evidence is not left behind.
 */
function removedAtExit(dir: string): void {
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => {
      for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  tempDirs.add(dir);
}

/** Removes a decompressed copy now. */
function removeTemp(dir: string): void {
  tempDirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Decompresses a .gz capture into a private temporary directory (mode 0700, file 0600). A damaged or truncated
 * stream keeps what was decompressed before the damage and returns a warning.
 */
async function gunzipToTemp(
  path: string,
  signal: AbortSignal | undefined,
  onProgress: ((done: number) => void) | undefined,
): Promise<{ file: string; dir: string; warning?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-gz-'));
  chmodSync(dir, 0o700);
  removedAtExit(dir);
  const file = join(dir, basename(path).replace(/\.gz$/i, '') || 'capture');
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let next = SLICE;
  if (onProgress)
    input.on('data', () => {
      if (input.bytesRead >= next) {
        next = input.bytesRead + SLICE;
        onProgress(input.bytesRead);
      }
    });
  try {
    await pipeline(input, createGunzip(), createWriteStream(file, { mode: 0o600 }), { signal });
  } catch (e) {
    if (signal?.aborted) {
      removeTemp(dir);
      throw abortError();
    }
    const msg = e instanceof Error ? e.message : String(e);
    if (!/unexpected end|incorrect header|invalid|unknown compression/i.test(msg)) {
      removeTemp(dir);
      throw new CaptureError(`cannot decompress ${path}: ${msg}`);
    }
    return {
      file,
      dir,
      warning: `The compressed file is damaged or cut short (${msg}) after ${input.bytesRead} compressed bytes; the packets decompressed before that were read.`,
    };
  }
  return { file, dir };
}

function hexStart(b: Uint8Array): string {
  return [...b.subarray(0, 8)].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}

export async function openCapture(path: string, opts: OpenOptions = {}): Promise<CaptureFile> {
  if (opts.signal?.aborted) throw abortError();
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
  const warnings: string[] = [];
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    gzip = true;
    closeSync(fd);
    const t = await gunzipToTemp(
      path,
      opts.signal,
      opts.onProgress && ((done) => opts.onProgress?.(done, st.size, 0)),
    );
    tempDir = t.dir;
    if (t.warning) warnings.push(t.warning);
    dataFd = openSync(t.file, 'r');
  }
  const cleanup = () => {
    try {
      closeSync(dataFd);
    } catch {
      /* already closed */
    }
    if (tempDir) removeTemp(tempDir);
  };
  try {
    return await indexFile(path, dataFd, st.size, gzip, cleanup, opts, warnings);
  } catch (e) {
    cleanup();
    throw e;
  }
}

function detect(path: string, fd: number, size: number): { format: ScanFormat; head: Uint8Array } {
  const head = new Uint8Array(Math.min(24, size));
  if (head.length) readSync(fd, head, 0, head.length, 0);
  if (head.length < 4) {
    throw new CaptureError(
      `${path} is not a pcap or pcapng capture file (${size ? `it is only ${size} bytes long` : 'it is empty'})`,
    );
  }
  const hv = new DataView(head.buffer);
  const m = hv.getUint32(0, false);
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) {
    if (head.length < 24)
      throw new CaptureError(`${path}: the pcap file header is cut short (${head.length} of 24 bytes)`);
    return { format: m === 0xa1b23c4d || m === 0x4d3cb2a1 ? 'pcap-nsec' : 'pcap', head };
  }
  if (m === 0x0a0d0d0a) {
    if (head.length >= 12) {
      const bom = hv.getUint32(8, true);
      if (bom !== 0x1a2b3c4d && bom !== 0x4d3c2b1a)
        throw new CaptureError(
          `${path} is not a pcap or pcapng capture file (it starts with ${hexStart(head)}: a pcapng block type without the byte-order magic 1a2b3c4d)`,
        );
    }
    return { format: 'pcapng', head };
  }
  throw new CaptureError(`${path} is not a pcap or pcapng capture file (it starts with ${hexStart(head)})`);
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

async function indexFile(
  path: string,
  fd: number,
  diskSize: number,
  gzip: boolean,
  cleanup: () => void,
  opts: OpenOptions,
  preWarnings: string[],
): Promise<CaptureFile> {
  const size = fstatSync(fd).size;
  const { format, head } = detect(path, fd, size);
  const scan = new Scanner(fd, size, format, head);
  scan.warnings.push(...preWarnings);
  const index = scan.index;
  const ifaces = scan.ifaces;

  // Index the file (or its first `initialBytes`) in slices: progress and abort between slices.
  const limit = opts.initialBytes !== undefined ? Math.min(size, scan.pos + opts.initialBytes) : size;
  const interactive = opts.signal !== undefined || opts.onProgress !== undefined;
  let reserved = false;
  while (!scan.done && scan.pos < limit) {
    scan.run(Math.min(limit, scan.pos + SLICE), false);
    if (!reserved && index.count > 0 && scan.pos < size) {
      // Room for the packets the file likely holds, at the first slice's size a packet (and 10% more).
      index.reserve(Math.ceil(((index.count * size) / scan.pos) * 1.1));
      reserved = true;
    }
    if (!scan.done && scan.pos < limit) {
      opts.onProgress?.(scan.pos, size, index.count);
      if (interactive) await yieldNow();
      if (opts.signal?.aborted) throw abortError();
    }
  }
  let complete = scan.done;
  if (complete) {
    index.trim();
    scan.flushWarnings();
  }
  opts.onProgress?.(complete ? size : scan.pos, size, index.count);

  const interfaces: InterfaceInfo[] = ifaces.map((f, id) => ({
    id,
    linkType: f.linkType,
    linkTypeName: linkTypeName(f.linkType),
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(f.description !== undefined ? { description: f.description } : {}),
    snaplen: f.snaplen,
  }));
  /** New interfaces described in blocks read after open (progressive / live): keep `interfaces` in step. */
  const syncInterfaces = () => {
    for (let id = interfaces.length; id < ifaces.length; id++) {
      const f = ifaces[id];
      interfaces.push({
        id,
        linkType: f.linkType,
        linkTypeName: linkTypeName(f.linkType),
        ...(f.name !== undefined ? { name: f.name } : {}),
        ...(f.description !== undefined ? { description: f.description } : {}),
        snaplen: f.snaplen,
      });
    }
  };

  let closed = false;
  let lastSize = size;
  let sizeNow = diskSize;
  const truncated = (i: number) =>
    new CaptureError(
      `packet ${i + 1} could not be read: the file is shorter than when it was opened (truncated while open?)`,
    );
  // The last two chunks a sequential pass read: reassembly re-reads recent packets, mostly still in them.
  let recent: { start: number; buf: Uint8Array }[] = [];
  const rememberChunk = (start: number, buf: Uint8Array) => {
    recent = [{ start, buf }, ...recent.slice(0, 1)];
  };
  const packetBytes = (i: number, copy: boolean): Uint8Array => {
    if (closed) throw new CaptureError('the capture is closed');
    if (!(i >= 0 && i < index.count)) throw new CaptureError(`there is no packet ${i + 1}`);
    const len = index.capLen(i);
    const at = index.offset(i);
    for (const c of recent) {
      if (at >= c.start && at + len <= c.start + c.buf.length)
        return copy
          ? c.buf.slice(at - c.start, at - c.start + len)
          : c.buf.subarray(at - c.start, at - c.start + len);
    }
    const b = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const n = readSync(fd, b, got, len - got, at + got);
      if (n <= 0) throw truncated(i);
      got += n;
    }
    return b;
  };
  /** Bytes [offset, offset+length) of the file (a block `what` names, for the error). */
  const readAt = (offset: number, length: number, what: string): Uint8Array => {
    const data = new Uint8Array(length);
    for (let got = 0; got < length;) {
      const n = readSync(fd, data, got, length - got, offset + got);
      if (n <= 0)
        throw new CaptureError(`${what} could not be read: the file is shorter than when it was opened`);
      got += n;
    }
    return data;
  };

  return {
    path,
    format,
    gzip,
    get size() {
      return sizeNow;
    },
    interfaces,
    index,
    warnings: scan.warnings,
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
      if (f?.section !== undefined) m.section = f.section;
      const c = index.comments(i);
      if (c) m.comments = c;
      const fl = index.flags(i);
      if (fl !== undefined) m.flags = fl;
      return m;
    },
    tsresol(id: number): number {
      const f = ifaces[id];
      if (!f) return 6;
      return f.resBase === 2 ? 0x80 | f.resExp : f.resExp;
    },
    decryptionSecrets() {
      if (closed) throw new CaptureError('the capture is closed');
      return scan.secrets.map((x) => ({
        type: x.type,
        data: readAt(x.offset, x.length, 'decryption secrets'),
      }));
    },
    nameRecords() {
      if (closed) throw new CaptureError('the capture is closed');
      return scan.nameBlocks.flatMap((b) =>
        parseNameRecords(readAt(b.offset, b.length, 'name resolution'), b.le, b.after),
      );
    },
    readPacket: (i) => packetBytes(i, true),
    peekPacket: (i) => packetBytes(i, false),
    forEach(from, to, fn) {
      if (closed) throw new CaptureError('the capture is closed');
      const rd = new ChunkReader(fd, fstatSync(fd).size, rememberChunk);
      const last = Math.min(to, index.count);
      for (let i = Math.max(0, from); i < last; i++) {
        const b = rd.get(index.offset(i), index.capLen(i));
        if (!b) throw truncated(i);
        if (fn(i, b) === false) break;
      }
    },
    forEachOf(frames, fn) {
      if (closed) throw new CaptureError('the capture is closed');
      // One packet in 64 or fewer: a read of each (a chunk of 4 MB holds thousands of packets).
      if (frames.length * 64 <= index.count) {
        for (const i of frames) fn(i, packetBytes(i, false));
        return;
      }
      const rd = new ChunkReader(fd, fstatSync(fd).size, rememberChunk);
      for (const i of frames) {
        const b = rd.get(index.offset(i), index.capLen(i));
        if (!b) throw truncated(i);
        fn(i, b);
      }
    },
    isComplete() {
      return complete;
    },
    indexMore(maxBytes, onPacket) {
      if (closed) throw new CaptureError('the capture is closed');
      if (complete) return { added: 0, done: true };
      const added = scan.run(scan.pos + Math.max(1, maxBytes), false, onPacket);
      syncInterfaces();
      if (scan.done) {
        complete = true;
        index.trim();
        scan.flushWarnings();
      }
      return { added, done: complete };
    },
    refresh() {
      if (closed) throw new CaptureError('the capture is closed');
      const now = fstatSync(fd).size;
      if (now < lastSize) {
        throw new CaptureError(
          `${path} was truncated while open (it shrank from ${lastSize} to ${now} bytes); reopen it`,
        );
      }
      if (now === lastSize || scan.stopped) return 0;
      lastSize = now;
      if (!gzip) sizeNow = now; // a live capture's file grows: its size with it
      scan.grow(now);
      const added = scan.run(now, true);
      syncInterfaces();
      return added;
    },
    close() {
      if (closed) return;
      closed = true;
      recent = [];
      cleanup();
    },
  };
}
