/**
 * The inside of a PNG (Wireshark's "Portable Network Graphics" layer): the signature, then each chunk with its
 * length, type, property bits, contents and CRC. An image header's size and colour type; text chunks' keywords
 * and strings (metadata an investigator reads: software, author, comments). As Wireshark 4.0 shows them.
 */
import { bool, bytes as bytesField, none, str, uint } from '../fields/registry.js';
import type { DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';

/** Chunk names as Wireshark gives them. */
const CHUNKS: Record<string, string> = {
  IHDR: 'Image Header',
  PLTE: 'Palette',
  IDAT: 'Image data chunk',
  IEND: 'Image Trailer',
  tEXt: 'Textual data',
  tIME: 'Image last-modification time',
  pHYs: 'Physical pixel dimensions',
  bKGD: 'Background colour',
  sRGB: 'Standard RGB colour space',
  gAMA: 'Image gamma',
  cHRM: 'Primary chromaticities and white point',
};

const p = {
  signature: bytesField('png.signature', 'PNG Signature'),
  len: uint('png.chunk.len', 'Len', 32),
  type: str('png.chunk.type', 'Chunk'),
  ancillary: bool('png.chunk.flag.ancillary', 'Ancillary', {
    bits: 32,
    bitmask: 0x20000000,
    trueFalse: ['This is an ANCILLARY chunk', 'This is a CRITICAL chunk'],
  }),
  private: bool('png.chunk.flag.private', 'Private', {
    bits: 32,
    bitmask: 0x00200000,
    trueFalse: ['This is a PRIVATE chunk', 'This is a PUBLIC chunk'],
  }),
  stc: bool('png.chunk.flag.stc', 'Safe To Copy', {
    bits: 32,
    bitmask: 0x00000020,
    trueFalse: ['This chunk is SAFE to copy', 'This chunk is NOT safe to copy'],
  }),
  data: none('png.chunk.data', 'Data'),
  crc: uint('png.chunk.crc', 'CRC', 32, { base: 'hex' }),
  width: uint('png.ihdr.width', 'Width', 32),
  height: uint('png.ihdr.height', 'Height', 32),
  bitDepth: uint('png.ihdr.bitdepth', 'Bit Depth', 8),
  colourType: uint('png.ihdr.colour_type', 'Colour Type', 8, {
    strings: {
      0: 'Greyscale',
      2: 'Truecolour',
      3: 'Indexed-colour',
      4: 'Greyscale with alpha',
      6: 'Truecolour with alpha',
    },
  }),
  compression: uint('png.ihdr.compression_method', 'Compression Method', 8, { strings: { 0: 'Deflate' } }),
  filter: uint('png.ihdr.filter_method', 'Filter Method', 8, { strings: { 0: 'Adaptive' } }),
  interlace: uint('png.ihdr.interlace_method', 'Interlace Method', 8, {
    strings: { 0: 'No interlace', 1: 'Adam7' },
  }),
  keyword: str('png.text.keyword', 'Keyword'),
  text: str('png.text.string', 'String'),
};

/** What a chunk holds, under its item. */
function contents(ctx: DissectCtx, type: string, off: number, len: number, parent: Item): void {
  const v = ctx.view;
  if (type === 'IHDR' && len >= 13) {
    ctx.add(p.width, off, 4, v.u32be(off), { parent });
    ctx.add(p.height, off + 4, 4, v.u32be(off + 4), { parent });
    ctx.add(p.bitDepth, off + 8, 1, v.u8(off + 8), { parent });
    ctx.add(p.colourType, off + 9, 1, v.u8(off + 9), { parent });
    ctx.add(p.compression, off + 10, 1, v.u8(off + 10), { parent });
    ctx.add(p.filter, off + 11, 1, v.u8(off + 11), { parent });
    ctx.add(p.interlace, off + 12, 1, v.u8(off + 12), { parent });
    return;
  }
  if (type === 'tEXt') {
    const raw = v.latin1(off, len);
    const nul = raw.indexOf('\0');
    const key = nul < 0 ? raw : raw.slice(0, nul);
    ctx.add(p.keyword, off, key.length, key, { parent });
    if (nul >= 0) ctx.add(p.text, off + nul + 1, len - nul - 1, raw.slice(nul + 1), { parent });
    return;
  }
  if (len > 0) ctx.add(p.data, off, len, null, { parent });
}

/** The PNG's chunks under the layer item `top` (the body's bytes from its signature on). */
export function pngDetails(ctx: DissectCtx, top: Item): void {
  const v = ctx.view;
  ctx.add(p.signature, 0, 8, v.slice(0, 8), { parent: top });
  for (let off = 8; off + 8 <= v.length;) {
    const len = v.u32be(off);
    const raw = v.u32be(off + 4);
    const type = v.latin1(off + 4, 4);
    const name = CHUNKS[type];
    const chunk = ctx.text(name ? `${name} (${type})` : `Unknown (${type})`, off, 12 + len, top);
    ctx.add(p.len, off, 4, len, { parent: chunk });
    ctx.add(p.type, off + 4, 4, type, { parent: chunk });
    ctx.add(p.ancillary, off + 4, 4, (raw & 0x20000000) !== 0, { parent: chunk });
    ctx.add(p.private, off + 4, 4, (raw & 0x00200000) !== 0, { parent: chunk });
    ctx.add(p.stc, off + 4, 4, (raw & 0x00000020) !== 0, { parent: chunk });
    contents(ctx, type, off + 8, len, chunk);
    ctx.add(p.crc, off + 8 + len, 4, v.u32be(off + 8 + len), { parent: chunk });
    off += 12 + len;
    if (type === 'IEND') break;
  }
}
