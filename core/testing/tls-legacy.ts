/**
 * TLS sessions with the suites HTTPS of the 2000s and early 2010s ran on — RC4 and 3DES-CBC, and SSL 3.0 — which
 * no TLS library here still speaks (OpenSSL 3 is built without them), written record by record: cleartext hellos
 * and the server's certificate (RSA key exchange, no extensions but the server name, so MAC-then-encrypt),
 * ChangeCipherSpec and Finished each way, then the requests and responses as application data records of at
 * most 16 KiB, sealed with the keys `tls12Keys` derives. The pre-master secret goes to the server encrypted with
 * the test server's RSA key (SERVER_KEY), so either the key log or that key opens the session. Our sealing and
 * opening share the key derivation and the record MAC: tshark reading the same capture (with the key log, or
 * with the RSA key) is the independent check — the tests compare every row with it.
 */
import {
  X509Certificate,
  constants,
  createCipheriv,
  createHash,
  createPublicKey,
  publicEncrypt,
} from 'node:crypto';
import { Rc4, recordMac, tls12Keys, tls12Master, type RecordKeys } from '../protocols/tls-crypto.js';
import { CERT, exchange, SERVER_KEY, type TlsExchange } from './tls-session.js';

export type LegacyVersion = 0x0300 | 0x0301 | 0x0302 | 0x0303;

/** Deterministic bytes (a test's randoms and secrets): SHA-256 of a label, counter by counter. */
function bytes(label: string, n: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`${label}/${i}`).digest());
  return Buffer.concat(out).subarray(0, n);
}

const u16 = (n: number) => Buffer.of(n >> 8, n & 255);
const u24 = (n: number) => Buffer.of(n >> 16, (n >> 8) & 255, n & 255);
const record = (type: number, version: number, body: Uint8Array) =>
  Buffer.concat([Buffer.of(type), u16(version), u16(body.length), body]);
const handshake = (type: number, body: Uint8Array) =>
  Buffer.concat([Buffer.of(type), u24(body.length), body]);

/** One direction's sealing: the record MAC (recordMac, as the reader checks it), then the cipher. */
class Sealer {
  private seq = 0;
  private readonly rc4?: Rc4;
  private chain?: Buffer;
  constructor(
    private readonly k: RecordKeys,
    private readonly version: LegacyVersion,
  ) {
    if (k.rc4) this.rc4 = new Rc4(k.key);
    if (k.cbc?.chain) this.chain = Buffer.from(k.cbc.chain);
  }

  seal(type: number, content: Uint8Array): Buffer {
    const macKeyed = this.k.rc4 ?? this.k.cbc;
    if (!macKeyed) throw new Error('not a stream or CBC suite');
    const mac = recordMac(macKeyed, this.seq++, type, this.version, content);
    if (this.rc4) return record(type, this.version, this.rc4.apply(Buffer.concat([content, mac])));
    const c = this.k.cbc as NonNullable<RecordKeys['cbc']>;
    const padLen = c.block - ((content.length + mac.length + 1) % c.block);
    const plain = Buffer.concat([content, mac, Buffer.alloc(padLen + 1, padLen)]);
    // TLS 1.1 and 1.2: an explicit IV before each record; SSL 3.0 and TLS 1.0: the previous record's last block.
    const iv = this.chain ?? bytes(`iv/${this.seq}`, c.block);
    const e = createCipheriv(c.cipher, this.k.key, iv);
    e.setAutoPadding(false);
    const sealed = Buffer.concat([e.update(plain), e.final()]);
    if (this.chain) this.chain = sealed.subarray(sealed.length - c.block);
    return record(type, this.version, this.chain ? sealed : Buffer.concat([iv, sealed]));
  }
}

/**
 * One TLS connection on port 443 with `suite` (TLS_RSA_WITH_RC4_128_MD5 0x0004, …_RC4_128_SHA 0x0005,
 * …_3DES_EDE_CBC_SHA 0x000a) at `version`: the client sends each request, the server answers it with
 * `respond`'s bytes. The key log holds the session's CLIENT_RANDOM line.
 */
export function legacyTlsExchange(
  opts: { version: LegacyVersion; suite: number },
  requests: readonly string[],
  respond: (request: string) => Uint8Array,
): TlsExchange {
  const { version, suite } = opts;
  const clientRandom = bytes(`client random ${suite}`, 32);
  const serverRandom = bytes(`server random ${suite}`, 32);
  // RFC 5246 §7.4.7.1: the client's version, 46 random bytes; PKCS #1 v1.5 under the server's public key.
  const premaster = Buffer.concat([u16(version), bytes(`premaster ${suite}`, 46)]);
  const encrypted = publicEncrypt(
    { key: createPublicKey(SERVER_KEY), padding: constants.RSA_PKCS1_PADDING },
    premaster,
  );
  const master = tls12Master(suite, premaster, clientRandom, serverRandom, undefined, version);
  if (!master) throw new Error(`suite 0x${suite.toString(16)} is not one tls12Master knows`);
  const keys = tls12Keys(master, suite, clientRandom, serverRandom, false, version);
  if (!keys) throw new Error(`suite 0x${suite.toString(16)} is not one tls12Keys knows`);
  const host = Buffer.from('wirelens.test', 'latin1');
  const sni = Buffer.concat([
    u16(0),
    u16(host.length + 5),
    u16(host.length + 3),
    Buffer.of(0),
    u16(host.length),
    host,
  ]);
  const clientHello = handshake(
    1,
    Buffer.concat([
      u16(version),
      clientRandom,
      Buffer.of(0),
      u16(2),
      u16(suite),
      Buffer.of(1, 0),
      u16(sni.length),
      sni,
    ]),
  );
  const serverHello = handshake(
    2,
    Buffer.concat([u16(version), serverRandom, Buffer.of(0), u16(suite), Buffer.of(0)]),
  );
  // The server's certificate: Wireshark picks the RSA key whose public key it holds.
  const der = new X509Certificate(CERT).raw;
  const certificate = handshake(11, Buffer.concat([u24(der.length + 3), u24(der.length), der]));
  const helloDone = handshake(14, Buffer.alloc(0));
  // TLS prefixes the encrypted secret with its length; SSL 3.0 does not.
  const keyExchange = handshake(
    16,
    version === 0x0300 ? encrypted : Buffer.concat([u16(encrypted.length), encrypted]),
  );
  const client = new Sealer(keys[0], version);
  const server = new Sealer(keys[1], version);
  const log: { fromClient: boolean; bytes: Uint8Array }[] = [];
  const say = (fromClient: boolean, ...records: Buffer[]) =>
    log.push({ fromClient, bytes: Buffer.concat(records) });
  say(true, record(22, Math.min(version, 0x0301), clientHello));
  say(false, record(22, version, Buffer.concat([serverHello, certificate, helloDone])));
  // Finished's verify data is not checked by a reader of the records: made-up bytes, as many as the version's
  // Finished holds (SSL 3.0: an MD5 and a SHA-1 hash; TLS: twelve bytes).
  const finished = (side: string) => handshake(20, bytes(`finished ${side}`, version === 0x0300 ? 36 : 12));
  say(
    true,
    record(22, version, keyExchange),
    record(20, version, Buffer.of(1)),
    client.seal(22, finished('client')),
  );
  say(false, record(20, version, Buffer.of(1)), server.seal(22, finished('server')));
  const appData = (sealer: Sealer, data: Uint8Array) => {
    const out: Buffer[] = [];
    for (let at = 0; at < data.length; at += 16384) out.push(sealer.seal(23, data.subarray(at, at + 16384)));
    return out;
  };
  for (const req of requests) {
    say(true, ...appData(client, Buffer.from(req, 'latin1')));
    say(false, ...appData(server, respond(req)));
  }
  const line = `CLIENT_RANDOM ${clientRandom.toString('hex')} ${Buffer.from(master).toString('hex')}`;
  return exchange(log, [line], 51000, 443, 1_700_000_500);
}
