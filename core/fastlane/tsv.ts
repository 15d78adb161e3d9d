/**
 * The pieces of a fast-lane TSV row written straight into a buffer (core/fastlane/records.ts puts them
 * together): numbers, IPv4 addresses, the time column and ASCII text as the bytes `tsvLine` would make of them,
 * without making their strings. Tests compare the lane's output with the engine's.
 */
import type { Buffer } from 'node:buffer';

/** The note after the Info of a TCP segment whose payload is part of a reassembled PDU. */
export const SEGMENT = '[TCP segment of a reassembled PDU]';

/** Writes the decimal digits of a non-negative integer below 2^53 at `off`; returns the end. */
export function digits(buf: Uint8Array, off: number, n: number): number {
  if (n < 0x80000000) {
    // Small integers: integer division (most numbers of a row).
    let len = 1;
    for (let x = n; x >= 10; x = (x / 10) | 0) len++;
    let x = n;
    for (let k = off + len - 1; k >= off; k--) {
      const q = (x / 10) | 0;
      buf[k] = 48 + x - 10 * q;
      x = q;
    }
    return off + len;
  }
  let len = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) len++;
  let x = n;
  for (let k = off + len - 1; k >= off; k--) {
    buf[k] = 48 + (x % 10);
    x = Math.floor(x / 10);
  }
  return off + len;
}

/** The decimal text of each byte value (0 to 255): its length, then up to three digits, four bytes apiece. */
const OCTETS = new Uint8Array(256 * 4);
for (let v = 0; v < 256; v++) {
  const t = String(v);
  OCTETS[4 * v] = t.length;
  for (let k = 0; k < t.length; k++) OCTETS[4 * v + 1 + k] = t.charCodeAt(k);
}

/** Writes byte value `v` in decimal at `off`; returns the end. */
function octet(buf: Uint8Array, off: number, v: number): number {
  const at = 4 * v;
  const n = OCTETS[at];
  buf[off] = OCTETS[at + 1];
  if (n > 1) buf[off + 1] = OCTETS[at + 2];
  if (n > 2) buf[off + 2] = OCTETS[at + 3];
  return off + n;
}

/** Writes a one-byte (ASCII) string at `off`; returns the end. */
export function ascii(buf: Buffer, off: number, s: string): number {
  // Short texts by hand; longer ones by the runtime's copy.
  if (s.length > 16) return off + buf.write(s, off, 'latin1');
  for (let k = 0; k < s.length; k++) buf[off + k] = s.charCodeAt(k);
  return off + s.length;
}

export function dotted(buf: Uint8Array, off: number, a: number): number {
  let o = octet(buf, off, a >>> 24);
  buf[o++] = 46;
  o = octet(buf, o, (a >>> 16) & 255);
  buf[o++] = 46;
  o = octet(buf, o, (a >>> 8) & 255);
  buf[o++] = 46;
  return octet(buf, o, a & 255);
}

/**
 * The time column, `(sec + ns / 1e9).toFixed(9)`: written from the whole seconds and nanoseconds while the time
 * is under 2^20 s (12 days), where the sum's rounding error (under 2^-33 s) cannot move the nine decimals;
 * beyond, or negative, the float's own text.
 */
export function time(buf: Buffer, off: number, sec: number, ns: number): number {
  let s = sec;
  let n = ns;
  if (n < 0) {
    s -= 1;
    n += 1e9;
  }
  if (s < 0 || s >= 2 ** 20 || n >= 1e9) return ascii(buf, off, (sec + ns / 1e9).toFixed(9));
  let o = digits(buf, off, s);
  buf[o++] = 46;
  for (let k = o + 8; k >= o; k--) {
    const q = (n / 10) | 0;
    buf[k] = 48 + n - 10 * q;
    n = q;
  }
  return o + 9;
}
