import { toHex } from '../bytes/byteview.js';
import type { FieldDef, FieldValue, TimeValue } from './registry.js';

export function formatIPv4(v: number): string {
  return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** RFC 5952 text form (lower-case, longest zero run compressed, embedded IPv4 not used). */
export function formatIPv6(b: Uint8Array): string {
  // The first longest run of two or more zero words.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (b[2 * i] !== 0 || b[2 * i + 1] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && b[2 * j] === 0 && b[2 * j + 1] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += bestLen - 1;
      continue;
    }
    if (i > 0 && i !== bestStart + bestLen) s += ':';
    s += ((b[2 * i] << 8) | b[2 * i + 1]).toString(16);
  }
  return s;
}

export function formatEther(b: Uint8Array): string {
  return toHex(b, ':');
}

export function isTimeValue(v: FieldValue): v is TimeValue {
  return typeof v === 'object' && v !== null && !(v instanceof Uint8Array);
}

export function formatRelTime(t: TimeValue): string {
  const neg = t.s < 0 || (t.s === 0 && t.ns < 0);
  let s = Math.abs(t.s);
  let ns = Math.abs(t.ns);
  // A negative time kept as whole seconds down and nanoseconds up ({ s: -1, ns: 999854000 } is -0.000146).
  if (t.s < 0 && t.ns > 0) {
    s -= 1;
    ns = 1e9 - t.ns;
  }
  return `${neg ? '-' : ''}${s}.${String(ns).padStart(9, '0')} seconds`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Jan  1, 2003 13:55:31.300000000 UTC` (Wireshark's absolute time format, in UTC). */
export function formatAbsTime(t: TimeValue): string {
  const d = new Date(t.s * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(t.ns, 9)} UTC`
  );
}

function formatInt(def: FieldDef, v: number | bigint): string {
  const hexDigits = Math.ceil((def.bits ?? 32) / 4);
  const hex = () => `0x${v.toString(16).padStart(hexDigits, '0')}`;
  switch (def.base) {
    case 'hex':
    case 'oui':
      return hex();
    case 'oct':
      return `0${v.toString(8)}`;
    case 'dec_hex':
      return `${v.toString()} (${hex()})`;
    case 'hex_dec':
      return `${hex()} (${v.toString()})`;
    default:
      return v.toString();
  }
}

/** The value as Wireshark shows it in the tree after "Name: ". */
export function formatValue(def: FieldDef, v: FieldValue): string {
  if (v === null) return '';
  switch (def.kind) {
    case 'bool':
      if (def.trueFalse) return v ? def.trueFalse[0] : def.trueFalse[1];
      return v ? 'True' : 'False';
    case 'uint':
    case 'int':
    case 'framenum': {
      const n = v as number | bigint;
      const s = formatInt(def, n);
      const named = def.strings?.get(Number(n));
      if (!def.strings) return s;
      // BASE_NONE with a value string (checksum statuses): the name alone.
      if (def.base === 'none' && named !== undefined) return named;
      // Wireshark puts the number after a value string in the field's base: "IPv4 (0x0800)", "TCP (6)", and a
      // value the string table lacks is "Unknown (0x809a)".
      return `${named ?? 'Unknown'} (${def.base === 'hex' ? s : n.toString()})`;
    }
    case 'float':
      return String(v);
    case 'string':
      return v as string;
    case 'ipv4':
      return formatIPv4(v as number);
    case 'ipv6':
      return formatIPv6(v as Uint8Array);
    case 'ether':
      return formatEther(v as Uint8Array);
    case 'bytes':
      return toHex(v as Uint8Array);
    case 'abs_time':
      return formatAbsTime(v as TimeValue);
    case 'rel_time':
      return formatRelTime(v as TimeValue);
    default:
      return String(v);
  }
}

/** A free-form label as long as Wireshark keeps one (ITEM_LABEL_LENGTH: 239 bytes of UTF-8). */
export function cutLabel(label: string): string {
  const b = Buffer.from(label, 'utf8');
  return b.length <= 239
    ? label
    : b
        .subarray(0, 239)
        .toString('utf8')
        .replace(/\uFFFD$/, '');
}

/** A byte string as Wireshark labels it (bytes_to_str): the hex of its first 36 bytes, an ellipsis after. */
export function hexPreview(b: Uint8Array): string {
  return b.length > 36 ? `${toHex(b.subarray(0, 36))}…` : toHex(b);
}

/** The lowest set bit's position in `mask` (the shift of a bit field's value). */
export function maskShift(mask: number): number {
  return mask === 0 ? 0 : 31 - Math.clz32(mask & -mask);
}

/** The container width in bits of a bit field: its declared width, else the bytes its mask spans. */
export function fieldWidth(def: FieldDef): number {
  if (def.bits !== undefined) return def.bits;
  const top = 32 - Math.clz32(def.bitmask ?? 0xff);
  return Math.max(8, Math.ceil(top / 8) * 8);
}

/**
 * Wireshark's bit pattern of a bit field: the container's bits from the most significant, the field's own bits
 * as they are set in `raw` (the unshifted container value), '.' for the others, a space every four bits
 * ("010. ....", ".... ...1 .... = …").
 */
export function bitPattern(width: number, mask: number, raw: number): string {
  let s = '';
  for (let i = width - 1; i >= 0; i--) {
    const bit = 2 ** i;
    const inMask = Math.floor(mask / bit) % 2 === 1;
    s += inMask ? (Math.floor(raw / bit) % 2 === 1 ? '1' : '0') : '.';
    if (i > 0 && i % 4 === 0) s += ' ';
  }
  return s;
}

/** The "pattern = Name: value" text of a bit-field item (value shifted down, as items carry it). */
export function bitFieldText(def: FieldDef, v: FieldValue, len?: number): string {
  const mask = def.bitmask ?? 0;
  const shift = maskShift(mask);
  const n = typeof v === 'boolean' ? (v ? mask : 0) : Number(v) * 2 ** shift;
  let text: string;
  if (def.kind !== 'bool' && (def.base === 'hex' || def.base === 'hex_dec') && typeof v === 'number') {
    // A masked hex value has as many digits as the field's own bits need (0x2 for three bits).
    const digits = Math.max(1, Math.ceil((32 - Math.clz32(Math.floor(mask / 2 ** shift))) / 4));
    const hex = `0x${v.toString(16).padStart(digits, '0')}`;
    const named = def.strings?.get(v);
    text = named !== undefined ? `${named} (${hex})` : def.base === 'hex_dec' ? `${hex} (${v})` : hex;
  } else text = formatValue(def, v);
  // Booleans draw over their declared width (TCP's flags: 12 bits); numbers over the bytes the item covers.
  const width = def.kind === 'bool' || !len ? fieldWidth(def) : len * 8;
  return `${bitPattern(width, mask, n)} = ${def.name}: ${text}`;
}

/** a − b as seconds and nanoseconds (0 ≤ ns < 1e9): a frame's time since another's. */
export function timeDiff(a: TimeValue, b: TimeValue): TimeValue {
  let s = a.s - b.s;
  let ns = a.ns - b.ns;
  if (ns < 0) {
    ns += 1e9;
    s -= 1;
  }
  return { s, ns };
}

/** Wireshark's time_secs_to_str: "3 days, 11 hours, 20 minutes", "1 second", "0 seconds". */
export function secondsText(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  const unit = (v: number, name: string) => v && parts.push(`${v} ${name}${v === 1 ? '' : 's'}`);
  unit(Math.floor(secs / 86400), 'day');
  unit(Math.floor(secs / 3600) % 24, 'hour');
  unit(Math.floor(secs / 60) % 60, 'minute');
  unit(secs % 60, 'second');
  return parts.join(', ');
}

/** What Wireshark shows for empty bytes: `<none>` where the field allows none (BASE_ALLOW_ZERO), else `<MISSING>`. */
export function missingBytes(def?: FieldDef): string {
  return def?.allowZero ? '<none>' : '<MISSING>';
}

/** C's `%.15g` (DBL_DIG significant digits), as tshark prints a double: 1200.639, not 1200.6390000000001. */
export function doubleText(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, exp] = v.toExponential(14).split('e');
  const e = Number(exp);
  const trim = (t: string) => (t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t);
  if (e < -4 || e >= 15)
    return `${trim(mantissa)}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return trim(v.toFixed(Math.max(0, 14 - e)));
}

/**
 * A value as `tshark -T fields` prints it: a number in decimal (in hex, 0x and the field's width, for a hex
 * field of up to 32 bits; tshark 4.0 prints 64-bit ones and OUIs in decimal), a double with 15 significant
 * digits, a boolean as 1 or 0, a string with its line breaks escaped, bytes in hex (when there are none
 * `<MISSING>`, or `<none>` for a field that allows it), addresses in their usual forms, an absolute time as its
 * label shows it (UTC), a relative time in seconds with nine decimals. Without its field a number is decimal
 * and a time as an absolute time.
 */
export function fieldText(v: FieldValue, def?: FieldDef): string {
  if (typeof v === 'string') return v.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  if (v instanceof Uint8Array) {
    if (def?.kind === 'ether') return formatEther(v);
    if (def?.kind === 'ipv6') return formatIPv6(v);
    return v.length ? toHex(v) : missingBytes(def);
  }
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (v === null) return '';
  if (typeof v === 'object') {
    if (def?.kind === 'rel_time') return formatRelTime(v).replace(/ seconds$/, '');
    return formatAbsTime(v);
  }
  if (def?.kind === 'ipv4' && typeof v === 'number') return formatIPv4(v);
  if (def?.kind === 'float' && typeof v === 'number') return doubleText(v);
  const bits = def?.bits ?? 32;
  if (
    (def?.kind === 'uint' || def?.kind === 'int') &&
    (def.base === 'hex' || def.base === 'hex_dec') &&
    bits <= 32
  )
    return `${v < 0 ? '-' : ''}0x${(v < 0 ? -v : v).toString(16).padStart(Math.ceil(bits / 4), '0')}`;
  return String(v);
}
