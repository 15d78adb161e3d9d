/**
 * TLS record protection with secrets from a key log (NSS format, as a pcapng Decryption Secrets Block carries
 * it): TLS 1.2 AEAD suites (AES-GCM, RFC 5288/5289; ChaCha20-Poly1305, RFC 7905) keyed from the master secret,
 * and TLS 1.3 (RFC 8446) keyed from traffic secrets. node:crypto only.
 */
import { createDecipheriv, createHmac } from 'node:crypto';
import { expandLabel, type Hash } from './quic-crypto.js';

type Aead = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

interface Suite {
  readonly aead: Aead;
  /** The PRF's (TLS 1.2) or HKDF's (TLS 1.3) hash. */
  readonly hash: Hash;
  readonly keyLen: number;
}

const GCM128: Suite = { aead: 'aes-128-gcm', hash: 'sha256', keyLen: 16 };
const GCM256: Suite = { aead: 'aes-256-gcm', hash: 'sha384', keyLen: 32 };
const CHACHA: Suite = { aead: 'chacha20-poly1305', hash: 'sha256', keyLen: 32 };

/** TLS 1.2 AEAD suites: RSA, DHE and ECDHE key exchanges with AES-GCM, and ChaCha20-Poly1305. */
const TLS12: Record<number, Suite> = {
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
  0xcca8: CHACHA,
  0xcca9: CHACHA,
  0xccaa: CHACHA,
};

const TLS13: Record<number, Suite> = { 0x1301: GCM128, 0x1302: GCM256, 0x1303: CHACHA };

/** One direction's record protection: key, IV and the sequence number of its next record. */
export interface RecordKeys {
  readonly aead: Aead;
  readonly key: Buffer;
  /** TLS 1.2 AES-GCM: the 4-byte salt (the rest of the nonce is in the record); else the 12-byte IV. */
  readonly iv: Buffer;
  readonly tls13: boolean;
  seq: number;
}

/** Whether we can decrypt records of `suite` (TLS 1.3 when `tls13`). */
export function canDecrypt(suite: number, tls13: boolean): boolean {
  return (tls13 ? TLS13 : TLS12)[suite] !== undefined;
}

/** TLS 1.2's PRF (RFC 5246 §5): P_hash(secret, label + seed), `length` bytes. */
function prf(hash: Hash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Buffer {
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

/** Both directions' keys (client first) of a TLS 1.2 session from its master secret and hello randoms. */
export function tls12Keys(
  master: Uint8Array,
  suite: number,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): [RecordKeys, RecordKeys] | undefined {
  const s = TLS12[suite];
  if (!s) return undefined;
  const ivLen = s.aead === 'chacha20-poly1305' ? 12 : 4;
  const block = prf(
    s.hash,
    master,
    'key expansion',
    Buffer.concat([serverRandom, clientRandom]),
    2 * (s.keyLen + ivLen),
  );
  const key = (i: number) => block.subarray(i * s.keyLen, (i + 1) * s.keyLen);
  const iv = (i: number) => block.subarray(2 * s.keyLen + i * ivLen, 2 * s.keyLen + (i + 1) * ivLen);
  return [
    { aead: s.aead, key: key(0), iv: iv(0), tls13: false, seq: 0 },
    { aead: s.aead, key: key(1), iv: iv(1), tls13: false, seq: 0 },
  ];
}

/** One direction's keys of a TLS 1.3 session from a traffic secret (handshake or application). */
export function tls13Keys(secret: Uint8Array, suite: number): RecordKeys | undefined {
  const s = TLS13[suite];
  if (!s) return undefined;
  return {
    aead: s.aead,
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
  const explicit = !k.tls13 && k.aead !== 'chacha20-poly1305' ? 8 : 0;
  if (body.length < explicit + 16) return undefined;
  const sealed = body.subarray(explicit, body.length - 16);
  const nonce = explicit ? Buffer.concat([k.iv, body.subarray(0, 8)]) : seqNonce(k.iv, seq);
  const aad = k.tls13
    ? Buffer.of(type, version >> 8, version & 255, body.length >> 8, body.length & 255)
    : Buffer.concat([
        seqBytes(seq),
        Buffer.of(type, version >> 8, version & 255, sealed.length >> 8, sealed.length & 255),
      ]);
  let plain: Buffer;
  try {
    const d = createDecipheriv(k.aead as 'aes-128-gcm', k.key, nonce, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(body.subarray(body.length - 16));
    plain = Buffer.concat([d.update(sealed), d.final()]);
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
