/**
 * HTTP content codings, status lines and header text against tshark itself, on a capture the test writes: bodies coded with
 * gzip, x-gzip, deflate (zlib and raw), br, chunked + gzip, a coding that does not decode and one Wireshark does
 * not know; and a status line whose phrase is not the standard one ("404 File not found", as python's
 * http.server sends it) or is missing; header lines with a space before the colon, UTF-8, control characters and a
 * NUL, and a UTF-8 page's text lines.
 */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { hasTshark, layerSections, synthCapture, detailsText } from '../testing/vs-tshark.js';
import { TcpConversation, httpGet, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import { concatBytes } from '../bytes/byteview.js';
import { listObjects, objectBytes } from '../objects/list.js';

const enc = new TextEncoder();
const TEXT = 'Evidence: the same line again and again.\n'.repeat(20);

function exchange(i: number, head: string | Uint8Array, body: Uint8Array): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, 51000 + i, 80, { s: 1_700_000_000 + i, ns: 0 });
  c.handshake();
  c.send(true, httpGet('h.example', `/doc${i}.txt`));
  c.send(false, concatBytes(typeof head === 'string' ? enc.encode(head) : head, body));
  c.close();
  return c.packets;
}

function codings(): SynthPacket[] {
  const raw = enc.encode(TEXT);
  const cases: [string, Uint8Array][] = [
    ['gzip', gzipSync(raw)],
    ['x-gzip', gzipSync(raw)],
    ['deflate', deflateSync(raw)],
    ['deflate', deflateRawSync(raw)],
    ['br', brotliCompressSync(raw)],
    ['gzip', enc.encode('this is not gzip at all')],
    ['compress', enc.encode('opaque bytes')],
  ];
  const out: SynthPacket[] = [];
  cases.forEach(([coding, body], i) => {
    const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: ${coding}\r\nContent-Length: ${body.length}\r\n\r\n`;
    out.push(...exchange(i, head, body));
  });
  // Chunked and gzip: the coding applies to the de-chunked body.
  const gz = gzipSync(raw);
  const chunked = concatBytes(
    enc.encode(`${(100).toString(16)}\r\n`),
    gz.subarray(0, 100),
    enc.encode(`\r\n${(gz.length - 100).toString(16)}\r\n`),
    gz.subarray(100),
    enc.encode('\r\n0\r\n\r\n'),
  );
  out.push(
    ...exchange(
      7,
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n',
      chunked,
    ),
  );
  const page = enc.encode('<html>nothing here</html>');
  out.push(
    ...exchange(
      8,
      `HTTP/1.0 404 File not found\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n`,
      page,
    ),
  );
  out.push(...exchange(9, 'HTTP/1.1 299\r\nContent-Length: 0\r\n\r\n', new Uint8Array(0)));
  // Header text as sent: a space before the colon (no header for Wireshark), UTF-8 and control characters, a NUL
  // with text after it; a UTF-8 page's lines.
  const utf8 = enc.encode('<p>Привет, naïve café</p>\n<p>tab\there</p>\n');
  const heads = concatBytes(
    enc.encode('HTTP/1.1 200 OK\r\nStrict-Transport-Security : 31536000\r\n'),
    enc.encode('Content-Disposition: attachment; filename="résumé.pdf"\r\n'),
    Uint8Array.from([...enc.encode('X-Odd: a'), 1, 0x1a, 0x7f, 0xff, 0xc0, 0x9c, ...enc.encode('b\r\n')]),
    Uint8Array.from([...enc.encode('X Nul: a'), 0, ...enc.encode('zz\r\n')]),
    enc.encode(`Content-Type: text/html; charset=utf-8\r\nContent-Length: ${utf8.length}\r\n\r\n`),
  );
  out.push(...exchange(10, heads, utf8));
  return out;
}

describe.skipIf(!hasTshark)('HTTP content codings, status descriptions and header text vs tshark', () => {
  it('shows coded bodies, status descriptions, odd header lines and UTF-8 text as tshark -V', async () => {
    const { session: s, tshark, list } = await synthCapture(codings());
    expect(list).toBe(tshark());
    const http = (text: string) => layerSections(text, 'Hypertext Transfer Protocol');
    const ours = http(detailsText(s));
    const theirs = http(tshark('-2', '-V'));
    s.close();
    expect(ours.length).toBe(theirs.length);
    for (let i = 0; i < ours.length; i++) expect(ours[i], `frame ${i + 1}`).toBe(theirs[i]);
    const all = ours.join('\n');
    expect(all).toMatch(/Content-encoded entity body \(br\): \d+ bytes -> 820 bytes/);
    expect(all).toMatch(/Content-encoded entity body \(gzip\): 23 bytes\n/);
    expect(all).toContain('[Status Code Description: Not Found]');
    expect(all).toContain('Content-Disposition: attachment; filename="résumé.pdf"\\r\\n');
    expect(all).toContain(
      'Strict-Transport-Security : 31536000\\r\\n\n        [Expert Info (Warning/Protocol)',
    );
    expect(all).toContain('<p>Привет, naïve café</p>\\n');
  });

  it('exports a body that does not decode as it was sent', async () => {
    const { session: s } = await synthCapture(codings());
    const bodies = listObjects(s).map((o) => Buffer.from(objectBytes(s, o)).toString('latin1'));
    s.close();
    // The decoded texts, then the two bodies whose coding does not decode (found again when exported: no file
    // data item marks them).
    expect(bodies.filter((b) => b === TEXT)).toHaveLength(5);
    expect(bodies).toContain('this is not gzip at all');
    expect(bodies).toContain('opaque bytes');
  });
});
