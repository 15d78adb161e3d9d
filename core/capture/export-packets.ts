/**
 * File > Export Specified Packets (`tshark -r IN -Y FILTER -w OUT`): writes chosen packets of an open capture to a
 * new pcapng (default) or classic pcap file, streamed — packets are read through the CaptureFile one at a time
 * (runs of consecutive packets through its buffered in-order reader) and written through a buffered sink that
 * hashes what it writes, so neither the capture nor the new file is ever held in memory.
 *
 * An investigator must be able to trust the result:
 * - pcapng keeps each used interface (link type, snaplen, name, description, timestamp resolution), exact
 *   timestamps in the source's own units, captured and original lengths, packet comments and flags, and the
 *   decryption secrets embedded in the source (TLS key logs: the packets stay decryptable); the section header
 *   says which program wrote it and records the provenance (source file, its SHA-256, filter, count).
 * - classic pcap only when every chosen packet has the same link type; nanosecond format when the source had
 *   finer than microsecond timestamps.
 * - never overwrites a file, never writes onto the evidence file itself, writes under a temporary name in the
 *   target folder and links it into place only when complete (core/forensics/safe-write.ts), removes the temporary
 *   file after any failure, and reports failures with the path and the reason.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, realpathSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { nameTaken, placeNew, tempNameIn } from '../forensics/safe-write.js';
import { linkTypeName } from './linktypes.js';
import type { CaptureFile } from './reader.js';
import {
  PcapngStreamWriter,
  PcapStreamWriter,
  type ByteSink,
  type PcapngInterface,
  type WritePacket,
} from './writer.js';

export class ExportError extends Error {
  override name = 'ExportError';
}

export type ExportFormat = 'pcapng' | 'pcap';

export interface ExportPacketsOptions {
  format?: ExportFormat;
  /** pcapng: the section comment (where the packets came from); see provenanceComment(). */
  comment?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportPacketsResult {
  /** Absolute path of the new file. */
  path: string;
  format: ExportFormat;
  packets: number;
  /** Size of the written file. */
  bytes: number;
  /** SHA-256 of the written file (computed while writing). */
  sha256: string;
  /** What the source had and the new file could not take (pcap holds no comments and no decryption secrets). */
  notes: string[];
}

const BUF = 1 << 20;
/** Packets between two yields to the event loop (cancel, progress). */
const YIELD_EVERY = 20_000;

/** A buffered file sink that hashes and counts every byte it writes. */
class HashingFileSink implements ByteSink {
  private buf = new Uint8Array(BUF);
  private off = 0;
  readonly hash = createHash('sha256');
  bytes = 0;
  constructor(private readonly fd: number) {}

  write(b: Uint8Array): void {
    if (this.off + b.length > this.buf.length) {
      this.flush();
      if (b.length > this.buf.length) {
        this.out(b);
        return;
      }
    }
    this.buf.set(b, this.off);
    this.off += b.length;
  }

  flush(): void {
    if (this.off) this.out(this.buf.subarray(0, this.off));
    this.off = 0;
  }

  private out(b: Uint8Array): void {
    this.hash.update(b);
    let o = 0;
    while (o < b.length) o += writeSync(this.fd, b, o, b.length - o);
    this.bytes += b.length;
  }
}

const reason = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  const code = err?.code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'EDQUOT') return 'the disk quota is exceeded';
  return e instanceof Error ? e.message : String(e);
};

/** The real path of `p`, or of its folder plus its name when it does not exist (yet). */
function realish(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    try {
      return resolve(realpathSync(dirname(p)), basename(p));
    } catch {
      return p;
    }
  }
}

/** True when `target` names the capture file itself (same path once links are resolved, or the same inode). */
function isEvidence(target: string, capturePath: string): boolean {
  const src = resolve(capturePath);
  if (target === src || realish(target) === realish(src)) return true;
  try {
    const a = statSync(target);
    const b = statSync(src);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/**
 * Checks an export target before anything is written (callers may check early, before a long filter run; the
 * export checks again): not the capture itself, no existing file, an existing folder. Returns its absolute path.
 */
export function checkExportTarget(path: string, capturePath: string): string {
  if (!path.trim()) throw new ExportError('no file name was given to export the packets to');
  const final = resolve(path);
  if (isEvidence(final, capturePath))
    throw new ExportError(
      `refusing to write onto the evidence file itself (${final}): choose another name for the export`,
    );
  if (nameTaken(final))
    throw new ExportError(`${final} already exists: Wirelens never overwrites a file; choose a new name`);
  const dir = dirname(final);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new ExportError(`cannot write ${final}: the folder ${dir} does not exist (${reason(e)})`);
  }
  if (!st.isDirectory()) throw new ExportError(`cannot write ${final}: ${dir} is not a folder`);
  return final;
}

/** Frame numbers (1-based) checked, in increasing order without repeats. */
function orderFrames(cap: CaptureFile, frames: ArrayLike<number>): Uint32Array {
  const n = cap.index.count;
  let sorted = true;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (!Number.isInteger(f) || f < 1 || f > n)
      throw new ExportError(`there is no packet ${f} (the capture has ${n})`);
    if (k > 0 && f <= frames[k - 1]) sorted = false;
  }
  if (sorted) return frames instanceof Uint32Array ? frames : Uint32Array.from(frames);
  const out = Uint32Array.from(frames);
  out.sort();
  let w = 0;
  for (let k = 0; k < out.length; k++) if (k === 0 || out[k] !== out[w - 1]) out[w++] = out[k];
  return out.slice(0, w);
}

/**
 * Timestamp resolution written for a source interface: its own when our index holds its timestamps exactly
 * (units no finer than a nanosecond), else nanoseconds (all the index keeps).
 */
function outResolution(src: number): number {
  const binary = (src & 0x80) !== 0;
  const exp = src & 0x7f;
  return (binary ? exp <= 29 : exp <= 9) ? src : 9;
}

/** `sec` + `ns` in units of `tsresol` — exact for the resolutions outResolution() keeps. */
function toUnits(sec: number, ns: number, tsresol: number): bigint {
  const per = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  // The reader turned units into nanoseconds rounding down; rounding up turns them back (per ≤ 10^9).
  const frac = (BigInt(ns) * per + 999_999_999n) / 1_000_000_000n;
  return BigInt(sec) * per + frac;
}

interface Plan {
  /** Source interface id → output interface id (pcapng). */
  ifaceMap: Map<number, number>;
  interfaces: PcapngInterface[];
  /** Classic pcap: the one link type, snaplen and timestamp precision. */
  linkType: number;
  snaplen: number;
  nanosecond: boolean;
}

function plan(cap: CaptureFile, frames: Uint32Array, format: ExportFormat): Plan {
  const used = new Set<number>();
  for (let k = 0; k < frames.length; k++) used.add(cap.index.iface(frames[k] - 1));
  const ids = [...used].sort((a, b) => a - b);
  const ifaceMap = new Map(ids.map((g, k) => [g, k]));
  const interfaces = ids.map((g): PcapngInterface => {
    const f = cap.interfaces[g];
    return {
      linkType: f?.linkType ?? 1,
      snaplen: f?.snaplen ?? 0,
      ...(f?.name ? { name: f.name } : {}),
      ...(f?.description ? { description: f.description } : {}),
      tsresol: outResolution(cap.tsresol(g)),
    };
  });
  const links = [...new Set(interfaces.map((f) => f.linkType))];
  if (format === 'pcap' && links.length > 1) {
    const names = links.map((l) => `${linkTypeName(l)} (${l})`).join(', ');
    throw new ExportError(
      `the chosen packets have ${links.length} link types (${names}); a pcap file holds only one: export as pcapng, or choose packets of one link type`,
    );
  }
  const finer = (r: number) => (r & 0x80 ? (r & 0x7f) > 19 : r > 6);
  return {
    ifaceMap,
    interfaces,
    // No packets: the capture's first link type (an empty pcap still says what it would hold).
    linkType: links[0] ?? cap.interfaces[0]?.linkType ?? 1,
    snaplen: Math.max(0, ...interfaces.map((f) => f.snaplen ?? 0)) || 262144,
    nanosecond: ids.some((g) => finer(cap.tsresol(g))),
  };
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/**
 * Writes packets `frames` (1-based frame numbers; written in increasing order) of `cap` to a new file `path`.
 * Throws ExportError (naming the path and the reason) and leaves nothing behind when it cannot.
 */
export async function exportPackets(
  cap: CaptureFile,
  frames: ArrayLike<number>,
  path: string,
  opts: ExportPacketsOptions = {},
): Promise<ExportPacketsResult> {
  const format = opts.format ?? 'pcapng';
  if (format !== 'pcapng' && format !== 'pcap') throw new ExportError(`unknown format ${String(format)}`);
  const final = checkExportTarget(path, cap.path);
  const list = orderFrames(cap, frames);
  const p = plan(cap, list, format);

  const tmp = tempNameIn(dirname(final));
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (e) {
    throw new ExportError(`cannot write ${final}: ${reason(e)}`);
  }
  let open = true;
  // Packets whose comments a pcap file has no room for.
  let commented = 0;
  try {
    const sink = new HashingFileSink(fd);
    const idx = cap.index;
    let write: (i: number, data: Uint8Array) => void;
    if (format === 'pcapng') {
      const w = new PcapngStreamWriter(sink, {
        interfaces: p.interfaces,
        // Embedded keys (e.g. a TLS key log) go along, as Wireshark does: the packets stay decryptable.
        secrets: cap.decryptionSecrets(),
        section: { userappl: 'Wirelens', ...(opts.comment ? { comment: opts.comment } : {}) },
      });
      write = (i, data) => {
        const out = p.ifaceMap.get(idx.iface(i)) ?? 0;
        const pk: WritePacket = {
          data,
          tsSec: idx.tsSec(i),
          tsUnits: toUnits(idx.tsSec(i), idx.tsNsec(i), p.interfaces[out].tsresol ?? 6),
          origLen: idx.origLen(i),
          iface: out,
        };
        const c = idx.comments(i);
        if (c) pk.comments = c;
        const fl = idx.flags(i);
        if (fl !== undefined) pk.flags = fl;
        w.packet(pk);
      };
    } else {
      const w = new PcapStreamWriter(sink, {
        linkType: p.linkType,
        snaplen: p.snaplen,
        nanosecond: p.nanosecond,
      });
      write = (i, data) => {
        if (idx.comments(i)) commented++;
        w.packet({ data, tsSec: idx.tsSec(i), tsNsec: idx.tsNsec(i), origLen: idx.origLen(i) });
      };
    }

    // In order: runs of consecutive packets through the buffered reader, lone packets read by themselves.
    let k = 0;
    let sinceYield = 0;
    while (k < list.length) {
      let end = k + 1;
      while (end < list.length && list[end] === list[end - 1] + 1 && end - k < YIELD_EVERY) end++;
      if (end - k === 1) write(list[k] - 1, cap.readPacket(list[k] - 1));
      else cap.forEach(list[k] - 1, list[end - 1], (i, data) => void write(i, data));
      sinceYield += end - k;
      k = end;
      if (sinceYield >= YIELD_EVERY || k === list.length) {
        sinceYield = 0;
        opts.onProgress?.(k, list.length);
        if (k < list.length) await yieldNow();
        if (opts.signal?.aborted) throw new Error('cancelled');
      }
    }
    sink.flush();
    fsyncSync(fd);
    closeSync(fd);
    open = false;
    placeNew(tmp, final);
    const notes: string[] = [];
    if (format === 'pcap') {
      const secrets = cap.decryptionSecrets().length;
      if (secrets)
        notes.push(
          `the capture's ${secrets} embedded decryption secret${secrets === 1 ? ' is' : 's are'} not in it (pcap cannot hold them; pcapng keeps the packets decryptable)`,
        );
      if (commented)
        notes.push(
          `the comments of ${commented} packet${commented === 1 ? '' : 's'} are not in it (pcap cannot hold them; pcapng keeps them)`,
        );
    }
    return {
      path: final,
      format,
      packets: list.length,
      bytes: sink.bytes,
      sha256: sink.hash.digest('hex'),
      notes,
    };
  } catch (e) {
    if (open) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
    rmSync(tmp, { force: true });
    if (opts.signal?.aborted)
      throw new ExportError(`the export to ${final} was cancelled; nothing was written`);
    throw new ExportError(`cannot write ${final}: ${reason(e)}`);
  }
}

/**
 * Packet numbers of a Wireshark-style range — "1-10,15,20-" (an open end runs to the last packet, "-5" starts at
 * the first) — in increasing order, within 1..total.
 */
export function parsePacketRange(text: string, total: number): Uint32Array {
  const keep = new Uint8Array(total + 1);
  const parts = text.split(',').map((s) => s.trim());
  if (parts.every((s) => s === '')) throw new ExportError('the packet range is empty');
  for (const part of parts) {
    if (part === '') continue;
    const m = /^(\d*)\s*-\s*(\d*)$|^(\d+)$/.exec(part);
    if (!m || (m[3] === undefined && m[1] === '' && m[2] === ''))
      throw new ExportError(`"${part}" is not a packet number or range (e.g. 1-10,15,20-)`);
    const a = m[3] !== undefined ? Number(m[3]) : m[1] === '' ? 1 : Number(m[1]);
    const b = m[3] !== undefined ? a : m[2] === '' ? total : Number(m[2]);
    if (a < 1 || a > b) throw new ExportError(`"${part}" is not a valid range`);
    for (let n = a; n <= Math.min(b, total); n++) keep[n] = 1;
  }
  let count = 0;
  for (let n = 1; n <= total; n++) count += keep[n];
  const out = new Uint32Array(count);
  let w = 0;
  for (let n = 1; n <= total; n++) if (keep[n]) out[w++] = n;
  return out;
}

/** The provenance an exported pcapng's section comment records. */
export function provenanceComment(p: {
  source: string;
  sha256?: string;
  selection: string;
  packets: number;
  total: number;
  exportedAt?: Date;
}): string {
  return [
    `Exported by Wirelens from ${p.source}`,
    `Source SHA-256: ${p.sha256 ?? '(not computed)'}`,
    `Packets: ${p.packets} of ${p.total} (${p.selection})`,
    `Exported at: ${(p.exportedAt ?? new Date()).toISOString()}`,
  ].join('\n');
}
