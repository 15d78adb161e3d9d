/** HPACK against RFC 7541's own examples (Appendix C): integers, Huffman strings, the dynamic table. */
import { describe, expect, it } from 'vitest';
import { HpackDecoder, HpackError, huffmanDecode } from './hpack.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('HPACK', () => {
  it('decodes Huffman-coded strings (C.4.1, C.6.1)', () => {
    expect(Buffer.from(huffmanDecode(hex('f1e3c2e5f23a6ba0ab90f4ff'))).toString()).toBe('www.example.com');
    expect(Buffer.from(huffmanDecode(hex('6402'))).toString()).toBe('302');
    expect(Buffer.from(huffmanDecode(hex('aec3771a4b'))).toString()).toBe('private');
  });

  it('rejects bad padding and an EOS in the string', () => {
    expect(() => huffmanDecode(hex('f1e3c2e5f23a6ba0ab90f400'))).toThrow(HpackError);
    expect(() => huffmanDecode(hex('ffffffff'))).toThrow(HpackError);
  });

  it('decodes the requests of C.4 through one dynamic table', () => {
    const d = new HpackDecoder();
    expect(d.decode(hex('828684418cf1e3c2e5f23a6ba0ab90f4ff'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    // 0xbe: dynamic entry 62, the :authority the first request added.
    expect(d.decode(hex('828684be5886a8eb10649cbf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    expect(d.decode(hex('828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf'))).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':path', '/index.html'],
      [':authority', 'www.example.com'],
      ['custom-key', 'custom-value'],
    ]);
  });

  it('evicts the oldest entries when the table shrinks (C.5 with a size update to 256)', () => {
    const d = new HpackDecoder();
    // A dynamic table size update (0x3f e1 01 = 256), then C.5.1's literal response.
    const first = d.decode(
      hex(
        '3fe101 4803333032 580770726976617465 611d4d6f6e2c203231204f637420323031332032303a31333a323120474d54 6e1768747470733a2f2f7777772e6578616d706c652e636f6d',
      ),
    );
    expect(first).toEqual([
      [':status', '302'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['location', 'https://www.example.com'],
    ]);
    // C.5.2: ":status 307" evicts ":status 302"; the rest are indexed 63–65.
    expect(d.decode(hex('4803333037 c1 c0 bf'))).toEqual([
      [':status', '307'],
      ['cache-control', 'private'],
      ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
      ['location', 'https://www.example.com'],
    ]);
  });

  it('reports an index outside the tables and a block cut short', () => {
    expect(() => new HpackDecoder().decode(hex('ff00'))).toThrow(HpackError);
    expect(() => new HpackDecoder().decode(hex('4088'))).toThrow(HpackError);
  });
});
