import { describe, expect, it } from 'vitest';
import { knownMediaType, requestLine, statusLine } from './tcp.js';

// The lane reads these from bytes; the regular expressions say what it must accept (and what the engine's
// reading of the same lines agrees with: list-fast tests compare the rows).
const REQUEST = /^(GET|POST) (\S+) (HTTP\/1\.[01])$/;
const STATUS = /^(HTTP\/1\.[01]) ([1-5]\d\d) [\x20-\x7e]*$/;
const MEDIA = /^([a-z]+\/[a-z0-9.+-]+)(?:; ?charset=[A-Za-z0-9_-]+)?$/;
const KNOWN = [
  'text/html',
  'text/css',
  'application/javascript',
  'application/x-www-form-urlencoded',
  'image/gif',
  'application/json',
];

const bytes = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** `s` and variants of it: each character dropped, doubled, or replaced by one of a few awkward ones. */
function variants(s: string): string[] {
  const out = [s];
  const odd = [' ', '\t', '\xa0', '\x7f', 'é', ';', '/', '0', '9', 'A', 'z', '-', '_', '\v'];
  for (let k = 0; k < s.length; k++) {
    out.push(s.slice(0, k) + s.slice(k + 1), s.slice(0, k) + s[k] + s.slice(k));
    for (const ch of odd) out.push(s.slice(0, k) + ch + s.slice(k + 1));
  }
  return out;
}

describe("the fast lane's HTTP lines", () => {
  it('reads request lines as the pattern does', () => {
    const lines = [
      'GET / HTTP/1.1',
      'POST /form HTTP/1.0',
      'GET /a%20b?x=1 HTTP/1.1',
      'PUT /x HTTP/1.1',
      'GET  /x HTTP/1.1',
      'GET /x HTTP/2.0',
      'GET /x\xa0y HTTP/1.1',
      'GET /é HTTP/1.1',
    ].flatMap(variants);
    let accepted = 0;
    for (const l of lines) {
      const m = REQUEST.exec(l);
      // (The line as the head holds it: its CR LF after it.)
      const line = requestLine(bytes(`${l}\r\n`), l.length);
      expect(line && [line.method, line.uri, line.version], l).toEqual(m ? [m[1], m[2], m[3]] : undefined);
      if (m) accepted++;
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('reads status lines as the pattern does', () => {
    const lines = [
      'HTTP/1.1 200 OK',
      'HTTP/1.0 404 Not Found',
      'HTTP/1.1 304 ',
      'HTTP/1.1 599 x~',
      'HTTP/1.1 600 No',
    ];
    let accepted = 0;
    for (const l of lines.flatMap(variants)) {
      const m = STATUS.exec(l);
      const line = statusLine(bytes(`${l}\r\n`), l.length);
      expect(line && [line.version, line.code], l).toEqual(m ? [m[1], Number(m[2])] : undefined);
      if (m) accepted++;
    }
    expect(accepted).toBeGreaterThan(50);
  });

  it('knows the media types it knows as the pattern reads them', () => {
    const values = [
      ...KNOWN,
      'text/html; charset=utf-8',
      'application/json;charset=UTF-8',
      'image/gif; charset=',
      'text/plain',
      'text/html; charset=utf-8; q=1',
      'text/html;  charset=x',
    ].flatMap(variants);
    let accepted = 0;
    for (const v of values) {
      const m = MEDIA.exec(v);
      const want = m && KNOWN.includes(m[1]) ? m[1] : undefined;
      // (The value as the head holds it, between a header name and its line's end.)
      const b = bytes(`Content-Type: ${v}\r\n`);
      expect(knownMediaType(b, 14, 14 + v.length), v).toBe(want);
      if (want) accepted++;
    }
    expect(accepted).toBeGreaterThan(50);
  });
});
