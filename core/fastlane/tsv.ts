/**
 * The pieces of a fast-lane TSV row written straight into a buffer (core/fastlane/records.ts puts them
 * together): numbers, IPv4 addresses, the time column and ASCII text as the bytes `tsvLine` would make of them,
 * without making their strings. Tests compare the lane's output with the engine's.
 */
import type { Buffer } from 'node:buffer';

/** The note after the Info of a TCP segment whose payload is part of a reassembled PDU. */
export const SEGMENT = '[TCP segment of a reassembled PDU]';

/** The two decimal digits of each number 0 to 99, as bytes. */
const PAIRS = new Uint8Array(200);
for (let v = 0; v < 100; v++) {
  PAIRS[2 * v] = 48 + ((v / 10) | 0);
  PAIRS[2 * v + 1] = 48 + (v % 10);
}

/** Writes the last `pairs` × 2 digits of `n` (below 2^31) backwards from `end`; returns where they begin. */
function pairsBefore(buf: Uint8Array, end: number, n: number, pairs: number): number {
  let k = end;
  let x = n;
  for (let p = 0; p < pairs; p++) {
    const q = (x / 100) | 0;
    const r = (x - 100 * q) << 1;
    buf[--k] = PAIRS[r + 1];
    buf[--k] = PAIRS[r];
    x = q;
  }
  return k;
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/** The number of decimal digits of `n` (0 to 2^31 - 1). */
function decimalLength(n: number): number {
  if (n < 1e4) return n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : 4;
  if (n < 1e6) return n < 1e5 ? 5 : 6;
  if (n < 1e8) return n < 1e7 ? 7 : 8;
  return n < 1e9 ? 9 : 10;
}

/** Writes the decimal digits of a non-negative integer below 2^53 at `off`; returns the end. */
export function digits(buf: Uint8Array, off: number, n: number): number {
  if (n < 0x80000000) {
    // Small integers (most numbers of a row): two digits at a time, by integer division.
    const len = decimalLength(n);
    const end = off + len;
    const k = pairsBefore(buf, end, n, len >> 1);
    if (len & 1) buf[k - 1] = 48 + ((n / POW10[len - 1]) | 0);
    return end;
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

/**
 * Copies bytes [from, to) of `src` to `dst` at `at`; returns the end. Short runs by hand (no call, no view), four
 * bytes a step: about twice as quick as a byte a step on the rows' texts (10 to 60 bytes), which V8 does not unroll.
 */
export function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): number {
  const n = to - from;
  if (n > 64) {
    dst.set(src.subarray(from, to), at);
    return at + n;
  }
  let k = 0;
  for (; k + 4 <= n; k += 4) {
    dst[at + k] = src[from + k];
    dst[at + k + 1] = src[from + k + 1];
    dst[at + k + 2] = src[from + k + 2];
    dst[at + k + 3] = src[from + k + 3];
  }
  for (; k < n; k++) dst[at + k] = src[from + k];
  return at + n;
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
  // Nine digits: four pairs, then the first.
  pairsBefore(buf, o + 9, n % 1e8, 4);
  buf[o] = 48 + ((n / 1e8) | 0);
  return o + 9;
}
