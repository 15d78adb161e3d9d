/**
 * The inside of a GIF (Wireshark's "Compuserve GIF" layer): the logical screen, the global color map, each
 * extension and image with its data blocks, the trailer. What an investigator checks of an image said to be a
 * GIF: its real dimensions, whether it is animated (several images, a NETSCAPE2.0 application extension), a
 * 1x1 tracking pixel. As Wireshark 4.0 shows it.
 */
import { none, uint, bytes as bytesField, type FieldDef } from '../fields/registry.js';
import { hexPreview } from '../fields/format.js';
import type { DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';

const TRUE_FALSE = { 0: 'False', 1: 'True' };
const EXTENSIONS: Record<number, string> = {
  0x01: 'Plain Text',
  0xf9: 'Graphics Control',
  0xfe: 'Comment',
  0xff: 'Application',
};

/** The four fields of a packed settings byte (the screen's or an image's), as Wireshark names them. */
function settingsFields(scope: 'global' | 'local', Scope: string): FieldDef[] {
  return [
    uint(`image-gif.${scope}.color_map.present`, `${Scope} color map is present`, 8, {
      bitmask: 0x80,
      strings: TRUE_FALSE,
    }),
    uint(`image-gif.${scope}.color_bpp`, 'Bits per color minus 1', 8, { bitmask: 0x70 }),
    uint(`image-gif.${scope}.color_map.ordered`, `${Scope} color map is ordered`, 8, {
      bitmask: 0x08,
      strings: TRUE_FALSE,
    }),
    uint(`image-gif.${scope}.bpp`, 'Image bits per pixel minus 1', 8, { bitmask: 0x07 }),
  ];
}

const g = {
  screenWidth: uint('image-gif.screen.width', 'Screen width', 16),
  screenHeight: uint('image-gif.screen.height', 'Screen height', 16),
  global: settingsFields('global', 'Global'),
  background: uint('image-gif.image_background_index', 'Background color index', 8),
  aspect: uint('image-gif.global.pixel_aspect_ratio', 'Global pixel aspect ratio', 8),
  globalMap: bytesField('image-gif.global.color_map', 'Global color map'),
  extension: none('image-gif.extension', 'Extension'),
  extensionLabel: uint('image-gif.extension.label', 'Extension label', 8, {
    base: 'hex',
    strings: EXTENSIONS,
  }),
  image: none('image-gif.image', 'Image'),
  left: uint('image-gif.image.left', 'Image left position', 16),
  top: uint('image-gif.image.top', 'Image top position', 16),
  width: uint('image-gif.image.width', 'Image width', 16),
  height: uint('image-gif.image.height', 'Image height', 16),
  // Wireshark shows an image's bits per pixel in the global field (image-gif.global.bpp), not its local one.
  local: [
    ...settingsFields('local', 'Local').slice(0, 3),
    uint('image-gif.global.bpp', 'Image bits per pixel minus 1', 8, { bitmask: 0x07 }),
  ],
  localMap: bytesField('image-gif.local.color_map', 'Local color map'),
  codeSize: uint('image-gif.image.code_size', 'LZW minimum code size', 8),
  dataBlock: bytesField('image-gif.data_block', 'Data block', { allowZero: true }),
  end: none('image-gif.end', 'Trailer (End of the GIF stream)'),
};

/** "(Global color table present) (7 bits per color) (8 bits per pixel)", as Wireshark 4.0 words it. */
function settingsText(packed: number, table: string): string {
  const per = (n: number, what: string) => ` (${n} bit${n === 1 ? '' : 's'} per ${what})`;
  // Wireshark reads the color resolution through the mask 0x60 (its text, not its bit field, says so).
  return `${packed & 0x80 ? ` (${table} color table present)` : ''}${per(((packed & 0x60) >> 4) + 1, 'color')}${per((packed & 7) + 1, 'pixel')}`;
}

function settingsItems(ctx: DissectCtx, off: number, fields: FieldDef[], label: string, parent: Item): void {
  const packed = ctx.view.u8(off);
  const it = ctx.text(label, off, 1, parent);
  const [present, bpc, ordered, bpp] = fields;
  ctx.add(present, off, 1, packed >> 7, { parent: it });
  ctx.add(bpc, off, 1, (packed >> 4) & 7, { parent: it });
  ctx.add(ordered, off, 1, (packed >> 3) & 1, { parent: it });
  ctx.add(bpp, off, 1, packed & 7, { parent: it });
}

/** Data sub-blocks from `off` up to and including the empty one; returns the offset after them. */
function dataBlocks(ctx: DissectCtx, off: number, parent: Item): number {
  const v = ctx.view;
  for (;;) {
    const n = v.u8(off);
    const data = v.slice(off + 1, n);
    ctx.add(g.dataBlock, off, 1 + n, data, {
      parent,
      label: () => `Data block: ${n ? hexPreview(data) : '<none>'} (length = ${n})`,
    });
    off += 1 + n;
    if (n === 0) return off;
  }
}

/** The GIF's structure under the layer item `top` (the body's bytes from its signature on). */
export function gifDetails(ctx: DissectCtx, top: Item): void {
  const v = ctx.view;
  ctx.add(g.screenWidth, 6, 2, v.u16le(6), { parent: top });
  ctx.add(g.screenHeight, 8, 2, v.u16le(8), { parent: top });
  const packed = v.u8(10);
  settingsItems(ctx, 10, g.global, `Global settings:${settingsText(packed, 'Global')}`, top);
  ctx.add(g.background, 11, 1, v.u8(11), { parent: top });
  const aspect = v.u8(12);
  if (aspect) ctx.add(g.aspect, 12, 1, aspect, { parent: top });
  let off = 13;
  if (packed & 0x80) {
    const len = 3 * 2 ** ((packed & 7) + 1);
    ctx.add(g.globalMap, off, len, v.slice(off, len), { parent: top });
    off += len;
  }
  while (off < v.length) {
    const kind = v.u8(off);
    if (kind === 0x3b) {
      ctx.add(g.end, off, 1, null, { parent: top });
      return;
    }
    if (kind === 0x21) {
      const label = v.u8(off + 1);
      const ext = ctx.add(g.extension, off, 2, null, {
        parent: top,
        label: () => `Extension: ${EXTENSIONS[label] ?? 'Unknown'}`,
      });
      ctx.add(g.extensionLabel, off + 1, 1, label, { parent: ext });
      const end = dataBlocks(ctx, off + 2, ext);
      ctx.setLength(ext, end - off);
      off = end;
      continue;
    }
    if (kind !== 0x2c) return;
    const img = ctx.add(g.image, off, 10, null, { parent: top });
    ctx.add(g.left, off + 1, 2, v.u16le(off + 1), { parent: img });
    ctx.add(g.top, off + 3, 2, v.u16le(off + 3), { parent: img });
    ctx.add(g.width, off + 5, 2, v.u16le(off + 5), { parent: img });
    ctx.add(g.height, off + 7, 2, v.u16le(off + 7), { parent: img });
    const local = v.u8(off + 9);
    settingsItems(ctx, off + 9, g.local, `Local settings:${settingsText(local, 'Local')}`, img);
    let p = off + 10;
    if (local & 0x80) {
      const len = 3 * 2 ** ((local & 7) + 1);
      ctx.add(g.localMap, p, len, v.slice(p, len), { parent: img });
      p += len;
    }
    ctx.add(g.codeSize, p, 1, v.u8(p), { parent: img });
    const end = dataBlocks(ctx, p + 1, img);
    ctx.setLength(img, end - off);
    off = end;
  }
}
