/**
 * Semantic check against the field registry and compilation to closures. Every operand evaluates to the list
 * of its values in the packet (multi-occurrence fields), with Wireshark 4.0's semantics: `==` any equal,
 * `!=` all differ, `===` all equal, `!==` any differs; absent fields make a relation false.
 */
import { RE2JS } from 're2js';
import { registry, type FieldDef, type FieldKind, type TimeValue } from '../fields/registry.js';
import { formatValue } from '../fields/format.js';
import { itemBytes } from '../dissect/engine.js';
import { concatBytes, indexOfBytes, latin1 } from '../bytes/byteview.js';
import type { Dissection, Item } from '../dissect/types.js';
import {
  FilterSyntaxError,
  type Diagnostic,
  type LayerSel,
  type Node,
  type SliceRange,
  type Span,
  type Token,
} from './syntax.js';

/** Run-time value types. */
type VType = 'num' | 'str' | 'bytes' | 'bool' | 'ipv4' | 'ipv6' | 'ether' | 'time' | 'proto';
type V = number | string | Uint8Array | boolean;

interface Env {
  ref?: Dissection;
}

interface Expr {
  type: VType;
  eval(d: Dissection, env: Env): V[];
  /** The field, when the expression is a plain field reference. */
  field?: FieldDef;
  constant: boolean;
}

interface Ctx {
  fields: Set<number>;
  needsAll: boolean;
  /** A slice reads the bytes an item covers: the items must come from a real dissection. */
  needsBytes: boolean;
  warnings: Diagnostic[];
}

export type Test = (d: Dissection, env: Env) => boolean;

const err = (message: string, span: Span): never => {
  throw new FilterSyntaxError(message, span);
};

const KIND_TYPE: Record<FieldKind, VType> = {
  protocol: 'proto',
  none: 'proto',
  bool: 'bool',
  uint: 'num',
  int: 'num',
  float: 'num',
  framenum: 'num',
  string: 'str',
  bytes: 'bytes',
  ether: 'ether',
  ipv4: 'ipv4',
  ipv6: 'ipv6',
  abs_time: 'time',
  rel_time: 'time',
};

const TYPE_NAME: Record<VType, string> = {
  num: 'Unsigned integer',
  str: 'Character string',
  bytes: 'Sequence of bytes',
  bool: 'Boolean',
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  ether: 'Ethernet or other MAC address',
  time: 'Time',
  proto: 'Protocol',
};

// ── item values ─────────────────────────────────────────────────────────────────────────────────────────────
function protoLayer(d: Dissection, item: Item): number {
  let top: Item = item;
  while (top.parent) top = top.parent;
  let n = 0;
  for (const t of d.tree) {
    if (t.field === top.field) n++;
    if (t === top) return n;
  }
  return 1;
}

function itemsOf(d: Dissection, f: FieldDef, layer?: LayerSel): Item[] {
  const list = d.byField.get(f.id) ?? [];
  if (layer === undefined) return list;
  const layers = list.map((it) => protoLayer(d, it));
  const total = Math.max(0, ...layers);
  const norm = (n: number) => (n < 0 ? total + 1 + n : n);
  return list.filter((_, i) =>
    layer.some(([a, b]) => layers[i] >= norm(a) && layers[i] <= (b === -1 && a >= 0 ? total : norm(b))),
  );
}

function valueOf(d: Dissection, it: Item, type: VType): V {
  const v = it.value;
  switch (type) {
    case 'proto':
      return itemBytes(d, it);
    case 'num':
      return typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
    case 'bool':
      return typeof v === 'boolean' ? v : Boolean(v);
    case 'time': {
      const t = v as TimeValue;
      return t.s + t.ns / 1e9;
    }
    default:
      return v as V;
  }
}

/** The bytes a value stands for (for slices, contains on bytes, byte comparisons). */
function bytesOf(v: V, type: VType): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  if (type === 'ipv4' && typeof v === 'number')
    return Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  if (typeof v === 'number') {
    const out: number[] = [];
    let x = v;
    do {
      out.unshift(x & 255);
      x = Math.floor(x / 256);
    } while (x > 0);
    return Uint8Array.from(out);
  }
  return Uint8Array.of(v ? 1 : 0);
}

// ── literals ────────────────────────────────────────────────────────────────────────────────────────────────
interface Lit {
  text: string;
  /** 'word' (unquoted), 'string', 'raw', 'char'. */
  kind: Token['kind'];
  value: string;
  span: Span;
}

function parseIntText(s: string): number | undefined {
  if (/^[0-9]+$/.test(s)) return s.length > 1 && s[0] === '0' ? parseInt(s, 8) : Number(s);
  if (/^0[xX][0-9a-fA-F]+$/.test(s)) return parseInt(s.slice(2), 16);
  if (/^0[bB][01]+$/.test(s)) return parseInt(s.slice(2), 2);
  if (/^0[0-7]+$/.test(s)) return parseInt(s, 8);
  return undefined;
}

function parseBytes(s: string): Uint8Array | undefined {
  // Wireshark 4.0 also accepts a leading ':' to force a byte string (":fc", ":00:01:6c").
  if (s.startsWith(':') && s.length > 1) s = s.slice(1);
  if (/^[0-9a-fA-F]{1,2}([:.-][0-9a-fA-F]{1,2})*$/.test(s)) {
    return Uint8Array.from(s.split(/[:.-]/).map((x) => parseInt(x, 16)));
  }
  if (/^([0-9a-fA-F]{2})+$/.test(s)) return Uint8Array.from(s.match(/../g)!.map((x) => parseInt(x, 16)));
  return undefined;
}

function parseIPv4(s: string): { addr: number; bits: number } | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1, 5).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  const bits = m[5] === undefined ? 32 : Number(m[5]);
  if (bits > 32) return undefined;
  return { addr: ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0, bits };
}

function parseIPv6(s: string): { addr: Uint8Array; bits: number } | undefined {
  const [a, p] = s.split('/');
  const bits = p === undefined ? 128 : Number(p);
  if (!(bits >= 0 && bits <= 128) || !/^[0-9a-fA-F:.]+$/.test(a) || !a.includes(':')) return undefined;
  let head = a;
  let tail = '';
  const dbl = a.indexOf('::');
  if (dbl >= 0) {
    head = a.slice(0, dbl);
    tail = a.slice(dbl + 2);
    if (tail.includes('::')) return undefined;
  }
  const words = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const segs = part.split(':');
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i];
      if (i === segs.length - 1 && seg.includes('.')) {
        const v4 = parseIPv4(seg);
        if (!v4) return undefined;
        out.push(v4.addr >>> 16, v4.addr & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(seg)) out.push(parseInt(seg, 16));
      else return undefined;
    }
    return out;
  };
  const h = words(head);
  const t = words(tail);
  if (!h || !t) return undefined;
  const fill = 8 - h.length - t.length;
  if ((dbl < 0 && fill !== 0) || fill < 0) return undefined;
  const all = [...h, ...new Array<number>(fill).fill(0), ...t];
  const addr = new Uint8Array(16);
  all.forEach((w, i) => {
    addr[2 * i] = w >> 8;
    addr[2 * i + 1] = w & 255;
  });
  return { addr, bits };
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function parseAbsTime(s: string, span: Span): number {
  const bad = () =>
    err(
      `"${s}" is not a valid absolute time. Example: "Nov 12, 1999 08:55:44.123" or "2011-07-04 12:34:56"`,
      span,
    );
  let m = /^([A-Za-z]{3})\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(.*)$/.exec(
    s.trim(),
  );
  let y: number,
    mo: number,
    dd: number,
    hh: number,
    mi: number,
    ss: string | undefined,
    frac: string | undefined,
    rest: string;
  if (m) {
    mo = MONTHS.indexOf(m[1].toLowerCase());
    if (mo < 0) return bad();
    [dd, y, hh, mi] = [Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
    ss = m[6];
    frac = m[7];
    rest = m[8];
  } else {
    m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?(.*)$/.exec(s.trim());
    if (!m) return bad();
    [y, mo, dd, hh, mi] = [Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])];
    ss = m[6];
    frac = m[7];
    rest = m[8];
  }
  if (frac !== undefined && ss === undefined)
    return err('Subsecond precision requires a seconds field.', span);
  const tz = rest.trim();
  let utc = false;
  if (tz === 'Z' || tz.toUpperCase() === 'UTC') utc = true;
  else if (tz !== '') return err('Unexpected data after time value.', span);
  const secs =
    (utc
      ? Date.UTC(y, mo, dd, hh, mi, Number(ss ?? 0))
      : new Date(y, mo, dd, hh, mi, Number(ss ?? 0)).getTime()) / 1000;
  return secs + (frac ? Number(`0.${frac}`) : 0);
}

/** Converts a literal to the type of the other side. */
function convert(lit: Lit, type: VType, field: FieldDef | undefined): { v: V; mask?: number } {
  const { text, kind, value, span } = lit;
  const quoted = kind === 'string' || kind === 'raw';
  switch (type) {
    case 'num': {
      if (kind === 'char') return { v: value.charCodeAt(0) };
      if (field?.strings) {
        for (const [k, name] of field.strings)
          if (name.toLowerCase() === value.toLowerCase()) return { v: k };
      }
      if (field?.kind === 'bool' || field?.trueFalse) {
        if (/^true$/i.test(value)) return { v: 1 };
        if (/^false$/i.test(value)) return { v: 0 };
      }
      if (quoted) {
        return err(
          `${field?.kind === 'int' ? 'Signed' : 'Unsigned'} integer (${(field?.bits ?? 32) / 8} bytes) cannot be converted from a string ("${value}").`,
          span,
        );
      }
      if (
        /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) &&
        (field?.kind === 'float' || text.includes('.') || /e/i.test(text))
      ) {
        if (field && field.kind !== 'float') return err(`"${text}" is not a valid number.`, span);
        return { v: Number(text) };
      }
      const neg = text.startsWith('-');
      const n = parseIntText(neg ? text.slice(1) : text);
      if (n === undefined) return err(`"${text}" is not a valid number.`, span);
      const val = neg ? -n : n;
      if (field?.kind === 'uint' && field.bits && field.bits < 53 && val > 2 ** field.bits - 1) {
        return err(`${text} too big for this field, maximum ${2 ** field.bits - 1}.`, span);
      }
      return { v: val };
    }
    case 'bool': {
      if (/^true$/i.test(value)) return { v: true };
      if (/^false$/i.test(value)) return { v: false };
      // Wireshark 4.0 compares a boolean with any integer as "is it non-zero" (http.response == 200 is true).
      const n = quoted ? undefined : parseIntText(value);
      if (n !== undefined) return { v: n !== 0 };
      return err(`"${value}" is not a valid boolean.`, span);
    }
    case 'str':
      if (kind === 'char') return { v: value };
      return { v: value };
    case 'time': {
      if (field?.kind === 'abs_time') {
        if (!quoted && /^-?\d+(\.\d+)?$/.test(text)) return { v: Number(text) };
        return { v: parseAbsTime(value, span) };
      }
      if (/^-?\d+(\.\d+)?$/.test(value)) return { v: Number(value) };
      return err(`"${value}" is not a valid time.`, span);
    }
    case 'ipv4': {
      const a = parseIPv4(value);
      if (!a || quoted) return err(`"${value}" is not a valid hostname or IPv4 address.`, span);
      const mask = a.bits === 0 ? 0 : (0xffffffff << (32 - a.bits)) >>> 0;
      return { v: (a.addr & mask) >>> 0, mask };
    }
    case 'ipv6': {
      const a = parseIPv6(value);
      if (!a || quoted) return err(`"${value}" is not a valid hostname or IPv6 address.`, span);
      return { v: a.addr, mask: a.bits };
    }
    case 'ether': {
      const b = quoted ? undefined : parseBytes(value);
      if (!b || b.length !== 6) return err(`"${value}" is not a valid hostname or Ethernet address.`, span);
      return { v: b };
    }
    case 'bytes':
    case 'proto': {
      if (kind === 'char') return { v: Uint8Array.of(value.charCodeAt(0) & 255) };
      if (quoted) return { v: Uint8Array.from(value, (c) => c.charCodeAt(0) & 255) };
      const b = parseBytes(value);
      if (!b) return err(`"${value}" is not a valid byte string.`, span);
      return { v: b };
    }
  }
}

// ── comparisons ─────────────────────────────────────────────────────────────────────────────────────────────
function cmpBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

function order(a: V, b: V): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return cmpBytes(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Uint8Array || b instanceof Uint8Array)
    return cmpBytes(
      a instanceof Uint8Array ? a : bytesOf(a, 'str'),
      b instanceof Uint8Array ? b : bytesOf(b, 'str'),
    );
  const x = typeof a === 'boolean' ? (a ? 1 : 0) : Number(a);
  const y = typeof b === 'boolean' ? (b ? 1 : 0) : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function ipv6InPrefix(a: Uint8Array, net: Uint8Array, bits: number): boolean {
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
    if ((a[i] & m) !== (net[i] & m)) return false;
  }
  return true;
}

type Pred = (a: V, b: V) => boolean;

function eqFor(type: VType, mask?: number): Pred {
  if (type === 'ipv4' && mask !== undefined && mask !== 0xffffffff)
    return (a, b) => ((a as number) & mask) >>> 0 === b;
  if (type === 'ipv6' && mask !== undefined && mask !== 128)
    return (a, b) => ipv6InPrefix(a as Uint8Array, b as Uint8Array, mask);
  return (a, b) => order(a, b) === 0;
}

// ── compiler ───────────────────────────────────────────────────────────────────────────────────────────────
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function lookupField(name: string): FieldDef | undefined {
  // A leading '.' forces the name to be read as a field (Wireshark 4.0).
  return registry.get(name.startsWith('.') ? name.slice(1) : name);
}

/**
 * Wireshark 4.0's protocols and fields that read like byte strings (`tshark -G fields`), none of which Wirelens
 * dissects. Wireshark reads an unquoted value as a field when one has its name: `frame[37] == fc` compares with
 * the Fibre Channel protocol, absent from every frame here, not with the byte 0xfc (`:fc` is the byte).
 */
const FOREIGN_FIELDS: Readonly<Record<string, FieldKind>> = {
  aaf: 'protocol',
  acf: 'protocol',
  a11: 'protocol',
  'a11.b': 'bool',
  'a11.d': 'bool',
  a21: 'protocol',
  a615a: 'protocol',
  adb: 'protocol',
  bfd: 'protocol',
  c1222: 'protocol',
  c15: 'protocol',
  dc: 'protocol',
  'dc.dc': 'string',
  dcc: 'protocol',
  e100: 'protocol',
  e164: 'protocol',
  e212: 'protocol',
  fc: 'protocol',
  fc00: 'protocol',
  fefd: 'protocol',
  ff: 'protocol',
  'ff.fda': 'bool',
};

/** The type of one of FOREIGN_FIELDS named by `name` (a leading '.' allowed). */
function foreignField(name: string): FieldKind | undefined {
  const n = name.startsWith('.') ? name.slice(1) : name;
  return Object.hasOwn(FOREIGN_FIELDS, n) ? FOREIGN_FIELDS[n] : undefined;
}

/** Whether an unquoted word is a value, not a field: no field has its name, nor does it start with '.'. */
function isLiteralWord(text: string): boolean {
  return !lookupField(text) && !foreignField(text) && !text.startsWith('.');
}

function litOf(node: Node): Lit | undefined {
  if (node.k === 'lit')
    return {
      text: node.tok.text,
      kind: node.tok.kind,
      value: node.tok.value ?? node.tok.text,
      span: node.span,
    };
  if (node.k === 'word' && node.layer === undefined && isLiteralWord(node.tok.text)) {
    return { text: node.tok.text, kind: 'word', value: node.tok.text, span: node.span };
  }
  if (node.k === 'neg' && node.a.k === 'word' && isLiteralWord(node.a.tok.text)) {
    return { text: `-${node.a.tok.text}`, kind: 'word', value: `-${node.a.tok.text}`, span: node.span };
  }
  return undefined;
}

function describe(node: Node, input: string): string {
  return input.slice(node.span[0], node.span[1]);
}

class Compiler {
  constructor(
    readonly c: Ctx,
    readonly input: string,
  ) {}

  /** Notes that the filter reads field `f`. */
  need(f: FieldDef): void {
    this.c.fields.add(f.id);
    // Expert items hang wherever a dissector noted something, often among items a selective dissection skips
    // as a group (TCP's header, whose FIN notes the closing): the whole tree finds them all.
    if (f.abbrev.startsWith('_ws.expert')) this.c.needsAll = true;
  }

  field(f: FieldDef, layer: LayerSel | undefined): Expr {
    this.need(f);
    // A protocol's value is the bytes its item covers; a text item's only its label (the full tree's).
    if (f.kind === 'protocol') this.c.needsBytes = true;
    if (f.kind === 'none') this.c.needsAll = true;
    const type = KIND_TYPE[f.kind];
    return {
      type,
      field: f,
      constant: false,
      eval: (d) => itemsOf(d, f, layer).map((it) => valueOf(d, it, type)),
    };
  }

  /** An operand that must produce values (field, slice, function, arithmetic). */
  value(node: Node, side: 'Left' | 'Right', opText: string): Expr {
    switch (node.k) {
      case 'word': {
        const f = lookupField(node.tok.text);
        if (!f) {
          const foreign = foreignField(node.tok.text);
          // A field of a protocol Wirelens does not dissect: in no frame.
          if (foreign) return { type: KIND_TYPE[foreign], constant: false, eval: () => [] };
          if (node.tok.text.startsWith('.'))
            return err(`"${node.tok.text.slice(1)}" is not a valid protocol or protocol field.`, node.span);
          return err(
            `${side} side of "${opText}" expression must be a field or function, not ${node.tok.text}.`,
            node.span,
          );
        }
        return this.field(f, node.layer);
      }
      case 'ref': {
        const f = lookupField(node.name);
        if (!f) return err(`"${node.name}" is not a valid protocol or protocol field.`, node.span);
        this.need(f);
        const type = KIND_TYPE[f.kind];
        const layer = node.layer;
        return {
          type,
          field: f,
          constant: false,
          eval: (_d, env) =>
            env.ref ? itemsOf(env.ref, f, layer).map((it) => valueOf(env.ref!, it, type)) : [],
        };
      }
      case 'slice': {
        if (node.a.k === 'lit')
          return err(`Range is not supported for entity ${describe(node.a, this.input)}`, node.a.span);
        if (node.a.k === 'word' && !lookupField(node.a.tok.text))
          return err(`Range is not supported for entity ${node.a.tok.text}`, node.a.span);
        const inner = this.value(node.a, side, opText);
        this.c.needsBytes = true;
        const ranges = node.ranges;
        const innerType = inner.type;
        return {
          type: 'bytes',
          constant: false,
          eval: (d, env) => {
            const out: V[] = [];
            if (inner.field && innerType !== 'str') {
              for (const it of itemsOf(d, inner.field, node.a.k === 'word' ? node.a.layer : undefined)) {
                const v = it.value;
                const b =
                  v instanceof Uint8Array
                    ? v
                    : typeof v === 'number' && innerType === 'ipv4'
                      ? bytesOf(v, 'ipv4')
                      : itemBytes(d, it);
                const s = slice(b, ranges);
                if (s) out.push(s);
              }
              return out;
            }
            for (const v of inner.eval(d, env)) {
              const s = slice(bytesOf(v, innerType), ranges);
              if (s) out.push(s);
            }
            return out;
          },
        };
      }
      case 'func':
        return this.func(node, side, opText);
      case 'arith': {
        const la = litOf(node.a);
        const lb = litOf(node.b);
        const a = la ? this.numberConst(la) : this.value(node.a, side, opText);
        const b = lb ? (la ? this.numberConst(lb) : this.constant(lb, a)) : this.value(node.b, side, opText);
        const op = node.op;
        const f = (x: number, y: number): number =>
          op === '+'
            ? x + y
            : op === '-'
              ? x - y
              : op === '*'
                ? x * y
                : op === '/'
                  ? y === 0
                    ? NaN
                    : Math.trunc(x / y)
                  : op === '%'
                    ? y === 0
                      ? NaN
                      : x % y
                    : Number(BigInt(Math.trunc(x)) & BigInt(Math.trunc(y)));
        return {
          type: 'num',
          constant: false,
          eval: (d, env) => {
            const xs = a.eval(d, env);
            const ys = b.eval(d, env);
            const out: V[] = [];
            for (const x of xs)
              for (const y of ys) {
                const r = f(Number(x), Number(y));
                if (!Number.isNaN(r)) out.push(r);
              }
            return out;
          },
        };
      }
      case 'neg': {
        const a = this.value(node.a, side, opText);
        return { type: 'num', constant: false, eval: (d, env) => a.eval(d, env).map((x) => -Number(x)) };
      }
      case 'lit':
        if (side === 'Left')
          return err(
            `${side} side of "${opText}" expression must be a field or function, not ${describe(node, this.input)}.`,
            node.span,
          );
        return err(`${describe(node, this.input)} was unexpected in this context.`, node.span);
      default:
        return err(`"${describe(node, this.input)}" was unexpected in this context.`, node.span);
    }
  }

  /** A numeric literal inside arithmetic (e.g. `66 + 1`, `abs(-67)`). */
  numberConst(lit: Lit): Expr {
    const neg = lit.text.startsWith('-');
    const n = /^-?\d+\.\d*$/.test(lit.text)
      ? Number(lit.text)
      : parseIntText(neg ? lit.text.slice(1) : lit.text);
    if (n === undefined || Number.isNaN(n)) return err(`"${lit.text}" is not a valid number.`, lit.span);
    const v = neg && !lit.text.includes('.') ? -n : n;
    return { type: 'num', constant: true, eval: () => [v] };
  }

  constant(lit: Lit, other: Expr): Expr {
    const { v } = convert(lit, other.type, other.field);
    return { type: other.type, constant: true, eval: () => [v] };
  }

  func(node: Extract<Node, { k: 'func' }>, side: 'Left' | 'Right', opText: string): Expr {
    const name = node.name;
    const args = node.args;
    const one = (): Expr => {
      if (args.length !== 1) return err(`Function ${name}() requires exactly 1 argument.`, node.span);
      const a = args[0];
      const lit = litOf(a);
      if (lit && name === 'abs') return this.numberConst(lit);
      if (a.k === 'lit' || (a.k === 'word' && !lookupField(a.tok.text))) {
        if (name === 'string') return err('Only fields can be used as parameter for string()', a.span);
        return err(`Argument '${describe(a, this.input)}' is not valid for ${name}()`, a.span);
      }
      return this.value(a, side, opText);
    };
    switch (name) {
      case 'len': {
        const a = one();
        return {
          type: 'num',
          constant: false,
          eval: (d, env) =>
            a
              .eval(d, env)
              .map((v) =>
                typeof v === 'string' ? new TextEncoder().encode(v).length : bytesOf(v, a.type).length,
              ),
        };
      }
      case 'count': {
        const a = one();
        return { type: 'num', constant: false, eval: (d, env) => [a.eval(d, env).length] };
      }
      case 'upper':
      case 'lower': {
        const a = one();
        if (a.type !== 'str')
          return err(`Only string type fields can be used as parameter for ${name}()`, args[0].span);
        return {
          type: 'str',
          constant: false,
          eval: (d, env) =>
            a.eval(d, env).map((v) => (name === 'upper' ? String(v).toUpperCase() : String(v).toLowerCase())),
        };
      }
      case 'string': {
        const a = one();
        const f = a.field;
        // Wireshark 4.0 converts neither strings (nothing to convert), nor bytes, protocols or text-only items.
        if (!f || f.kind === 'protocol' || f.kind === 'none' || f.kind === 'bytes' || f.kind === 'string') {
          return err(
            `String conversion for field "${f?.abbrev ?? describe(args[0], this.input)}" is not supported`,
            args[0].span,
          );
        }
        return {
          type: 'str',
          constant: false,
          eval: (d) =>
            itemsOf(d, f).map((it) =>
              f.kind === 'uint' || f.kind === 'int' || f.kind === 'framenum'
                ? String(it.value)
                : formatValue({ ...f, strings: undefined }, it.value),
            ),
        };
      }
      case 'abs': {
        const a = one();
        return {
          type: 'num',
          constant: false,
          eval: (d, env) => a.eval(d, env).map((v) => Math.abs(Number(v))),
        };
      }
      case 'max':
      case 'min': {
        if (args.length < 1) return err(`Function ${name}() requires at least 1 argument.`, node.span);
        const parts = args.map((a) => {
          if (a.k === 'lit' || (a.k === 'word' && !lookupField(a.tok.text)))
            return err(`Argument '${describe(a, this.input)}' is not valid for ${name}()`, a.span);
          return this.value(a, side, opText);
        });
        return {
          type: 'num',
          constant: false,
          eval: (d, env) => {
            const all = parts.flatMap((p) => p.eval(d, env)).map(Number);
            return all.length ? [name === 'max' ? Math.max(...all) : Math.min(...all)] : [];
          },
        };
      }
      default:
        return err(`The function '${name}' does not exist.`, node.span);
    }
  }

  test(node: Node): Test {
    switch (node.k) {
      case 'logic': {
        const parts = chainParts(node);
        const tests = parts.map((p) => this.test(p));
        if (node.op === 'and') return (d, e) => tests.every((t) => t(d, e));
        if (node.op === 'or') return (d, e) => tests.some((t) => t(d, e));
        return (d, e) => tests.reduce((acc, t) => acc !== t(d, e), false);
      }
      case 'not': {
        const a = this.test(node.a);
        return (d, e) => !a(d, e);
      }
      case 'word': {
        const f = lookupField(node.tok.text);
        if (!f) {
          if (foreignField(node.tok.text)) return () => false;
          if (FIELD_NAME.test(node.tok.text))
            return err(`"${node.tok.text}" is neither a field nor a protocol name.`, node.span);
          return err(`"${node.tok.text}" is not a valid protocol or protocol field.`, node.span);
        }
        this.need(f);
        const layer = node.layer;
        return (d) => itemsOf(d, f, layer).length > 0;
      }
      case 'arith':
      case 'slice':
      case 'func':
      case 'ref': {
        const e = this.value(node, 'Left', '');
        return (d, env) => e.eval(d, env).some((v) => (v instanceof Uint8Array ? v.length > 0 : Boolean(v)));
      }
      case 'cmp':
        return this.cmp(node);
      case 'in':
        return this.inSet(node);
      default:
        return err(`"${describe(node, this.input)}" was unexpected in this context.`, node.span);
    }
  }

  cmp(node: Extract<Node, { k: 'cmp' }>): Test {
    const opText = this.input.slice(node.opSpan[0], node.opSpan[1]);
    if (litOf(node.a)) {
      const l = node.a;
      if (
        node.a.k === 'neg' ||
        (node.a.k === 'word' && /^-?\d/.test(node.a.tok.text) && node.b.k !== 'word')
      ) {
        if (node.a.k === 'neg')
          return err('Constant arithmetic expression on the LHS is invalid.', node.a.span);
      }
      return err(
        `Left side of "${opText}" expression must be a field or function, not ${describe(l, this.input)}.`,
        l.span,
      );
    }
    if (node.a.k === 'arith' && !this.hasField(node.a))
      return err('Constant arithmetic expression on the LHS is invalid.', node.a.span);
    const a = this.value(node.a, 'Left', opText);
    const op = node.op;
    if (op === 'matches') {
      const lit = litOf(node.b);
      if (!lit || (lit.kind !== 'string' && lit.kind !== 'raw'))
        return err('Matches requires a double quoted string on the right side.', node.b.span);
      const pattern = this.regexSource(node.b, lit);
      let re: RE2JS;
      try {
        re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
      } catch (e) {
        return err(`Invalid regular expression: ${(e as Error).message}`, node.b.span);
      }
      if (a.type === 'proto' || a.type === 'bytes') this.c.needsBytes = true;
      return (d, env) =>
        a.eval(d, env).some((v) => {
          const s = typeof v === 'string' ? v : latin1(bytesOf(v, a.type));
          return re.matcher(s).find();
        });
    }
    let b: Expr;
    let mask: number | undefined;
    const lit = litOf(node.b);
    if (lit) {
      this.checkEscapes(node.b);
      const type = op === 'contains' ? (a.type === 'str' ? 'str' : 'bytes') : a.type;
      const conv = convert(lit, type, a.field);
      mask = conv.mask;
      b = { type, constant: true, eval: () => [conv.v] };
    } else {
      b = this.value(node.b, 'Right', opText);
    }
    if (op === 'contains') {
      if (a.type !== 'str' && a.type !== 'bytes' && a.type !== 'proto')
        return err(
          `${a.field?.abbrev ?? 'This'} (type=${TYPE_NAME[a.type]}) cannot participate in 'contains' comparison.`,
          node.a.span,
        );
      if (a.type === 'proto') this.c.needsBytes = true;
      return (d, env) => {
        const ys = b.eval(d, env);
        return a
          .eval(d, env)
          .some((x) =>
            ys.some((y) =>
              typeof x === 'string' && typeof y === 'string'
                ? x.includes(y)
                : indexOfBytes(bytesOf(x, a.type), bytesOf(y, b.type)) >= 0,
            ),
          );
      };
    }
    if (
      a.type !== b.type &&
      !(isNumeric(a.type) && isNumeric(b.type)) &&
      !(a.type === 'bytes' || b.type === 'bytes' || a.type === 'proto' || b.type === 'proto')
    ) {
      return err(
        `${a.field?.abbrev ?? 'Left side'} and ${b.field?.abbrev ?? 'right side'} are not of compatible types.`,
        node.span,
      );
    }
    const eq = eqFor(lit ? a.type : 'bytes', mask);
    const toCmp = (x: V, y: V): [V, V] =>
      a.type === b.type
        ? [x, y]
        : [
            x instanceof Uint8Array ? x : bytesOf(x, a.type),
            y instanceof Uint8Array ? y : bytesOf(y, b.type),
          ];
    const pred: Pred =
      op === 'any_eq' || op === 'all_eq'
        ? (x, y) => (lit ? eq(x, y) : order(...toCmp(x, y)) === 0)
        : op === 'all_ne' || op === 'any_ne'
          ? (x, y) => !(lit ? eq(x, y) : order(...toCmp(x, y)) === 0)
          : op === 'gt'
            ? (x, y) => order(...toCmp(x, y)) > 0
            : op === 'ge'
              ? (x, y) => order(...toCmp(x, y)) >= 0
              : op === 'lt'
                ? (x, y) => order(...toCmp(x, y)) < 0
                : (x, y) => order(...toCmp(x, y)) <= 0;
    const all = op === 'all_ne' || op === 'all_eq';
    return (d, env) => {
      const xs = a.eval(d, env);
      if (xs.length === 0) return false;
      const ys = b.eval(d, env);
      if (ys.length === 0) return false;
      if (all) return xs.every((x) => ys.every((y) => pred(x, y)));
      return xs.some((x) => ys.some((y) => pred(x, y)));
    };
  }

  inSet(node: Extract<Node, { k: 'in' }>): Test {
    if (litOf(node.a) || node.a.k === 'lit')
      return err('Only a field may be tested for membership in a set.', node.a.span);
    const a = this.value(node.a, 'Left', 'in');
    const elems = node.set.map((el) => {
      const lo = litOf(el.lo);
      const hi = el.hi ? litOf(el.hi) : undefined;
      if (!lo) return { lo: this.value(el.lo, 'Right', 'in'), hi: undefined, mask: undefined };
      if (el.hi && !hi)
        return err(`"${describe(el.hi, this.input)}" is not a valid protocol or protocol field.`, el.hi.span);
      const cl = convert(lo, a.type, a.field);
      const loE: Expr = { type: a.type, constant: true, eval: () => [cl.v] };
      const hiE: Expr | undefined = hi
        ? { type: a.type, constant: true, eval: () => [convert(hi, a.type, a.field).v] }
        : undefined;
      if (hi) convert(hi, a.type, a.field);
      return { lo: loE, hi: hiE, mask: cl.mask };
    });
    const t: Test = (d, env) =>
      a.eval(d, env).some((x) =>
        elems.some((el) => {
          const los = el.lo.eval(d, env);
          if (el.hi) {
            const his = el.hi.eval(d, env);
            return los.some((lo) => his.some((hi) => order(x, lo) >= 0 && order(x, hi) <= 0));
          }
          const eq = eqFor(a.type, el.mask);
          return los.some((lo) => eq(x, lo));
        }),
      );
    if (!node.negate) return t;
    return (d, env) => a.eval(d, env).length > 0 && !t(d, env);
  }

  hasField(node: Node): boolean {
    switch (node.k) {
      case 'word':
        return lookupField(node.tok.text) !== undefined;
      case 'arith':
        return this.hasField(node.a) || this.hasField(node.b);
      case 'neg':
        return this.hasField(node.a);
      case 'func':
      case 'slice':
      case 'ref':
        return true;
      default:
        return false;
    }
  }

  /** String literal escapes that are invalid in Wireshark 4.0 are errors, except in a regex (documented extension). */
  checkEscapes(node: Node): void {
    if (node.k === 'lit' && node.tok.badEscapes?.length) {
      const b = node.tok.badEscapes[0];
      err(`${b.text} is not a valid character escape sequence`, b.span);
    }
  }

  regexSource(node: Node, lit: Lit): string {
    if (node.k !== 'lit' || lit.kind === 'raw') return lit.value;
    for (const b of node.tok.badEscapes ?? []) {
      this.c.warnings.push({
        message: `${b.text} is not a valid string escape in Wireshark 4.0 (tshark rejects it); Wirelens treats it as the regular-expression escape ${b.text}. Write ${b.text.replace('\\', '\\\\')} to be portable.`,
        span: b.span,
      });
    }
    // decodeEscapes kept invalid escapes as backslash + char: exactly the regex escape the author meant.
    return lit.value;
  }
}

function isNumeric(t: VType): boolean {
  return t === 'num' || t === 'bool' || t === 'time';
}

function slice(b: Uint8Array, ranges: SliceRange[]): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  for (const r of ranges) {
    const start = r.start < 0 ? b.length + r.start : r.start;
    if (start < 0 || start > b.length) return undefined;
    const end = r.length === undefined ? b.length : start + r.length;
    if (end > b.length || end < start) return undefined;
    parts.push(b.subarray(start, end));
  }
  return parts.length === 1 ? parts[0] : concatBytes(...parts);
}

/**
 * The operands of a chain of one logical operator (`a || b || c …`), in order. Long chains are left-deep trees:
 * walked iteratively, not recursively.
 */
function chainParts(node: Extract<Node, { k: 'logic' }>): Node[] {
  const parts: Node[] = [];
  let cur: Node = node;
  while (cur.k === 'logic' && cur.op === node.op) {
    parts.push(cur.b);
    cur = cur.a;
  }
  parts.push(cur);
  return parts.reverse();
}

/** Most clauses kept for one filter (dropping clauses only weakens the condition: still sound). */
const MAX_CLAUSES = 64;

/** The field a value expression reads when it is that field or a slice of it: absent field, no value. */
function fieldRead(node: Node): FieldDef | undefined {
  if (node.k === 'slice') return fieldRead(node.a);
  if (node.k === 'word' && !litOf(node)) return lookupField(node.tok.text);
  return undefined;
}

/**
 * Which fields a frame must have for the filter to be true, as clauses that must all hold, each satisfied by any
 * one of its fields being present: `http.request.method == "GET" && tcp.port == 80` gives [[method], [tcp.port]],
 * `dns || http` gives [[dns, http]]. Only what Wireshark's semantics guarantee is derived: a comparison, a
 * membership test (negated too) or an existence test is false when its field is absent (including `!=`);
 * `not`, `xor`, functions and arithmetic give no condition. Empty: any frame may match.
 */
function presence(node: Node): number[][] {
  switch (node.k) {
    case 'word': {
      const f = lookupField(node.tok.text);
      return f ? [[f.id]] : [];
    }
    case 'cmp': {
      const out: number[][] = [];
      for (const side of [node.a, node.b]) {
        const f = fieldRead(side);
        if (f) out.push([f.id]);
      }
      return out;
    }
    case 'in': {
      const f = fieldRead(node.a);
      return f ? [[f.id]] : [];
    }
    case 'logic': {
      if (node.op === 'xor') return [];
      const parts = chainParts(node);
      if (node.op === 'and') return parts.flatMap(presence).slice(0, MAX_CLAUSES);
      // (A1 ∧ A2) ∨ (B1 ∧ B2) ⇒ every (Ai ∨ Bj).
      let acc: number[][] | undefined;
      for (const p of parts) {
        const cnf = presence(p);
        if (!cnf.length) return [];
        acc = acc
          ? acc.flatMap((a) => cnf.map((b) => [...new Set([...a, ...b])])).slice(0, MAX_CLAUSES)
          : cnf;
      }
      return acc ?? [];
    }
    default:
      return [];
  }
}

/**
 * The field and protocol names a filter reads (words and `${…}` references), wherever they are. Walked with a
 * stack of its own: a long chain of `||` is a tree as deep as it is long.
 */
function namesIn(root: Node): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  const todo: Node[] = [root];
  for (let node = todo.pop(); node; node = todo.pop()) {
    switch (node.k) {
      case 'word':
        out.push({ name: node.tok.text.replace(/^\./, ''), span: node.span });
        break;
      case 'ref':
        out.push({ name: node.name, span: node.span });
        break;
      case 'logic':
      case 'cmp':
      case 'arith':
        todo.push(node.b, node.a);
        break;
      case 'not':
      case 'neg':
      case 'slice':
        todo.push(node.a);
        break;
      case 'in':
        for (const e of [...node.set].reverse()) todo.push(...(e.hi ? [e.hi, e.lo] : [e.lo]));
        todo.push(node.a);
        break;
      case 'func':
        todo.push(...[...node.args].reverse());
        break;
      case 'lit':
    }
  }
  return out;
}

/** A warning for each old protocol name (`ssl`, `bootp`): it works, as in Wireshark, under its new name. */
function aliasWarnings(node: Node): Diagnostic[] {
  return namesIn(node).flatMap(({ name, span }) => {
    const current = registry.unaliased(name);
    if (current === undefined || registry.get(name) === undefined) return [];
    const [old, now] = [name.split('.')[0], current.split('.')[0]];
    const reads = current === now ? '' : ` (this reads ${current})`;
    return [{ message: `"${old}" is deprecated, use "${now}"${reads}`, span }];
  });
}

export function compileNode(
  node: Node,
  input: string,
): {
  test: Test;
  fields: Set<number>;
  needsAll: boolean;
  needsBytes: boolean;
  requires: number[][];
  warnings: Diagnostic[];
} {
  const c: Ctx = { fields: new Set(), needsAll: false, needsBytes: false, warnings: aliasWarnings(node) };
  const test = new Compiler(c, input).test(node);
  return {
    test,
    fields: c.fields,
    needsAll: c.needsAll,
    needsBytes: c.needsBytes,
    requires: presence(node),
    warnings: c.warnings,
  };
}
