/**
 * TLS record protection with secrets from a key log (NSS format, as a pcapng Decryption Secrets Block carries
 * it): TLS 1.2 suites (AES-GCM, RFC 5288/5289; AES-CCM and CCM_8, RFC 6655/7251; ChaCha20-Poly1305, RFC 7905;
 * AES-CBC and 3DES-CBC with HMAC, either order, RFC 5246/7366; RC4 with an MD5 or SHA-1 HMAC, RFC 5246) and TLS
 * 1.0/1.1's and SSL 3.0's CBC and RC4 ones (their own PRF, RFC 2246/4346; SSL 3.0's derivation and MAC, RFC
 * 6101) keyed from the master secret, TLS 1.3 (RFC 8446) keyed from traffic secrets; and the master secret of
 * an RSA key exchange from the server's private key. node:crypto only (RC4, which OpenSSL 3 keeps in its legacy
 * provider, is done here).
 */
import {
  constants,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  privateDecrypt,
  type KeyObject,
} from 'node:crypto';
import { expandLabel, type Hash } from './quic-crypto.js';

type Aead = 'aes-128-gcm' | 'aes-256-gcm' | 'aes-128-ccm' | 'aes-256-ccm' | 'chacha20-poly1305';
type Mac = 'md5' | 'sha1' | 'sha256' | 'sha384';
type BlockCipher = 'aes-128-cbc' | 'aes-256-cbc' | 'des-ede3-cbc';

interface Suite {
  /** An AEAD (with its tag length: 8 for the CCM_8 suites, else 16) … */
  readonly aead?: Aead;
  readonly tagLen?: number;
  /** … or a CBC block cipher with its record MAC (TLS 1.2's "MAC-then-encrypt" or encrypt-then-MAC) … */
  readonly cbc?: { cipher: BlockCipher; block: number; mac: Mac; macLen: number };
  /** … or RC4, a stream cipher running on from record to record, its MAC inside. */
  readonly rc4?: { mac: Mac; macLen: number };
  /** The PRF's (TLS 1.2) or HKDF's (TLS 1.3) hash. */
  readonly hash: Hash;
  readonly keyLen: number;
}

const MAC_LEN: Record<Mac, number> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };
const GCM128: Suite = { aead: 'aes-128-gcm', hash: 'sha256', keyLen: 16 };
const GCM256: Suite = { aead: 'aes-256-gcm', hash: 'sha384', keyLen: 32 };
const CHACHA: Suite = { aead: 'chacha20-poly1305', hash: 'sha256', keyLen: 32 };
// RFC 6655: the CCM suites' PRF is SHA-256, whatever the key size.
const ccm = (bits: 128 | 256, tagLen: 8 | 16): Suite => ({
  aead: bits === 128 ? 'aes-128-ccm' : 'aes-256-ccm',
  tagLen,
  hash: 'sha256',
  keyLen: bits / 8,
});
const CCM128 = ccm(128, 16);
const CCM256 = ccm(256, 16);
const CCM8_128 = ccm(128, 8);
const CCM8_256 = ccm(256, 8);
const cbc = (bits: 128 | 256, mac: Mac): Suite => ({
  cbc: { cipher: bits === 128 ? 'aes-128-cbc' : 'aes-256-cbc', block: 16, mac, macLen: MAC_LEN[mac] },
  // TLS 1.2's PRF is SHA-256 unless the suite names SHA-384.
  hash: mac === 'sha384' ? 'sha384' : 'sha256',
  keyLen: bits / 8,
});
const CBC128_SHA = cbc(128, 'sha1');
const CBC256_SHA = cbc(256, 'sha1');
const CBC128_SHA256 = cbc(128, 'sha256');
const CBC256_SHA256 = cbc(256, 'sha256');
const CBC256_SHA384 = cbc(256, 'sha384');
const DES3_SHA: Suite = {
  cbc: { cipher: 'des-ede3-cbc', block: 8, mac: 'sha1', macLen: 20 },
  hash: 'sha256',
  keyLen: 24,
};
const rc4 = (mac: Mac): Suite => ({ rc4: { mac, macLen: MAC_LEN[mac] }, hash: 'sha256', keyLen: 16 });
const RC4_MD5 = rc4('md5');
const RC4_SHA = rc4('sha1');

/**
 * TLS 1.2 suites (and 1.0/1.1's, the same minus the AEADs): RSA, DHE and ECDHE key exchanges with AES-GCM,
 * AES-CCM, ChaCha20-Poly1305, AES-CBC with an SHA-1, SHA-256 or SHA-384 HMAC, 3DES-CBC and RC4 — the last two
 * what HTTPS of the 2000s and early 2010s ran on.
 */
const TLS12: Record<number, Suite> = {
  0x0004: RC4_MD5,
  0x0005: RC4_SHA,
  0xc007: RC4_SHA,
  0xc011: RC4_SHA,
  0x000a: DES3_SHA,
  0x0013: DES3_SHA,
  0x0016: DES3_SHA,
  0xc008: DES3_SHA,
  0xc012: DES3_SHA,
  0x002f: CBC128_SHA,
  0x0033: CBC128_SHA,
  0x0035: CBC256_SHA,
  0x0039: CBC256_SHA,
  0x003c: CBC128_SHA256,
  0x003d: CBC256_SHA256,
  0x0067: CBC128_SHA256,
  0x006b: CBC256_SHA256,
  0xc009: CBC128_SHA,
  0xc00a: CBC256_SHA,
  0xc013: CBC128_SHA,
  0xc014: CBC256_SHA,
  0xc023: CBC128_SHA256,
  0xc024: CBC256_SHA384,
  0xc027: CBC128_SHA256,
  0xc028: CBC256_SHA384,
  0x009c: GCM128,
  0x009d: GCM256,
  0x009e: GCM128,
  0x009f: GCM256,
  0x00a2: GCM128,
  0x00a3: GCM256,
  0xc02b: GCM128,
  0xc02c: GCM256,
  0xc02d: GCM128,
  0xc02e: GCM256,
  0xc02f: GCM128,
  0xc030: GCM256,
  0xc031: GCM128,
  0xc032: GCM256,
  0xc09c: CCM128,
  0xc09d: CCM256,
  0xc09e: CCM128,
  0xc09f: CCM256,
  0xc0a0: CCM8_128,
  0xc0a1: CCM8_256,
  0xc0a2: CCM8_128,
  0xc0a3: CCM8_256,
  0xc0ac: CCM128,
  0xc0ad: CCM256,
  0xc0ae: CCM8_128,
  0xc0af: CCM8_256,
  0xcca8: CHACHA,
  0xcca9: CHACHA,
  0xccaa: CHACHA,
};

const TLS13: Record<number, Suite> = {
  0x1301: GCM128,
  0x1302: GCM256,
  0x1303: CHACHA,
  0x1304: CCM128,
  0x1305: CCM8_128,
};

/** One direction's record protection: key, IV and the sequence number of its next record. */
export interface RecordKeys {
  readonly aead?: Aead;
  readonly tagLen?: number;
  /** CBC: the cipher, the MAC, its key, and whether the MAC covers the ciphertext (RFC 7366). */
  readonly cbc?: Suite['cbc'] & { macKey: Buffer; etm: boolean; chain?: Buffer };
  /** RC4: the MAC, its key, and the cipher's state where the last record left it. */
  readonly rc4?: Suite['rc4'] & { macKey: Buffer; state: Rc4 };
  readonly key: Buffer;
  /** TLS 1.2 AES-GCM: the 4-byte salt (the rest of the nonce is in the record); else the 12-byte IV. */
  readonly iv: Buffer;
  readonly tls13: boolean;
  seq: number;
}

/** TLS 1.2's PRF (RFC 5246 §5): P_hash(secret, label + seed), `length` bytes. */
function prf(
  hash: Hash | 'md5' | 'sha1',
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Buffer {
  const full = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  const out: Buffer[] = [];
  let a: Buffer = full;
  for (let n = 0; n < length;) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret).update(a).update(full).digest();
    out.push(block);
    n += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** TLS 1.0 and 1.1's PRF (RFC 2246 §5): P_MD5 over the secret's first half XOR P_SHA1 over its second half. */
function prf10(secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
  const half = Math.ceil(secret.length / 2);
  const out = prf('md5', secret.subarray(0, half), label, seed, length);
  const sha = prf('sha1', secret.subarray(secret.length - half), label, seed, length);
  for (let i = 0; i < length; i++) out[i] ^= sha[i];
  return out;
}

/**
 * SSL 3.0's key derivation (RFC 6101 §6.1, §6.2.2): MD5(secret + SHA-1("A" + secret + seed)), then with "BB",
 * "CCC", … — the master secret's seed is the client random then the server's, the key block's the other way
 * round, as TLS's PRF seeds are; the label is not used.
 */
function ssl3Prf(secret: Uint8Array, _label: string, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 1, n = 0; n < length; i++) {
    const salt = Buffer.alloc(i, 0x40 + i);
    const inner = createHash('sha1').update(salt).update(secret).update(seed).digest();
    out.push(createHash('md5').update(secret).update(inner).digest());
    n += 16;
  }
  return Buffer.concat(out).subarray(0, length);
}

/** The PRF of a session of `version` (SSL 3.0's derivation, TLS 1.0/1.1's, or TLS 1.2's with the suite's hash). */
function sessionPrf(version: number, hash: Hash): typeof prf10 {
  if (version === 0x0300) return ssl3Prf;
  return version < 0x0303 ? prf10 : (secret, label, seed, length) => prf(hash, secret, label, seed, length);
}

/**
 * Both directions' keys (client first) of a TLS 1.0, 1.1 or 1.2 session from its master secret and hello
 * randoms. TLS 1.0's CBC records carry no IV: the first is the key block's, then each record's last block.
 */
export function tls12Keys(
  master: Uint8Array,
  suite: number,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  /** The server agreed to encrypt-then-MAC (RFC 7366; CBC suites only). */
  etm = false,
  version = 0x0303,
): [RecordKeys, RecordKeys] | undefined {
  const s = TLS12[suite];
  if (!s) return undefined;
  const prfOf = sessionPrf(version, s.hash);
  // The key block: client and server MAC keys (CBC), keys, then IVs (RFC 5246 §6.3).
  const macLen = s.cbc?.macLen ?? s.rc4?.macLen ?? 0;
  const ivLen = s.cbc ? s.cbc.block : s.rc4 ? 0 : s.aead === 'chacha20-poly1305' ? 12 : 4;
  const block = prfOf(
    master,
    'key expansion',
    Buffer.concat([serverRandom, clientRandom]),
    2 * (macLen + s.keyLen + ivLen),
  );
  let at = 0;
  const take = (n: number) => block.subarray(at, (at += n));
  const macKeys = [take(macLen), take(macLen)];
  const keys = [take(s.keyLen), take(s.keyLen)];
  const ivs = [take(ivLen), take(ivLen)];
  const side = (i: number): RecordKeys => ({
    ...(s.aead ? { aead: s.aead, tagLen: s.tagLen ?? 16 } : {}),
    ...(s.rc4 ? { rc4: { ...s.rc4, macKey: macKeys[i], state: new Rc4(keys[i]) } } : {}),
    ...(s.cbc
      ? { cbc: { ...s.cbc, macKey: macKeys[i], etm, ...(version <= 0x0301 ? { chain: ivs[i] } : {}) } }
      : {}),
    key: keys[i],
    iv: ivs[i],
    tls13: false,
    seq: 0,
  });
  return [side(0), side(1)];
}

/** One direction's keys of a TLS 1.3 session from a traffic secret (handshake or application). */
export function tls13Keys(secret: Uint8Array, suite: number): RecordKeys | undefined {
  const s = TLS13[suite];
  if (!s) return undefined;
  return {
    aead: s.aead,
    tagLen: s.tagLen ?? 16,
    key: expandLabel(s.hash, secret, 'key', s.keyLen),
    iv: expandLabel(s.hash, secret, 'iv', 12),
    tls13: true,
    seq: 0,
  };
}

/** The 12-byte IV with the record's sequence number XORed into its last 8 bytes (RFC 7905, RFC 8446 §5.3). */
function seqNonce(iv: Buffer, seq: number): Buffer {
  const nonce = Buffer.from(iv);
  for (let i = 0, x = seq; i < 8 && x > 0; i++, x = Math.floor(x / 256)) nonce[11 - i] ^= x % 256;
  return nonce;
}

function seqBytes(seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(seq));
  return b;
}

/**
 * Opens one protected record (its body after the 5-byte header) and counts it. Returns its content type (TLS
 * 1.3's inner type) and plaintext, or undefined when the tag does not verify (wrong keys, a damaged record).
 */
export function openRecord(
  k: RecordKeys,
  type: number,
  version: number,
  body: Uint8Array,
): { type: number; plain: Uint8Array } | undefined {
  const seq = k.seq++;
  if (k.cbc) return openCbc(k.cbc, k.key, seq, type, version, body);
  if (k.rc4) return openRc4(k.rc4, seq, type, version, body);
  if (!k.aead) return undefined;
  const tagLen = k.tagLen ?? 16;
  const explicit = !k.tls13 && k.aead !== 'chacha20-poly1305' ? 8 : 0;
  if (body.length < explicit + tagLen) return undefined;
  const sealed = body.subarray(explicit, body.length - tagLen);
  const nonce = explicit ? Buffer.concat([k.iv, body.subarray(0, 8)]) : seqNonce(k.iv, seq);
  const aad = k.tls13
    ? Buffer.of(type, version >> 8, version & 255, body.length >> 8, body.length & 255)
    : Buffer.concat([
        seqBytes(seq),
        Buffer.of(type, version >> 8, version & 255, sealed.length >> 8, sealed.length & 255),
      ]);
  let plain: Buffer;
  try {
    const tag = body.subarray(body.length - tagLen);
    if (k.aead === 'aes-128-ccm' || k.aead === 'aes-256-ccm') {
      // CCM: the tag and the plaintext's length before the data; update() fails on a wrong tag.
      const d = createDecipheriv(k.aead, k.key, nonce, { authTagLength: tagLen });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: sealed.length });
      plain = d.update(sealed);
      d.final();
    } else {
      const d = createDecipheriv(k.aead as 'aes-128-gcm', k.key, nonce, { authTagLength: tagLen });
      d.setAAD(aad);
      d.setAuthTag(tag);
      plain = Buffer.concat([d.update(sealed), d.final()]);
    }
  } catch {
    return undefined;
  }
  if (!k.tls13) return { type, plain };
  // TLSInnerPlaintext: content, the real type, then zero padding.
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) return undefined;
  return { type: plain[end - 1], plain: plain.subarray(0, end - 1) };
}

/**
 * The record MAC (RFC 5246 §6.2.3.1): an HMAC over the sequence number, the header fields and `data`; SSL 3.0's
 * (RFC 6101 §5.2.3.1) nests two hashes with pads of 0x36 and 0x5c instead, and leaves the version out.
 */
export function recordMac(
  c: { mac: Mac; macKey: Uint8Array },
  seq: number,
  type: number,
  version: number,
  data: Uint8Array,
): Buffer {
  if (version === 0x0300) {
    const pad = c.mac === 'md5' ? 48 : 40;
    const head = Buffer.concat([seqBytes(seq), Buffer.of(type, data.length >> 8, data.length & 255)]);
    const inner = createHash(c.mac)
      .update(c.macKey)
      .update(Buffer.alloc(pad, 0x36))
      .update(head)
      .update(data);
    return createHash(c.mac).update(c.macKey).update(Buffer.alloc(pad, 0x5c)).update(inner.digest()).digest();
  }
  const head = Buffer.concat([
    seqBytes(seq),
    Buffer.of(type, version >> 8, version & 255, data.length >> 8, data.length & 255),
  ]);
  return createHmac(c.mac, c.macKey).update(head).update(data).digest();
}

/**
 * A CBC record of TLS 1.1/1.2: explicit IV (none in TLS 1.0), ciphertext, then (encrypt-then-MAC) the MAC of
 * both; decrypted, the content is followed (MAC-then-encrypt) by its MAC, then padding. Undefined when the
 * padding or MAC is wrong (a wrong key: the record stays encrypted).
 */
function openCbc(
  c: NonNullable<RecordKeys['cbc']>,
  key: Buffer,
  seq: number,
  type: number,
  version: number,
  body: Uint8Array,
): { type: number; plain: Uint8Array } | undefined {
  let sealed = body;
  if (c.etm) {
    if (body.length < c.macLen) return undefined;
    sealed = body.subarray(0, body.length - c.macLen);
    const want = recordMac(c, seq, type, version, sealed);
    if (!want.equals(body.subarray(body.length - c.macLen))) return undefined;
  }
  // TLS 1.0: the IV is the previous record's last block (chained), else the record's first block.
  const chain = c.chain;
  const bs = c.block;
  if (sealed.length < (chain ? bs : 2 * bs) || sealed.length % bs !== 0) return undefined;
  let plain: Buffer;
  try {
    const d = createDecipheriv(c.cipher, key, chain ?? sealed.subarray(0, bs));
    d.setAutoPadding(false);
    plain = Buffer.concat([d.update(chain ? sealed : sealed.subarray(bs)), d.final()]);
  } catch {
    return undefined;
  } finally {
    if (chain) c.chain = Buffer.from(sealed.subarray(sealed.length - bs));
  }
  const pad = plain[plain.length - 1];
  let end = plain.length - pad - 1;
  if (end < 0) return undefined;
  if (!c.etm) {
    end -= c.macLen;
    if (end < 0) return undefined;
    const want = recordMac(c, seq, type, version, plain.subarray(0, end));
    if (!want.equals(plain.subarray(end, end + c.macLen))) return undefined;
  }
  return { type, plain: plain.subarray(0, end) };
}

/** RC4's state (RFC 6229's cipher, "ARCFOUR"): the keystream runs on from one record to the next. */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;
  constructor(key: Uint8Array) {
    const s = this.s;
    for (let i = 0; i < 256; i++) s[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      j = (j + s[i] + key[i % key.length]) & 255;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
    }
  }
  /** `data` XORed with the next data.length bytes of keystream (encrypting and decrypting alike). */
  apply(data: Uint8Array): Buffer {
    const s = this.s;
    const out = Buffer.allocUnsafe(data.length);
    let { i, j } = this;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 255;
      j = (j + s[i]) & 255;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
      out[n] = data[n] ^ s[(s[i] + s[j]) & 255];
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

/** An RC4 record: the content, then its MAC, all under the keystream (no IV, no padding). */
function openRc4(
  c: NonNullable<RecordKeys['rc4']>,
  seq: number,
  type: number,
  version: number,
  body: Uint8Array,
): { type: number; plain: Uint8Array } | undefined {
  // The keystream moves on whether or not the MAC then verifies: it stays in step with the sender's.
  const plain = c.state.apply(body);
  const end = plain.length - c.macLen;
  if (end < 0) return undefined;
  const want = recordMac(c, seq, type, version, plain.subarray(0, end));
  if (!want.equals(plain.subarray(end))) return undefined;
  return { type, plain: plain.subarray(0, end) };
}

/**
 * Suites with RSA key exchange (TLS_RSA_WITH_*): the client sends the pre-master secret encrypted with
 * the server certificate's RSA key, so the server's private key opens the session (Wireshark's "RSA keys list").
 */
const RSA_KEY_EXCHANGE = new Set([
  0x0004, 0x0005, 0x000a, 0x002f, 0x0035, 0x003c, 0x003d, 0x009c, 0x009d, 0xc09c, 0xc09d, 0xc0a0, 0xc0a1,
]);

export function rsaKeyExchange(suite: number | undefined): boolean {
  return suite !== undefined && RSA_KEY_EXCHANGE.has(suite);
}

/** The RSA private keys of PEM text (PKCS#1 or PKCS#8 blocks, unencrypted); other blocks are skipped. */
export function parseRsaKeys(pem: string): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const block of pem.match(
    /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/g,
  ) ?? []) {
    const k = createPrivateKey(block);
    if (k.asymmetricKeyType === 'rsa') keys.push(k);
  }
  return keys;
}

/**
 * The pre-master secret of a ClientKeyExchange's encrypted secret (RFC 5246 §7.4.7.1: PKCS #1 v1.5, 48 bytes),
 * opened with whichever key fits; undefined when none does. The padding is checked here (Node no longer opens
 * PKCS #1 v1.5 itself): 00 02, at least eight non-zero bytes, 00, the secret.
 */
export function rsaPremaster(keys: readonly KeyObject[], encrypted: Uint8Array): Uint8Array | undefined {
  for (const key of keys) {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (encrypted.length !== Math.ceil(bits / 8)) continue;
    let m: Buffer;
    try {
      m = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encrypted);
    } catch {
      continue;
    }
    if (m[0] !== 0 || m[1] !== 2) continue;
    const zero = m.indexOf(0, 2);
    if (zero < 10 || m.length - zero - 1 !== 48) continue;
    return new Uint8Array(m.subarray(zero + 1));
  }
  return undefined;
}

/**
 * A TLS 1.0–1.2 session's master secret from its pre-master secret (RFC 5246 §8.1), or with the extended master
 * secret (RFC 7627) from the hash of the handshake messages up to the ClientKeyExchange.
 */
export function tls12Master(
  suite: number,
  premaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  handshake?: readonly Uint8Array[],
  version = 0x0303,
): Uint8Array | undefined {
  const s = TLS12[suite];
  if (!s) return undefined;
  const prfOf = sessionPrf(version, s.hash);
  if (handshake) {
    // The session hash: the PRF's hash, or TLS 1.0/1.1's MD5 and SHA-1 side by side.
    const digest = (alg: string) => {
      const h = createHash(alg);
      for (const m of handshake) h.update(m);
      return h.digest();
    };
    const hash = version < 0x0303 ? Buffer.concat([digest('md5'), digest('sha1')]) : digest(s.hash);
    return prfOf(premaster, 'extended master secret', hash, 48);
  }
  return prfOf(premaster, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48);
}
