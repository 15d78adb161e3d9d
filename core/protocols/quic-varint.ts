/**
 * QUIC's variable-length integers (RFC 9000 §16): a two-bit length prefix, then 1, 2, 4 or 8 bytes big-endian.
 * Shared by QUIC and HTTP/3, which uses the same encoding.
 */
import type { ByteView } from '../bytes/byteview.js';

/** A varint's exact value for a field: a bigint past 2^53 (the number from varint() is rounded there). */
export function exact(v: ByteView, off: number, len: number, x: number): number | bigint {
  if (x <= Number.MAX_SAFE_INTEGER) return x;
  let b = BigInt(v.u8(off) & 0x3f);
  for (let i = 1; i < len; i++) b = (b << 8n) | BigInt(v.u8(off + i));
  return b;
}

export function varint(v: ByteView, off: number): [value: number, len: number] {
  const b = v.u8(off);
  const len = 1 << (b >> 6);
  v.check(off, len);
  let x = b & 0x3f;
  for (let i = 1; i < len; i++) x = x * 256 + v.u8(off + i);
  return [x, len];
}
