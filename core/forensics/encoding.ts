/**
 * Text encoding detection (BOMs, UTF-16 without BOM, UTF-8, ASCII, else windows-1252) and the "text hash":
 * the decoded text as UTF-8 without BOM, so the same text saved as ANSI, UTF-8 with BOM or UTF-16LE hashes the
 * same (while the byte hashes differ, as the course shows).
 */
import type { TextEncodingInfo } from '../api/types.js';
import { hashBytes } from './hash.js';

export type Encoding = TextEncodingInfo['encoding'];

export function detectEncoding(b: Uint8Array): Encoding {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return 'utf-32le-bom';
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return 'utf-32be-bom';
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8-bom';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le-bom';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be-bom';
  if (b.length === 0) return 'ascii';
  // UTF-16 without BOM: mostly ASCII text with NULs in every other byte.
  if (b.length >= 4 && b.length % 2 === 0) {
    let evenNul = 0;
    let oddNul = 0;
    const n = Math.min(b.length, 4096);
    for (let i = 0; i < n; i += 2) {
      if (b[i] === 0) evenNul++;
      if (b[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul / pairs > 0.4 && evenNul / pairs < 0.05) return 'utf-16le';
    if (evenNul / pairs > 0.4 && oddNul / pairs < 0.05) return 'utf-16be';
  }
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0 || (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27)) return 'binary';
    if (c >= 0x80) ascii = false;
  }
  if (ascii) return 'ascii';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

const DECODER: Partial<Record<Encoding, [string, number]>> = {
  'utf-8-bom': ['utf-8', 3],
  'utf-16le-bom': ['utf-16le', 2],
  'utf-16be-bom': ['utf-16be', 2],
  'utf-16le': ['utf-16le', 0],
  'utf-16be': ['utf-16be', 0],
  'utf-8': ['utf-8', 0],
  ascii: ['utf-8', 0],
  'windows-1252': ['windows-1252', 0],
};

function decodeUtf32(b: Uint8Array, le: boolean): string {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let s = '';
  for (let i = 4; i + 4 <= b.length; i += 4)
    s += String.fromCodePoint(Math.min(dv.getUint32(i, le), 0x10ffff));
  return s;
}

// windows-1252 differs from Latin-1 in 0x80–0x9F (Node's TextDecoder treats the label as Latin-1).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeCp1252(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x80 && c <= 0x9f ? CP1252_HIGH[c - 0x80] : String.fromCharCode(c);
  return s;
}

/** Decoded text, or undefined for binary data. */
export function decodeText(b: Uint8Array, enc = detectEncoding(b)): string | undefined {
  if (enc === 'binary') return undefined;
  if (enc === 'utf-32le-bom' || enc === 'utf-32be-bom') return decodeUtf32(b, enc === 'utf-32le-bom');
  if (enc === 'windows-1252') return decodeCp1252(b);
  const [label, skip] = DECODER[enc] ?? ['utf-8', 0];
  return new TextDecoder(label).decode(b.subarray(skip));
}

export function encodingInfo(b: Uint8Array): TextEncodingInfo {
  const encoding = detectEncoding(b);
  const text = decodeText(b, encoding);
  return text === undefined
    ? { encoding }
    : { encoding, textHashes: hashBytes(new TextEncoder().encode(text)) };
}
