/**
 * JSON (RFC 8259) as Wireshark 4.0's JSON dissector shows it: an Object or Array item per JSON text, a Member
 * per object member with its value, its Key and its generated [Path] ("/user/name"), and for every plain value
 * the generated [Path with value] ("/user/name:alice") and [Member with value] ("name:alice") that make filters
 * such as `json.member_with_value == "password:hunter2"` or `json.key == "token"` work on API traffic.
 *
 * Used for HTTP and HTTP/2 bodies of the JSON media types and for Dropbox's LAN sync discovery broadcasts
 * (UDP 17500), whose host and namespace numbers identify a Dropbox installation and its shared folders.
 *
 * Like Wireshark's tvbparse grammar: a JSON text is an object or an array (several may follow one another),
 * whitespace may come between any two tokens, `NaN` is a value, and a text is taken whole or not at all. What
 * follows the last complete text and the whitespace after it is handed to the line-based text dissector.
 */
import { none, proto, str } from '../fields/registry.js';
import type { DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { hexDigit } from '../bytes/byteview.js';
import { printable } from '../fields/text.js';

export const json = {
  proto: proto('json', 'JavaScript Object Notation'),
  object: none('json.object', 'Object'),
  array: none('json.array', 'Array'),
  member: str('json.member', 'Member'),
  key: str('json.key', 'Key'),
  path: str('json.path', 'Path'),
  pathWithValue: str('json.path_with_value', 'Path with value'),
  memberWithValue: str('json.member_with_value', 'Member with value'),
  string: str('json.value.string', 'String value'),
  number: str('json.value.number', 'Number value'),
  false: none('json.value.false', 'False value'),
  null: none('json.value.null', 'Null value'),
  true: none('json.value.true', 'True value'),
  nan: none('json.value.nan', 'NaN value'),
};

/** Every field of the tree: a filter or list pass that reads none of them only needs the parse's length. */
const TREE_FIELDS = Object.values(json).filter((fd) => fd !== json.proto);

type Scalar = 'string' | 'number' | 'true' | 'false' | 'null' | 'nan';

/** A parsed JSON value: bytes [start, end) of the body. */
export type JsonNode =
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: Scalar; start: number; end: number };

/** An object member: its key token (quotes included) at [start, keyEnd), then its value. */
export interface JsonMember {
  start: number;
  keyEnd: number;
  value: JsonNode;
}

/** Deeper than this, a text is not taken (Wireshark's recursive parser has no limit; ours keeps its stack). */
const MAX_DEPTH = 256;

const isWs = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** JSON texts one after another, and where they end (whitespace after them included). */
export interface JsonTexts {
  texts: JsonNode[];
  end: number;
}

/** The JSON texts at the start of `b`. */
export function parseJsonTexts(b: Uint8Array): JsonTexts {
  const p = new JsonParser(b);
  const texts: JsonNode[] = [];
  let end = 0;
  for (;;) {
    p.pos = p.skipWs(end);
    const c = b[p.pos];
    const node = c === 0x7b || c === 0x5b ? p.value(0) : undefined;
    if (!node) break;
    texts.push(node);
    end = node.end;
  }
  // Whitespace after a text is the JSON's too (but not before a first one that does not parse).
  return { texts, end: texts.length ? p.skipWs(end) : 0 };
}

/** The escapes after a backslash besides \u, and the byte each stands for. */
const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
};

class JsonParser {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}

  skipWs(i: number): number {
    while (i < this.b.length && isWs(this.b[i])) i++;
    return i;
  }

  private literal(text: string): boolean {
    const b = this.b;
    if (this.pos + text.length > b.length) return false;
    for (let k = 0; k < text.length; k++) if (b[this.pos + k] !== text.charCodeAt(k)) return false;
    this.pos += text.length;
    return true;
  }

  /** A value at pos (whitespace before it skipped), pos moved past it; undefined when none parses. */
  value(depth: number): JsonNode | undefined {
    const b = this.b;
    this.pos = this.skipWs(this.pos);
    const start = this.pos;
    const c = b[start];
    const scalar = (kind: Scalar): JsonNode => ({ kind, start, end: this.pos });
    if (c === 0x7b) return depth < MAX_DEPTH ? this.object(depth + 1) : undefined;
    if (c === 0x5b) return depth < MAX_DEPTH ? this.array(depth + 1) : undefined;
    if (c === 0x22) return this.string() ? scalar('string') : undefined;
    if (this.literal('false')) return scalar('false');
    if (this.literal('null')) return scalar('null');
    if (this.literal('true')) return scalar('true');
    if (this.literal('NaN')) return scalar('nan');
    return this.number() ? scalar('number') : undefined;
  }

  private object(depth: number): JsonNode | undefined {
    const b = this.b;
    const start = this.pos++;
    const members: JsonMember[] = [];
    this.pos = this.skipWs(this.pos);
    if (b[this.pos] !== 0x7d) {
      for (;;) {
        this.pos = this.skipWs(this.pos);
        const mStart = this.pos;
        if (b[mStart] !== 0x22 || !this.string()) return undefined;
        const keyEnd = this.pos;
        this.pos = this.skipWs(this.pos);
        if (b[this.pos++] !== 0x3a) return undefined;
        const value = this.value(depth);
        if (!value) return undefined;
        members.push({ start: mStart, keyEnd, value });
        this.pos = this.skipWs(this.pos);
        if (b[this.pos] !== 0x2c) break;
        this.pos++;
      }
    }
    if (b[this.pos] !== 0x7d) return undefined;
    this.pos++;
    return { kind: 'object', start, end: this.pos, members };
  }

  private array(depth: number): JsonNode | undefined {
    const b = this.b;
    const start = this.pos++;
    const items: JsonNode[] = [];
    this.pos = this.skipWs(this.pos);
    if (b[this.pos] !== 0x5d) {
      for (;;) {
        const item = this.value(depth);
        if (!item) return undefined;
        items.push(item);
        this.pos = this.skipWs(this.pos);
        if (b[this.pos] !== 0x2c) break;
        this.pos++;
      }
    }
    if (b[this.pos] !== 0x5d) return undefined;
    this.pos++;
    return { kind: 'array', start, end: this.pos, items };
  }

  /** A string token at pos (its quotes included); false when it does not close or has a bad escape. */
  private string(): boolean {
    const b = this.b;
    let i = this.pos + 1;
    while (i < b.length) {
      const c = b[i];
      if (c === 0x22) {
        this.pos = i + 1;
        return true;
      }
      if (c !== 0x5c) {
        i++;
        continue;
      }
      const e = b[i + 1];
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) if (hexDigit(b[i + k]) < 0) return false;
        i += 6;
      } else if (SIMPLE_ESCAPES[e] !== undefined) i += 2;
      else return false;
    }
    return false;
  }

  /** A number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
  private number(): boolean {
    const b = this.b;
    let i = this.pos;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (b[i] >= 0x31 && b[i] <= 0x39) while (isDigit(b[i])) i++;
    else return false;
    if (b[i] === 0x2e && isDigit(b[i + 1])) {
      i++;
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      let j = i + 1;
      if (b[j] === 0x2b || b[j] === 0x2d) j++;
      if (isDigit(b[j])) {
        while (isDigit(b[j])) j++;
        i = j;
      }
    }
    this.pos = i;
    return true;
  }
}

const utf8 = new TextDecoder('utf-8');
const utf8Encode = new TextEncoder();

const hex4 = (b: Uint8Array, i: number): number => {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const d = hexDigit(b[i + k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
};

/**
 * A string token's text [start, end) (quotes excluded), unescaped as Wireshark's json_string_unescape does: the
 * simple escapes, \uXXXX (a surrogate pair joined, a lone or broken one as U+FFFD) leaving out characters that
 * do not print and one that ends the string, and everything else as the bytes it is (UTF-8).
 */
export function jsonUnescape(b: Uint8Array, start: number, end: number): string {
  // The common case: nothing escaped.
  if (b.subarray(start, end).indexOf(0x5c) < 0) return utf8.decode(b.subarray(start, end));
  const out: number[] = [];
  const pushChar = (cp: number) => {
    for (const x of utf8Encode.encode(String.fromCodePoint(cp))) out.push(x);
  };
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c !== 0x5c) {
      out.push(c);
      i++;
      continue;
    }
    const e = b[i + 1];
    if (e !== 0x75) {
      const s = SIMPLE_ESCAPES[e];
      if (s !== undefined) out.push(s);
      i += 2;
      continue;
    }
    let cp = hex4(b, i + 2);
    i += 6;
    let valid = cp >= 0;
    if (cp >= 0xd800 && cp <= 0xdbff) {
      // A lead surrogate: a trail one must follow as another \u escape; otherwise one more character goes.
      if (b[i] === 0x5c && b[i + 1] === 0x75) {
        const trail = hex4(b, i + 2);
        i += 6;
        if (trail >= 0xdc00 && trail <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (trail - 0xdc00);
        else valid = false;
      } else {
        i += b[i] === 0x5c ? 2 : 1;
        valid = false;
      }
    } else if (cp >= 0xdc00 && cp <= 0xdfff) valid = false;
    // Wireshark's quirk: a character escaped at the very end of the string is left out too.
    if (!valid) pushChar(0xfffd);
    // (Characters that do not print are left out, as Wireshark's g_unichar_isprint() has it.)
    else if (i < end && printable(String.fromCodePoint(cp))) pushChar(cp);
  }
  return utf8.decode(Uint8Array.from(out));
}

/**
 * The JSON layer over the JSON texts at the start of `body`, as Wireshark adds it under a calling protocol:
 * "/JSON" joins the Protocol column and ", JavaScript Object Notation" the Info text; with a media type (an HTTP
 * body's) the layer is named after it. The layer is at the top level of the tree, or under `parent`
 * (DB-LSP-DISC's). Returns the length the JSON texts take: the caller hands on what follows.
 */
export function jsonLayer(
  body: DissectCtx,
  mediaType?: string,
  parent?: Item,
  parsed: JsonTexts = parseJsonTexts(body.view.bytes),
): number {
  const b = body.view.bytes;
  const cols = body.columns;
  cols.protocol = cols.protocol ? `${cols.protocol}/JSON` : 'JSON';
  cols.info = cols.info ? `${cols.info}, JavaScript Object Notation` : 'JavaScript Object Notation';
  const { texts, end } = parsed;
  const top = body.layerItem(json.proto, 0, end, undefined, parent);
  if (mediaType) body.setLabel(top, `JavaScript Object Notation: ${mediaType}`);
  if (body.wantsAny(TREE_FIELDS)) {
    const scope = { path: '', key: '' };
    for (const t of texts) emit(body, b, t, top, scope);
  }
  return end;
}

/** The enclosing member's (or array's) path and key, which a plain value's generated items name. */
interface Scope {
  path: string;
  key: string;
}

function emit(ctx: DissectCtx, b: Uint8Array, node: JsonNode, parent: Item, scope: Scope): void {
  const len = node.end - node.start;
  if (node.kind === 'object') {
    const it = ctx.add(json.object, node.start, len, null, { parent });
    for (const m of node.members) {
      const key = jsonUnescape(b, m.start + 1, m.keyEnd - 1);
      const mLen = m.value.end - m.start;
      const mi = ctx.add(json.member, m.start, mLen, key, { parent: it });
      const path = `${scope.path}/${key}`;
      emit(ctx, b, m.value, mi, { path, key });
      ctx.add(json.key, m.start, m.keyEnd - m.start, key, { parent: mi });
      ctx.add(json.path, m.start, mLen, path, { parent: mi, generated: true });
    }
    return;
  }
  if (node.kind === 'array') {
    const it = ctx.add(json.array, node.start, len, null, { parent });
    const inner = { path: `${scope.path}/[]`, key: '[]' };
    for (const item of node.items) emit(ctx, b, item, it, inner);
    return;
  }
  const text =
    node.kind === 'string'
      ? jsonUnescape(b, node.start + 1, node.end - 1)
      : String.fromCharCode(...b.subarray(node.start, node.end));
  ctx.add(json.pathWithValue, node.start, len, `${scope.path}:${text}`, { parent, generated: true });
  ctx.add(json.memberWithValue, node.start, len, `${scope.key}:${text}`, { parent, generated: true });
  const field = node.kind === 'string' ? json.string : node.kind === 'number' ? json.number : json[node.kind];
  ctx.add(field, node.start, len, node.kind === 'string' || node.kind === 'number' ? text : null, { parent });
}

/** The media types Wireshark 4.0 hands to its JSON dissector. */
export const JSON_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/json',
  'application/senml+json',
  'application/sensml+json',
  'application/json-rpc',
  'application/jsonrequest',
  'application/dds-web+json',
  'application/vnd.oma.lwm2m+json',
  'application/problem+json',
  'application/merge-patch+json',
  'application/json-patch+json',
  'application/x-ndjson',
]);

/** Whether `b` is one JSON text and nothing else but whitespace (Wireshark's json_validate, for heuristics). */
export function isJsonText(b: Uint8Array, parsed: JsonTexts = parseJsonTexts(b)): boolean {
  const { texts, end } = parsed;
  if (texts.length !== 1) return false;
  for (let i = end; i < b.length; i++) if (!isWs(b[i])) return false;
  return true;
}
