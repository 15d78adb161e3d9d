/**
 * MD4 (RFC 1320), for tests that check an NTLM hash: the NT hash of a password is MD4 of its UTF-16LE bytes, and
 * Node's OpenSSL 3 no longer offers MD4.
 */
export function md4(data: Uint8Array): Uint8Array {
  const n = data.length;
  const words = (((n + 8) >>> 6) + 1) * 16;
  const x = new Uint32Array(words);
  for (let i = 0; i < n; i++) x[i >> 2] |= data[i] << ((i % 4) * 8);
  x[n >> 2] |= 0x80 << ((n % 4) * 8);
  x[words - 2] = (n * 8) >>> 0;
  x[words - 1] = Math.floor((n * 8) / 2 ** 32);
  let [a, b, c, d] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
  const rotl = (v: number, s: number) => (v << s) | (v >>> (32 - s));
  const F = (p: number, q: number, r: number) => (p & q) | (~p & r);
  const G = (p: number, q: number, r: number) => (p & q) | (p & r) | (q & r);
  const H = (p: number, q: number, r: number) => p ^ q ^ r;
  for (let blk = 0; blk < words; blk += 16) {
    const [aa, bb, cc, dd] = [a, b, c, d];
    const X = (k: number) => x[blk + k];
    for (const k of [0, 4, 8, 12]) {
      a = rotl((a + F(b, c, d) + X(k)) | 0, 3);
      d = rotl((d + F(a, b, c) + X(k + 1)) | 0, 7);
      c = rotl((c + F(d, a, b) + X(k + 2)) | 0, 11);
      b = rotl((b + F(c, d, a) + X(k + 3)) | 0, 19);
    }
    for (const k of [0, 1, 2, 3]) {
      a = rotl((a + G(b, c, d) + X(k) + 0x5a827999) | 0, 3);
      d = rotl((d + G(a, b, c) + X(k + 4) + 0x5a827999) | 0, 5);
      c = rotl((c + G(d, a, b) + X(k + 8) + 0x5a827999) | 0, 9);
      b = rotl((b + G(c, d, a) + X(k + 12) + 0x5a827999) | 0, 13);
    }
    for (const k of [0, 2, 1, 3]) {
      a = rotl((a + H(b, c, d) + X(k) + 0x6ed9eba1) | 0, 3);
      d = rotl((d + H(a, b, c) + X(k + 8) + 0x6ed9eba1) | 0, 9);
      c = rotl((c + H(d, a, b) + X(k + 4) + 0x6ed9eba1) | 0, 11);
      b = rotl((b + H(c, d, a) + X(k + 12) + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = new Uint8Array(16);
  new DataView(out.buffer).setUint32(0, a >>> 0, true);
  new DataView(out.buffer).setUint32(4, b >>> 0, true);
  new DataView(out.buffer).setUint32(8, c >>> 0, true);
  new DataView(out.buffer).setUint32(12, d >>> 0, true);
  return out;
}
