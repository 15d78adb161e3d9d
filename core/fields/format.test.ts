import { describe, expect, it } from 'vitest';
import { formatIPv6 } from './format.js';

/** The WHATWG URL serializer's form of an IPv6 address: RFC 5952's (first longest zero run compressed). */
function reference(b: Uint8Array): string {
  const words = [];
  for (let i = 0; i < 16; i += 2) words.push(((b[i] << 8) | b[i + 1]).toString(16));
  return new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1);
}

describe('formatIPv6', () => {
  it('writes the RFC 5952 form', () => {
    const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
    expect(formatIPv6(hex('20010db8000000000000000000000001'))).toBe('2001:db8::1');
    expect(formatIPv6(hex('00000000000000000000000000000000'))).toBe('::');
    expect(formatIPv6(hex('00000000000000000000000000000001'))).toBe('::1');
    expect(formatIPv6(hex('fe800000000000000000000000000000'))).toBe('fe80::');
    expect(formatIPv6(hex('20010db8000100000001000100010001'))).toBe('2001:db8:1:0:1:1:1:1');
    // The longest run; of two as long, the first.
    expect(formatIPv6(hex('20010000000000010000000000000001'))).toBe('2001:0:0:1::1');
    expect(formatIPv6(hex('20010000000000010000000000010001'))).toBe('2001::1:0:0:1:1');
    expect(formatIPv6(hex('00000000000000000000ffff01020304'))).toBe('::ffff:102:304');
  });

  it('agrees with the URL serializer on addresses with zero runs anywhere', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
    for (let n = 0; n < 5000; n++) {
      const b = new Uint8Array(16);
      for (let w = 0; w < 8; w++) {
        // Mostly zero words, some small, some large: runs of every length and place.
        const r = rnd() % 4;
        const v = r < 2 ? 0 : r === 2 ? rnd() % 16 : rnd();
        b[2 * w] = v >> 8;
        b[2 * w + 1] = v & 255;
      }
      expect(formatIPv6(b)).toBe(reference(b));
    }
  });
});
