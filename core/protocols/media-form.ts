/**
 * HTML forms sent as application/x-www-form-urlencoded (what a browser POSTs from a login page), as Wireshark
 * 4.0's urlencoded-form dissector shows them: a "Form item" per key and value, both decoded (%XX and '+'), with
 * urlencoded-form.key and urlencoded-form.value to filter on. The credentials list reads them (and the same
 * pairs in a request's query string) for the usernames and passwords of logins over plain HTTP.
 *
 * Wireshark 4.0's reading, quirks included: a key runs to the next '=' ('&' and all), a value to the next '&';
 * a '%' not followed by two hexadecimal digits ends the form there (and one right before the end of the body
 * reads past it: a malformed packet); a %00 ends the text it is in.
 */
import { proto, str } from '../fields/registry.js';
import type { DissectCtx } from '../dissect/engine.js';
import { BoundsError, hexDigit } from '../bytes/byteview.js';

export const form = {
  proto: proto('urlencoded-form', 'HTML Form URL Encoded'),
  key: str('urlencoded-form.key', 'Key'),
  value: str('urlencoded-form.value', 'Value'),
};

const utf8 = new TextDecoder('utf-8');

/**
 * One key (up to `stop` '=') or value (up to '&') from `off`: its text and where it ends (at the stop byte or the
 * end), or undefined when a '%' has no two hexadecimal digits after it.
 */
function decodePart(b: Uint8Array, off: number, stop: number): { text: string; end: number } | undefined {
  const out: number[] = [];
  let i = off;
  for (; i < b.length && b[i] !== stop; i++) {
    const c = b[i];
    if (c === 0x2b) out.push(0x20);
    else if (c !== 0x25) out.push(c);
    else {
      // Wireshark checks for two more bytes counting the '%' itself: "%4" at the very end reads past the body.
      if (b.length - i < 2) return undefined;
      const hi = hexDigit(b[i + 1]);
      if (hi < 0) return undefined;
      if (i + 2 >= b.length) throw new BoundsError(i + 2, 1, b.length);
      const lo = hexDigit(b[i + 2]);
      if (lo < 0) return undefined;
      out.push(hi * 16 + lo);
      i += 2;
    }
  }
  // A C string: a decoded NUL ends it.
  const nul = out.indexOf(0);
  return { text: utf8.decode(Uint8Array.from(nul < 0 ? out : out.slice(0, nul))), end: i };
}

/** The form layer over all of `body` (an HTTP message's), named after its media type as the Info text notes it. */
export function formLayer(ctx: DissectCtx, body: DissectCtx, mediaType: string): void {
  ctx.columns.info += ` (${mediaType})`;
  const b = body.view.bytes;
  const top = body.layerItem(form.proto, 0, b.length, `HTML Form URL Encoded: ${mediaType}`);
  // Read even when no item is wanted: a '%' that reads past the body makes the packet malformed (Info text).
  try {
    for (let off = 0; off < b.length;) {
      const start = off;
      const item = body.text('Form item', off, 0, top);
      const key = decodePart(b, off, 0x3d);
      if (!key) return;
      body.add(form.key, off, key.end - off, key.text, { parent: item });
      body.setLabel(item, `Form item: "${key.text}"`);
      off = key.end + 1;
      const value = decodePart(b, off, 0x26);
      if (!value) return;
      body.add(form.value, Math.min(off, b.length), Math.max(0, value.end - off), value.text, {
        parent: item,
      });
      body.setLabel(item, `Form item: "${key.text}" = "${value.text}"`);
      off = value.end + 1;
      body.setLength(item, Math.min(off, b.length) - start);
    }
  } catch (e) {
    if (e instanceof BoundsError) e.part = 'URL Encoded Form Data';
    throw e;
  }
}
