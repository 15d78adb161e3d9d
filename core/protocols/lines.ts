/** Lines of text protocols (HTTP, FTP, POP) as Wireshark's tvb_find_line_end() finds them. */
import type { ByteView } from '../bytes/byteview.js';

/**
 * tvb_find_line_end(): the length of the line at `from` (without its end), or -1 when `desegment` and the line end
 * is not there (or a CR ends the data, so a LF may follow). Without `desegment` a missing end is the data's end.
 */
export function findLineEnd(v: ByteView, from: number, desegment: boolean): number {
  const b = v.bytes;
  for (let i = from; i < v.length; i++) {
    if (b[i] === 10) return i - from;
    if (b[i] === 13) return i + 1 >= v.length && desegment ? -1 : i - from;
  }
  return desegment ? -1 : v.length - from;
}

/** Where the next line starts after the line at `from` of length `len` (past its CR, LF or CR LF). */
export function lineNext(v: ByteView, from: number, len: number): number {
  const e = from + len;
  if (e >= v.length) return v.length;
  if (v.bytes[e] === 13) return e + 1 < v.length && v.bytes[e + 1] === 10 ? e + 2 : e + 1;
  return e + 1;
}

/** The line at `from`: where its text ends and where the next one starts (the data's end ends the last one). */
export function lineAt(v: ByteView, from: number): { end: number; next: number } {
  const len = findLineEnd(v, from, false);
  return { end: from + len, next: lineNext(v, from, len) };
}

/** Each line from `from` on (its start and the next line's start), as the rest of a segment is shown. */
export function forEachLine(v: ByteView, from: number, fn: (off: number, next: number) => void): void {
  for (let off = from; off < v.length;) {
    const { next } = lineAt(v, off);
    fn(off, next);
    off = next;
  }
}
