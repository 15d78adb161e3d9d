/** How `wirelens list` prints rows: one text or TSV line per packet, buffered into large writes. */
import { Buffer } from 'node:buffer';
import type { CliIO } from '../command.js';
import type { PacketRow } from '../../api/types.js';
import { formatRowTime, type TimeFormat } from '../../api/time-format.js';

/** Bytes per write: printing a million rows one write each would dominate the run time. */
const OUT_CHUNK = 1 << 20;

/**
 * Buffers output into large writes, encoding each row to UTF-8 as it comes (cheaper than joining a megabyte of
 * rows into one string and encoding that). Each flush hands over a buffer of its own (a write may be queued).
 */
export class OutBuffer {
  private buf = Buffer.allocUnsafe(OUT_CHUNK);
  private off = 0;
  constructor(private readonly io: CliIO) {}
  push(s: string): void {
    // A UTF-16 unit takes at most 3 bytes in UTF-8.
    if (this.off + 3 * s.length > this.buf.length) {
      this.flush();
      if (3 * s.length > this.buf.length) {
        this.io.out(s);
        return;
      }
    }
    this.off += this.buf.write(s, this.off);
  }
  /** Bytes already encoded as UTF-8 (rows made on another thread). */
  pushBytes(b: Uint8Array): void {
    if (this.off + b.length > this.buf.length) {
      this.flush();
      if (b.length > this.buf.length) {
        this.emit(b);
        return;
      }
    }
    this.buf.set(b, this.off);
    this.off += b.length;
  }
  flush(): void {
    if (!this.off) return;
    this.emit(this.buf.subarray(0, this.off));
    this.buf = Buffer.allocUnsafe(OUT_CHUNK);
    this.off = 0;
  }
  private emit(bytes: Uint8Array): void {
    if (this.io.outBytes) this.io.outBytes(bytes);
    else this.io.out(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  }
}

/**
 * One row as tshark prints it by default (No., Time, Source → Destination, Protocol, Length, Info), the Time
 * column in `-t` format `time` at the packet's own precision (tshark's automatic one).
 */
export function rowText(r: PacketRow, time: TimeFormat = 'r'): string {
  return `${String(r.no).padStart(5)} ${formatRowTime(r, time).padStart(10)} ${r.source.padStart(12)} → ${r.destination.padEnd(12)} ${r.protocol} ${r.length} ${r.info}\n`;
}

/** Tabs and line ends become spaces (most texts have none: one native scan, and a replace only when needed). */
const TSV_BREAKS = /[\t\r\n]/g;
function tsvClean(s: string): string {
  TSV_BREAKS.lastIndex = 0;
  return TSV_BREAKS.test(s) ? s.replace(TSV_BREAKS, ' ') : s;
}

export const TSV_HEADER = 'no\ttime\tsource\tdestination\tprotocol\tlength\tinfo\n';

/** One TSV row (time: seconds since the first packet, 9 decimals). */
export function tsvRow(r: PacketRow): string {
  return tsvLine(r.no, r.time, r.source, r.destination, r.protocol, r.length, r.info);
}

/** A TSV row from its parts (texts as displayed: control characters escaped). */
export function tsvLine(
  no: number,
  time: number,
  source: string,
  destination: string,
  protocol: string,
  length: number,
  info: string,
): string {
  return `${no}\t${time.toFixed(9)}\t${tsvClean(source)}\t${tsvClean(destination)}\t${tsvClean(protocol)}\t${length}\t${tsvClean(info)}\n`;
}
