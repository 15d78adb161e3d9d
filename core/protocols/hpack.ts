/**
 * HPACK (RFC 7541): HTTP/2's header compression. A decoder per connection direction keeps the dynamic table;
 * string literals may be Huffman-coded with the RFC's canonical code (Appendix B), rebuilt here from its code
 * lengths.
 */

/** Appendix B's code length of every symbol 0–255, then EOS (256). The code itself is canonical. */
const LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28,
  28, 28, 28, 28, 28, 6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7,
  8, 15, 6, 12, 10, 13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19,
  13, 14, 6, 15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13,
  28, 20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21,
  22, 23, 22, 23, 23, 24, 22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23,
  22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, 26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, 20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25,
  25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, 30,
];

/** Canonical decoding tables: per length, the first code, how many codes, and where its symbols start. */
const MAX_LEN = 30;
const count = new Array<number>(MAX_LEN + 1).fill(0);
const firstCode = new Array<number>(MAX_LEN + 1).fill(0);
const firstIndex = new Array<number>(MAX_LEN + 1).fill(0);
const symbols: number[] = [];
{
  for (const l of LENGTHS) count[l]++;
  let code = 0;
  for (let len = 1, idx = 0; len <= MAX_LEN; len++) {
    firstCode[len] = code;
    firstIndex[len] = idx;
    code = (code + count[len]) * 2;
    idx += count[len];
  }
  for (let len = 1; len <= MAX_LEN; len++)
    for (let sym = 0; sym < LENGTHS.length; sym++) if (LENGTHS[sym] === len) symbols.push(sym);
}

export class HpackError extends Error {}

/** A Huffman-coded string literal (§5.2): padding is at most 7 bits, all ones. */
export function huffmanDecode(b: Uint8Array): Uint8Array {
  const out: number[] = [];
  let code = 0;
  let len = 0;
  for (const byte of b) {
    for (let bit = 7; bit >= 0; bit--) {
      code = code * 2 + ((byte >> bit) & 1);
      len++;
      const i = code - firstCode[len];
      if (i >= 0 && i < count[len]) {
        const sym = symbols[firstIndex[len] + i];
        if (sym === 256) throw new HpackError('EOS in a Huffman-coded string');
        out.push(sym);
        code = 0;
        len = 0;
      } else if (len >= MAX_LEN) throw new HpackError('invalid Huffman code');
    }
  }
  if (len > 7 || code !== 2 ** len - 1) throw new HpackError('invalid Huffman padding');
  return Uint8Array.from(out);
}

/** Appendix A. */
const STATIC: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

export type Header = readonly [name: string, value: string];

/** One direction's decoder: its dynamic table persists from header block to header block. */
export class HpackDecoder {
  private dynamic: Header[] = [];
  private size = 0;
  private max = 4096;

  /** The header list of one complete header block; throws HpackError on a malformed one. */
  decode(b: Uint8Array): Header[] {
    const out: Header[] = [];
    let p = 0;
    const int = (prefix: number): number => {
      if (p >= b.length) throw new HpackError('header block cut short');
      const mask = (1 << prefix) - 1;
      let v = b[p++] & mask;
      if (v < mask) return v;
      for (let m = 0; ; m += 7) {
        if (p >= b.length || m > 28) throw new HpackError('integer too long');
        const x = b[p++];
        v += (x & 0x7f) * 2 ** m;
        if (!(x & 0x80)) return v;
      }
    };
    const str = (): string => {
      if (p >= b.length) throw new HpackError('header block cut short');
      const huffman = (b[p] & 0x80) !== 0;
      const len = int(7);
      if (p + len > b.length) throw new HpackError('string literal cut short');
      const raw = b.subarray(p, p + len);
      p += len;
      return Buffer.from(huffman ? huffmanDecode(raw) : raw).toString('latin1');
    };
    const entry = (i: number): Header => {
      const e = i >= 1 && i <= STATIC.length ? STATIC[i - 1] : this.dynamic[i - STATIC.length - 1];
      if (!e) throw new HpackError(`header index ${i} is not in the table`);
      return e;
    };
    while (p < b.length) {
      const c = b[p];
      if (c & 0x80) out.push(entry(int(7)));
      else if ((c & 0xe0) === 0x20) {
        this.max = int(5);
        this.evict(0);
      } else {
        const incremental = (c & 0xc0) === 0x40;
        const idx = int(incremental ? 6 : 4);
        const name = idx === 0 ? str() : entry(idx)[0];
        const h: Header = [name, str()];
        out.push(h);
        if (incremental) this.add(h);
      }
    }
    return out;
  }

  private add(h: Header): void {
    const size = h[0].length + h[1].length + 32;
    this.evict(size);
    if (size > this.max) return;
    this.dynamic.unshift(h);
    this.size += size;
  }

  /** Drops the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    while (this.dynamic.length && this.size + room > this.max) {
      const h = this.dynamic.pop() as Header;
      this.size -= h[0].length + h[1].length + 32;
    }
  }
}
