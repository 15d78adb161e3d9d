/**
 * QUIC packet protection (RFC 9001, RFC 9369 for version 2): key derivation with HKDF-Expand-Label, header
 * protection removal and AEAD payload decryption, with node:crypto only.
 */
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

export type Hash = 'sha256' | 'sha384';

/** Packet protection keys of one direction at one encryption level. */
export interface QuicKeys {
  readonly aead: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly hp: Buffer;
  /** The traffic secret, suite and version the keys come from (the next key phase is derived from them). */
  readonly secret?: Buffer;
  readonly suite?: number;
  readonly v2?: boolean;
}

/** What a version changes in packet protection: the Initial salt and the key labels (RFC 9369 §3.3). */
export interface QuicVersion {
  readonly salt: Buffer;
  readonly v2: boolean;
  readonly name: string;
}

const SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const SALT_V2 = Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex');
const SALT_DRAFT29 = Buffer.from('afbfec289993d24c9e9786f19c6111e04390a899', 'hex');
const SALT_DRAFT23 = Buffer.from('c3eef712c72ebb5a11a7d2432bb46365bef9f502', 'hex');

export const QUIC_V2 = 0x6b3343cf;

/** The versions whose Initial packets we can decrypt (and so recognise as QUIC on any port). */
export function quicVersion(v: number): QuicVersion | undefined {
  if (v === 1) return { salt: SALT_V1, v2: false, name: '1' };
  if (v === QUIC_V2) return { salt: SALT_V2, v2: true, name: '2' };
  if (v >>> 8 === 0xff0000) {
    const d = v & 0xff;
    // Drafts 29 to 34 share one salt, 23 to 28 another (the earlier drafts used other labels too).
    if (d >= 29 && d <= 34) return { salt: SALT_DRAFT29, v2: false, name: `draft-${d}` };
    if (d >= 23 && d <= 28) return { salt: SALT_DRAFT23, v2: false, name: `draft-${d}` };
  }
  return undefined;
}

/** HKDF-Expand-Label of TLS 1.3 (RFC 8446 §7.1) with an empty context, as HMAC rounds of HKDF-Expand. */
export function expandLabel(hash: Hash, secret: Uint8Array, label: string, length: number): Buffer {
  const full = Buffer.from(`tls13 ${label}`, 'latin1');
  const info = Buffer.alloc(4 + full.length);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  full.copy(info, 3);
  info[3 + full.length] = 0;
  const out: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let i = 1, n = 0; n < length; i++) {
    prev = createHmac(hash, secret).update(prev).update(info).update(Buffer.of(i)).digest();
    out.push(prev);
    n += prev.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

const SUITES: Record<number, { aead: QuicKeys['aead']; hash: Hash; keyLen: number }> = {
  0x1301: { aead: 'aes-128-gcm', hash: 'sha256', keyLen: 16 },
  0x1302: { aead: 'aes-256-gcm', hash: 'sha384', keyLen: 32 },
  0x1303: { aead: 'chacha20-poly1305', hash: 'sha256', keyLen: 32 },
};

/** Packet protection keys from a traffic secret, for a TLS 1.3 cipher suite; undefined for one we lack. */
export function keysFromSecret(secret: Uint8Array, suite: number, v2: boolean): QuicKeys | undefined {
  const s = SUITES[suite];
  if (!s) return undefined;
  const p = v2 ? 'quicv2 ' : 'quic ';
  return {
    aead: s.aead,
    key: expandLabel(s.hash, secret, `${p}key`, s.keyLen),
    iv: expandLabel(s.hash, secret, `${p}iv`, 12),
    hp: expandLabel(s.hash, secret, `${p}hp`, s.keyLen),
    secret: Buffer.from(secret),
    suite,
    v2,
  };
}

/** The keys of the next 1-RTT key phase (RFC 9001 §6.1): a new secret, the same header protection key. */
export function updatedKeys(k: QuicKeys): QuicKeys | undefined {
  const s = k.suite === undefined ? undefined : SUITES[k.suite];
  if (!k.secret || !s || k.suite === undefined) return undefined;
  const next = expandLabel(s.hash, k.secret, k.v2 ? 'quicv2 ku' : 'quic ku', k.secret.length);
  const n = keysFromSecret(next, k.suite, k.v2 ?? false);
  return n && { ...n, hp: k.hp };
}

/** Initial keys of both directions (client first) from the client's first Destination Connection ID. */
export function initialKeys(dcid: Uint8Array, ver: QuicVersion): [QuicKeys, QuicKeys] {
  const initial = createHmac('sha256', ver.salt).update(dcid).digest();
  const client = expandLabel('sha256', initial, 'client in', 32);
  const server = expandLabel('sha256', initial, 'server in', 32);
  return [keysFromSecret(client, 0x1301, ver.v2)!, keysFromSecret(server, 0x1301, ver.v2)!];
}

/** The five header-protection mask bytes for a 16-byte sample of the protected payload. */
export function headerMask(k: QuicKeys, sample: Uint8Array): Uint8Array {
  if (k.aead === 'chacha20-poly1305') {
    // ChaCha20's 16-byte IV is the 32-bit block counter then the 96-bit nonce: the sample as it is.
    const c = createCipheriv('chacha20', k.hp, sample);
    return c.update(Buffer.alloc(5));
  }
  const c = createCipheriv(k.aead === 'aes-128-gcm' ? 'aes-128-ecb' : 'aes-256-ecb', k.hp, null);
  c.setAutoPadding(false);
  return c.update(sample).subarray(0, 5);
}

/** The AEAD-opened payload, or undefined when the tag does not verify (wrong keys or damaged packet). */
export function openPayload(
  k: QuicKeys,
  pn: number,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  const nonce = Buffer.from(k.iv);
  // The packet number, left-padded to the IV's length, XORed into it (RFC 9001 §5.3).
  for (let i = 0, x = pn; i < 8 && x > 0; i++, x = Math.floor(x / 256)) nonce[11 - i] ^= x % 256;
  try {
    const d = createDecipheriv(k.aead as 'aes-128-gcm', k.key, nonce, { authTagLength: 16 });
    d.setAAD(aad);
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
  } catch {
    return undefined;
  }
}

/** A truncated packet number expanded next to the largest one seen in its space (RFC 9000 §A.3). */
export function decodePacketNumber(largest: number, truncated: number, bits: number): number {
  const expected = largest + 1;
  const win = 2 ** bits;
  const half = win / 2;
  const candidate = expected - (expected % win) + truncated;
  if (candidate <= expected - half && candidate < 2 ** 62 - win) return candidate + win;
  if (candidate > expected + half && candidate >= win) return candidate - win;
  return candidate;
}

/** TLS key log lines (NSS format) by label, then client random (hex), to the secret. */
export type KeyLog = Map<string, Map<string, Buffer>>;

export function parseKeyLog(text: string): KeyLog {
  const out: KeyLog = new Map();
  for (const line of text.split(/\r?\n/)) {
    // Whatever follows the secret is ignored (some key logs end their lines with a stray backslash).
    const m = /^([A-Z0-9_]+) ([0-9a-fA-F]{64}) ([0-9a-fA-F]+)/.exec(line);
    if (!m) continue;
    let byRandom = out.get(m[1]);
    if (!byRandom) out.set(m[1], (byRandom = new Map()));
    byRandom.set(m[2].toLowerCase(), Buffer.from(m[3], 'hex'));
  }
  return out;
}
