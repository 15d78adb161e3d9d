/**
 * Lexer and parser for Wireshark 4.0 display filters. Errors are values with a span [start, end) into the
 * input. The parser is recursive descent with an explicit nesting limit (no stack overflow on hostile input).
 */

export interface Diagnostic {
  message: string;
  span: [number, number];
}

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly span: [number, number],
  ) {
    super(message);
  }
}

export type TokKind =
  | 'word' // unquoted text: field names, numbers, addresses, byte strings, bare strings
  | 'string'
  | 'raw'
  | 'char'
  | 'op' // punctuation operators
  | 'eof';

export interface Token {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
  /** Decoded value of a string/char literal. */
  value?: string;
  /** Invalid escapes met in a string (decided later: an error, or a regex escape in a `matches` pattern). */
  badEscapes?: { text: string; span: [number, number]; index: number }[];
}

/** Operators, longest first. */
const OPS = [
  '===',
  '!==',
  '==',
  '!=',
  '>=',
  '<=',
  '&&',
  '||',
  '^^',
  '..',
  '${',
  '>',
  '<',
  '!',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&',
  '+',
  '-',
  '*',
  '/',
  '%',
  '~',
  '#',
  '=',
];

const WORD_START = /[A-Za-z0-9_:.]/;
const WORD_CHAR = /[A-Za-z0-9_.:\-/]/;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  '"': '"',
  "'": "'",
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function decodeEscapes(
  body: string,
  start: number,
): { value: string; bad: NonNullable<Token['badEscapes']> } {
  let out = '';
  const bad: NonNullable<Token['badEscapes']> = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === undefined) {
      out += '\\';
      break;
    }
    if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
      i++;
    } else if (n === 'x' && /^[0-9a-fA-F]{1,2}/.test(body.slice(i + 2, i + 4))) {
      const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 2, i + 4))![0];
      out += String.fromCharCode(parseInt(m, 16));
      i += 1 + m.length;
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))![0];
      out += String.fromCharCode(parseInt(m, 8) & 255);
      i += m.length;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}/.test(body.slice(i + 2, i + 6))) {
      out += String.fromCharCode(parseInt(body.slice(i + 2, i + 6), 16));
      i += 5;
    } else {
      bad.push({ text: `\\${n}`, span: [start + 1 + i, start + 3 + i], index: out.length });
      out += `\\${n}`;
      i++;
    }
  }
  return { value: out, bad };
}

export function lex(input: string): Token[] {
  const toks: Token[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    const c = input[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    // Strings: "…", r"…" / R"…"
    if (c === '"' || ((c === 'r' || c === 'R') && input[i + 1] === '"')) {
      const raw = c !== '"';
      const start = i;
      let j = raw ? i + 2 : i + 1;
      let body = '';
      for (;;) {
        if (j >= n)
          throw new FilterSyntaxError('The final quote was missing from a quoted string.', [start, n]);
        const ch = input[j];
        if (ch === '\\' && j + 1 < n) {
          body += ch + input[j + 1];
          j += 2;
          continue;
        }
        if (ch === '"') break;
        body += ch;
        j++;
      }
      const end = j + 1;
      if (raw)
        toks.push({
          kind: 'raw',
          text: input.slice(start, end),
          start,
          end,
          value: body.replace(/\\"/g, '"'),
        });
      else {
        const { value, bad } = decodeEscapes(body, start);
        const t: Token = { kind: 'string', text: input.slice(start, end), start, end, value };
        if (bad.length) t.badEscapes = bad;
        toks.push(t);
      }
      i = end;
      continue;
    }
    if (c === "'") {
      const start = i;
      let j = i + 1;
      while (j < n && input[j] !== "'") j += input[j] === '\\' ? 2 : 1;
      if (j >= n)
        throw new FilterSyntaxError('The final quote was missing from a character constant.', [start, n]);
      const body = input.slice(i + 1, j);
      const { value, bad } = decodeEscapes(body, start);
      if (bad.length || value.length !== 1) {
        throw new FilterSyntaxError(`'${body}' isn't a valid character constant.`, [start, j + 1]);
      }
      toks.push({ kind: 'char', text: input.slice(start, j + 1), start, end: j + 1, value });
      i = j + 1;
      continue;
    }
    if (WORD_START.test(c) && !(c === '.' && input[i + 1] === '.')) {
      const start = i;
      let j = i;
      while (j < n && WORD_CHAR.test(input[j])) {
        if (input[j] === '.' && input[j + 1] === '.') break; // range operator inside a set: 80..81
        j++;
      }
      toks.push({ kind: 'word', text: input.slice(start, j), start, end: j });
      i = j;
      continue;
    }
    const op = OPS.find((o) => input.startsWith(o, i));
    if (op) {
      toks.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
      continue;
    }
    throw new FilterSyntaxError(`"${c}" was unexpected in this context.`, [i, i + 1]);
  }
  toks.push({ kind: 'eof', text: '', start: n, end: n });
  return toks;
}

// ── AST ─────────────────────────────────────────────────────────────────────────────────────────────────────
export type Span = [number, number];

export interface SliceRange {
  /** start index (may be negative) and length; length undefined = to the end. */
  start: number;
  length?: number;
}

export type Node =
  | { k: 'logic'; op: 'and' | 'or' | 'xor'; a: Node; b: Node; span: Span }
  | { k: 'not'; a: Node; span: Span }
  | { k: 'cmp'; op: CmpOp; a: Node; b: Node; span: Span; opSpan: Span }
  | { k: 'in'; a: Node; set: SetElem[]; negate: boolean; span: Span }
  | { k: 'word'; tok: Token; layer?: LayerSel; span: Span }
  | { k: 'ref'; name: string; layer?: LayerSel; span: Span }
  | { k: 'slice'; a: Node; ranges: SliceRange[]; span: Span }
  | { k: 'func'; name: string; args: Node[]; span: Span }
  | { k: 'lit'; tok: Token; span: Span }
  | { k: 'arith'; op: '+' | '-' | '*' | '/' | '%' | '&'; a: Node; b: Node; span: Span }
  | { k: 'neg'; a: Node; span: Span };

/** Layer selection `f#2` or `f#[1-2,-1]`: inclusive ranges of 1-based layers (negative counts from the last). */
export type LayerSel = [number, number][];

export type CmpOp =
  'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'gt' | 'ge' | 'lt' | 'le' | 'contains' | 'matches';

export interface SetElem {
  lo: Node;
  hi?: Node;
}

const CMP: Record<string, CmpOp> = {
  '==': 'any_eq',
  eq: 'any_eq',
  any_eq: 'any_eq',
  '!=': 'all_ne',
  ne: 'all_ne',
  all_ne: 'all_ne',
  '===': 'all_eq',
  all_eq: 'all_eq',
  '!==': 'any_ne',
  any_ne: 'any_ne',
  '>': 'gt',
  gt: 'gt',
  '>=': 'ge',
  ge: 'ge',
  '<': 'lt',
  lt: 'lt',
  '<=': 'le',
  le: 'le',
  contains: 'contains',
  matches: 'matches',
  '~': 'matches',
};

const MAX_DEPTH = 256;
const FUNCTIONS = new Set(['len', 'count', 'upper', 'lower', 'string', 'abs', 'max', 'min', 'vals']);

class Parser {
  private p = 0;
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly input: string,
  ) {}

  private peek(o = 0): Token {
    return this.toks[Math.min(this.p + o, this.toks.length - 1)];
  }
  private next(): Token {
    return this.toks[Math.min(this.p++, this.toks.length - 1)];
  }
  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'op' && ops.includes(t.text);
  }
  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'word' && words.includes(t.text.toLowerCase());
  }
  private unexpected(t: Token): never {
    if (t.kind === 'eof')
      throw new FilterSyntaxError('Unexpected end of filter expression.', [t.start, t.end]);
    throw new FilterSyntaxError(`"${t.text}" was unexpected in this context.`, [t.start, t.end]);
  }
  private enter(t: Token): void {
    if (++this.depth > MAX_DEPTH)
      throw new FilterSyntaxError(`Filter is nested too deeply (more than ${MAX_DEPTH} levels).`, [
        t.start,
        t.end,
      ]);
  }

  parse(): Node {
    if (this.peek().kind === 'eof') throw new FilterSyntaxError('Empty filter expression.', [0, 0]);
    const e = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t);
    return e;
  }

  private or(): Node {
    let a = this.xor();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '||') || this.isWord(t, 'or')) {
        this.next();
        const b = this.xor();
        a = { k: 'logic', op: 'or', a, b, span: [a.span[0], b.span[1]] };
      } else return a;
    }
  }
  private xor(): Node {
    let a = this.and();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '^^') || this.isWord(t, 'xor')) {
        this.next();
        const b = this.and();
        a = { k: 'logic', op: 'xor', a, b, span: [a.span[0], b.span[1]] };
      } else return a;
    }
  }
  private and(): Node {
    let a = this.unary();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '&&') || this.isWord(t, 'and')) {
        this.next();
        const b = this.unary();
        a = { k: 'logic', op: 'and', a, b, span: [a.span[0], b.span[1]] };
      } else return a;
    }
  }
  private unary(): Node {
    const t = this.peek();
    if (this.isOp(t, '!') || this.isWord(t, 'not')) {
      this.next();
      this.enter(t);
      const a = this.unary();
      this.depth--;
      return { k: 'not', a, span: [t.start, a.span[1]] };
    }
    return this.relation();
  }
  private relation(): Node {
    const a = this.arith();
    const t = this.peek();
    const key = t.kind === 'op' ? t.text : t.kind === 'word' ? t.text.toLowerCase() : '';
    if ((t.kind === 'op' || t.kind === 'word') && key in CMP && !(t.kind === 'op' && key === '&')) {
      this.next();
      const b = this.arith();
      const after = this.peek();
      const akey = after.kind === 'op' ? after.text : after.kind === 'word' ? after.text.toLowerCase() : '';
      if (akey in CMP) this.unexpected(after);
      return { k: 'cmp', op: CMP[key], a, b, span: [a.span[0], b.span[1]], opSpan: [t.start, t.end] };
    }
    if (this.isWord(t, 'in') || (this.isWord(t, 'not') && this.isWord(this.peek(1), 'in'))) {
      const negate = this.isWord(t, 'not');
      this.next();
      if (negate) this.next();
      const open = this.next();
      if (!this.isOp(open, '{')) this.unexpected(open);
      const set: SetElem[] = [];
      for (;;) {
        const lo = this.arith();
        let hi: Node | undefined;
        if (this.isOp(this.peek(), '..')) {
          this.next();
          hi = this.arith();
        }
        set.push(hi ? { lo, hi } : { lo });
        const sep = this.next();
        if (this.isOp(sep, '}')) return { k: 'in', a, set, negate, span: [a.span[0], sep.end] };
        if (!this.isOp(sep, ',')) this.unexpected(sep);
      }
    }
    if (t.kind === 'op' && t.text === '=') this.unexpected(t);
    return a;
  }
  private arith(): Node {
    let a = this.term();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '+', '-', '&')) {
        this.next();
        const b = this.term();
        a = { k: 'arith', op: t.text as '+' | '-' | '&', a, b, span: [a.span[0], b.span[1]] };
      } else return a;
    }
  }
  private term(): Node {
    let a = this.factor();
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '*', '/', '%')) {
        this.next();
        const b = this.factor();
        a = { k: 'arith', op: t.text as '*' | '/' | '%', a, b, span: [a.span[0], b.span[1]] };
      } else return a;
    }
  }
  private factor(): Node {
    const t = this.peek();
    if (this.isOp(t, '-')) {
      this.next();
      this.enter(t);
      const a = this.factor();
      this.depth--;
      return { k: 'neg', a, span: [t.start, a.span[1]] };
    }
    if (this.isOp(t, '+')) {
      this.next();
      return this.factor();
    }
    return this.postfix(this.primary());
  }
  private primary(): Node {
    const t = this.next();
    if (this.isOp(t, '(')) {
      this.enter(t);
      const e = this.or();
      this.depth--;
      const c = this.next();
      if (!this.isOp(c, ')')) this.unexpected(c);
      return e.k === 'word' || e.k === 'lit' ? { ...e } : ({ ...e, span: [t.start, c.end] } as Node);
    }
    if (this.isOp(t, '{')) {
      // Arithmetic grouping braces (4.0).
      this.enter(t);
      const e = this.arith();
      this.depth--;
      const c = this.next();
      if (!this.isOp(c, '}')) this.unexpected(c);
      return e;
    }
    if (this.isOp(t, '${')) {
      const name = this.next();
      if (name.kind !== 'word') this.unexpected(name);
      const inner = this.postfix({ k: 'word', tok: name, span: [name.start, name.end] });
      const c = this.next();
      if (!this.isOp(c, '}') || inner.k !== 'word') this.unexpected(c);
      return { k: 'ref', name: name.text, layer: inner.layer, span: [t.start, c.end] };
    }
    if (t.kind === 'word') {
      if (FUNCTIONS.has(t.text) && this.isOp(this.peek(), '(')) {
        this.next();
        const args: Node[] = [];
        if (!this.isOp(this.peek(), ')')) {
          for (;;) {
            args.push(this.arith());
            const sep = this.next();
            if (this.isOp(sep, ')')) return { k: 'func', name: t.text, args, span: [t.start, sep.end] };
            if (!this.isOp(sep, ',')) this.unexpected(sep);
          }
        }
        const c = this.next();
        return { k: 'func', name: t.text, args, span: [t.start, c.end] };
      }
      return { k: 'word', tok: t, span: [t.start, t.end] };
    }
    if (t.kind === 'string' || t.kind === 'raw' || t.kind === 'char')
      return { k: 'lit', tok: t, span: [t.start, t.end] };
    this.unexpected(t);
  }
  private postfix(a: Node): Node {
    for (;;) {
      const t = this.peek();
      if (this.isOp(t, '[')) {
        this.next();
        const close = this.toks.findIndex((x, i) => i >= this.p && this.isOp(x, ']'));
        if (close < 0)
          throw new FilterSyntaxError('Unexpected end of filter expression.', [t.start, this.input.length]);
        const endTok = this.toks[close];
        const text = this.input.slice(t.end, endTok.start);
        this.p = close + 1;
        a = { k: 'slice', a, ranges: parseRanges(text, t.end), span: [a.span[0], endTok.end] };
        continue;
      }
      if (this.isOp(t, '#') && a.k === 'word') {
        this.next();
        const n = this.next();
        if (n.kind === 'word' && /^\d+$/.test(n.text)) {
          a = { ...a, layer: [[Number(n.text), Number(n.text)]], span: [a.span[0], n.end] };
          continue;
        }
        if (!this.isOp(n, '[')) this.unexpected(n);
        const close = this.toks.findIndex((x, i) => i >= this.p && this.isOp(x, ']'));
        if (close < 0)
          throw new FilterSyntaxError('Unexpected end of filter expression.', [n.start, this.input.length]);
        const text = this.input.slice(n.end, this.toks[close].start);
        const layer: LayerSel = parseRanges(text, n.end).map((r) => [
          r.start,
          r.length === undefined ? -1 : r.start + r.length - 1,
        ]);
        a = { ...a, layer, span: [a.span[0], this.toks[close].end] };
        this.p = close + 1;
        continue;
      }
      return a;
    }
  }
}

function parseRanges(text: string, base: number): SliceRange[] {
  const out: SliceRange[] = [];
  let pos = base;
  for (const raw of text.split(',')) {
    const s = raw.trim();
    const span: Span = [pos, pos + raw.length];
    pos += raw.length + 1;
    let m: RegExpExecArray | null;
    if ((m = /^(-?\d+)$/.exec(s))) out.push({ start: Number(m[1]), length: 1 });
    else if ((m = /^(-?\d+):(\d+)$/.exec(s))) out.push({ start: Number(m[1]), length: Number(m[2]) });
    else if ((m = /^(-?\d+)-(-?\d+)$/.exec(s))) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      out.push({ start: a, length: b - a + 1 });
    } else if ((m = /^:(\d+)$/.exec(s))) out.push({ start: 0, length: Number(m[1]) });
    else if ((m = /^(-?\d+):$/.exec(s))) out.push({ start: Number(m[1]) });
    else throw new FilterSyntaxError(`"${s}" is not a valid range.`, span);
  }
  return out;
}

export function parse(input: string): Node {
  return new Parser(lex(input), input).parse();
}
