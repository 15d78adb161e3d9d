/**
 * Reading ASN.1 BER/DER (X.690) the way Kerberos and LDAP need it: definite-length elements, their tags, the
 * members of a SEQUENCE by their context tag, INTEGER values, and OCTET STRINGs as bytes or UTF-8 text. A length past its container throws BoundsError
 * (the packet is malformed there).
 */
import { BoundsError } from '../bytes/byteview.js';
import type { DissectCtx } from '../dissect/engine.js';

/** A DER element: its tag (class, constructed, number), where its value starts and ends. */
export interface Tlv {
  cls: number;
  constructed: boolean;
  num: number;
  start: number;
  value: number;
  end: number;
}

/** The element at `off` (definite lengths only, as DER has). */
export function tlv(ctx: DissectCtx, off: number, limit: number): Tlv {
  const v = ctx.view;
  const t = v.u8(off);
  let num = t & 0x1f;
  let at = off + 1;
  if (num === 0x1f) {
    num = 0;
    for (let b = 0x80; b & 0x80;) {
      b = v.u8(at++);
      num = num * 128 + (b & 0x7f);
    }
  }
  let len = v.u8(at++);
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new BoundsError(at, n, v.length);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + v.u8(at++);
  }
  if (at + len > limit) throw new BoundsError(at, len, limit);
  return { cls: t >> 6, constructed: (t & 0x20) !== 0, num, start: off, value: at, end: at + len };
}

/** The elements inside a constructed element. */
export function children(ctx: DissectCtx, e: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = e.value; at < e.end;) {
    const c = tlv(ctx, at, e.end);
    out.push(c);
    at = c.end;
  }
  return out;
}

/** The elements inside `e`, at least `n` of them (fewer: the packet is malformed there). */
export function childrenAtLeast(ctx: DissectCtx, e: Tlv, n: number): Tlv[] {
  const c = children(ctx, e);
  if (c.length < n) throw new BoundsError(e.end, 1, e.end);
  return c;
}

/** A SEQUENCE's explicitly tagged members by context number: the element inside each [n]. */
export function members(ctx: DissectCtx, seq: Tlv): Map<number, Tlv> {
  const m = new Map<number, Tlv>();
  for (const c of children(ctx, seq))
    if (c.cls === 2 && c.value < c.end) m.set(c.num, tlv(ctx, c.value, c.end));
  return m;
}

/** A primitive element's value bytes (a view into the packet). */
export function contents(ctx: DissectCtx, e: Tlv): Uint8Array {
  return ctx.view.slice(e.value, e.end - e.value);
}

/** An OCTET STRING's value as UTF-8 text (LDAP's DNs and passwords, SNMP's communities and user names). */
export function utf8Text(ctx: DissectCtx, e: Tlv): string {
  return Buffer.from(contents(ctx, e)).toString('utf8');
}

/** A DER INTEGER's value (signed; Kerberos's and LDAP's fit in 32 bits). */
export function integer(ctx: DissectCtx, e: Tlv): number {
  let n = 0;
  for (let i = e.value; i < e.end; i++) n = n * 256 + ctx.view.u8(i);
  const bits = 8 * (e.end - e.value);
  if (bits > 0 && bits <= 32 && ctx.view.u8(e.value) & 0x80) n -= 2 ** bits;
  return n;
}

/** Dotted text of an OBJECT IDENTIFIER's value bytes. */
export function oidText(b: Uint8Array): string {
  if (b.length === 0) return '';
  const arcs: number[] = [];
  let n = 0;
  for (const byte of b) {
    n = n * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) arcs.push(n < 80 ? Math.floor(n / 40) : 2, n < 80 ? n % 40 : n - 80);
    else arcs.push(n);
    n = 0;
  }
  return arcs.join('.');
}
