import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dissectPackets } from '../testing/dissect-all.js';
import type { Dissection } from '../dissect/types.js';
import { registry } from '../fields/registry.js';
import { ethernet, ip4, ipv4, mac, udp, type SynthPacket } from '../testing/synth.js';
import {
  QUIC_V2,
  decodePacketNumber,
  headerMask,
  initialKeys,
  keysFromSecret,
  openPayload,
  quicVersion,
  updatedKeys,
} from './quic-crypto.js';
import './index.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (s: string): Buffer => Buffer.from(s, 'hex');

describe('QUIC packet protection (RFC 9001 Appendix A, RFC 9369 Appendix A)', () => {
  const dcid = fromHex('8394c8f03e515708');

  it('derives the published Initial keys of version 1', () => {
    const [c, s] = initialKeys(dcid, quicVersion(1)!);
    expect([hexOf(c.key), hexOf(c.iv), hexOf(c.hp)]).toEqual([
      '1f369613dd76d5467730efcbe3b1a22d',
      'fa044b2f42a3fd3b46fb255c',
      '9f50449e04a0e810283a1e9933adedd2',
    ]);
    expect([hexOf(s.key), hexOf(s.iv), hexOf(s.hp)]).toEqual([
      'cf3a5331653c364c88f0f379b6067e37',
      '0ac1493ca1905853b0bba03e',
      'c206b8d9b9f0f37644430b490eeaa314',
    ]);
    // The client Initial's header protection mask for its published sample.
    expect(hexOf(headerMask(c, fromHex('d1b1c98dd7689fb8ec11d242b123dc9b')))).toBe('437b9aec36');
  });

  it('derives the published Initial keys of version 2', () => {
    const [c] = initialKeys(dcid, quicVersion(QUIC_V2)!);
    expect([hexOf(c.key), hexOf(c.iv), hexOf(c.hp)]).toEqual([
      '8b1a0bc121284290a29e0971b5cd045d',
      '91f73e2351d8fa91660e909f',
      '45b95e15235d6f45a6b19cbcb0294ba9',
    ]);
  });

  it('opens the ChaCha20-Poly1305 short header packet', () => {
    const secret = fromHex('9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b');
    const k = keysFromSecret(secret, 0x1303, false)!;
    expect(hexOf(k.key)).toBe('c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8');
    const packet = fromHex('4cfe4189655e5cd55c41f69080575d7999c25a5bfb');
    const mask = headerMask(k, packet.subarray(5, 21));
    expect(hexOf(mask)).toBe('aefefe7d03');
    const pn = decodePacketNumber(654360563, 0xbff4, 16);
    expect(pn).toBe(654360564);
    expect(hexOf(openPayload(k, pn, fromHex('4200bff4'), packet.subarray(4))!)).toBe('01');
    // The next key phase's secret ("quic ku"); header protection keeps its key.
    const next = updatedKeys(k)!;
    expect(hexOf(next.secret!)).toBe('1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9');
    expect(next.hp.equals(k.hp)).toBe(true);
  });

  it('expands truncated packet numbers next to the largest seen (RFC 9000 A.3)', () => {
    expect(decodePacketNumber(0xa82f30ea, 0x9b32, 16)).toBe(0xa82f9b32);
    expect(decodePacketNumber(-1, 0, 8)).toBe(0);
  });
});

/** A ClientHello offering TLS_AES_128_GCM_SHA256 with a server name. */
function clientHello(name: string): Uint8Array {
  const sni = Buffer.from(name, 'latin1');
  const ext = Buffer.concat([
    Buffer.from([0, 0, 0, sni.length + 5, 0, sni.length + 3, 0, 0, sni.length]),
    sni,
  ]);
  const body = Buffer.concat([
    fromHex('0303'),
    Buffer.alloc(32, 0x5a),
    Buffer.from([0, 0, 2, 0x13, 0x01, 1, 0, ext.length >> 8, ext.length & 255]),
    ext,
  ]);
  return Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 255]), body]);
}

/** A CRYPTO frame (offsets and lengths as two-byte varints). */
function crypto(offset: number, data: Uint8Array): Uint8Array {
  return Buffer.concat([
    Buffer.from([6, 0x40 | (offset >> 8), offset & 255, 0x40 | (data.length >> 8), data.length & 255]),
    data,
  ]);
}

/** A protected version-1 client Initial packet (4-byte packet number), padded to a 1200-byte datagram. */
function clientInitial(dcid: Uint8Array, scid: Uint8Array, pn: number, frames: Uint8Array): Uint8Array {
  const [k] = initialKeys(dcid, quicVersion(1)!);
  const headLen = 1 + 4 + 1 + dcid.length + 1 + scid.length + 1 + 2 + 4;
  const payload = Buffer.concat([frames, Buffer.alloc(Math.max(0, 1200 - headLen - 16 - frames.length))]);
  const length = 4 + payload.length + 16;
  const header = Buffer.concat([
    Buffer.from([0xc3, 0, 0, 0, 1, dcid.length]),
    dcid,
    Buffer.from([scid.length]),
    scid,
    Buffer.from([0, 0x40 | (length >> 8), length & 255]),
    Buffer.from([pn >>> 24, (pn >> 16) & 255, (pn >> 8) & 255, pn & 255]),
  ]);
  const nonce = Buffer.from(k.iv);
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 255;
  const c = createCipheriv('aes-128-gcm', k.key, nonce);
  c.setAAD(header);
  const packet = Buffer.concat([header, c.update(payload), c.final(), c.getAuthTag()]);
  const pnOff = header.length - 4;
  const mask = headerMask(k, packet.subarray(pnOff + 4, pnOff + 20));
  packet[0] ^= mask[0] & 0x0f;
  for (let i = 0; i < 4; i++) packet[pnOff + i] ^= mask[1 + i];
  return packet;
}

describe('QUIC Initial packets without a key log', () => {
  const dcid = fromHex('0011223344556677');
  const scid = fromHex('a1a2a3a4');
  const hello = clientHello('h3.example.net');
  const half = 60;
  // The ClientHello in two CRYPTO frames of two packets, the second one captured first; on a port QUIC is
  // not registered for (found by its long header).
  const datagrams = [
    clientInitial(dcid, scid, 1, crypto(half, hello.subarray(half))),
    clientInitial(dcid, scid, 0, crypto(0, hello.subarray(0, half))),
  ];
  const packets: SynthPacket[] = datagrams.map((d, i) => ({
    data: ethernet(
      mac('00:00:00:00:00:02'),
      mac('00:00:00:00:00:01'),
      0x0800,
      ipv4(ip4('10.0.0.1'), ip4('10.0.0.2'), 17, udp(ip4('10.0.0.1'), ip4('10.0.0.2'), 50000, 4433, d)),
    ),
    tsSec: 1_700_000_000 + i,
    tsNsec: 0,
  }));
  const ds = dissectPackets(packets);
  const values = (d: Dissection, abbrev: string): unknown[] =>
    (d.byField.get(registry.get(abbrev)!.id) ?? []).map((it) => it.value);

  it('decrypts them and shows the header and frames in Info', () => {
    expect(ds.map((d) => d.columns.protocol)).toEqual(['QUIC', 'QUIC']);
    expect(ds[0].columns.info).toBe('Initial, DCID=0011223344556677, SCID=a1a2a3a4, PKN: 1, CRYPTO, PADDING');
    expect(ds[1].columns.info).toBe('Initial, DCID=0011223344556677, SCID=a1a2a3a4, PKN: 0, CRYPTO, PADDING');
    expect(values(ds[1], 'quic.crypto.offset')).toEqual([0]);
    expect(values(ds[0], 'quic.crypto.length')).toEqual([hello.length - half]);
  });

  it('dissects the ClientHello where its CRYPTO data becomes contiguous', () => {
    expect(values(ds[0], 'tls')).toEqual([]);
    expect(values(ds[1], 'tls.handshake.type')).toEqual([1]);
    expect(values(ds[1], 'tls.handshake.extensions_server_name')).toEqual(['h3.example.net']);
  });
});

describe('UDP port 443 data that is not QUIC', () => {
  it('leaves no QUIC layer (Google QUIC: a version QUIC does not know)', () => {
    const gquic = Buffer.concat([
      Buffer.from([0x0d]),
      Buffer.alloc(8, 1),
      Buffer.from('Q043'),
      Buffer.alloc(40),
    ]);
    const [d] = dissectPackets([
      {
        data: ethernet(
          mac('00:00:00:00:00:02'),
          mac('00:00:00:00:00:01'),
          0x0800,
          ipv4(
            ip4('10.0.0.1'),
            ip4('10.0.0.2'),
            17,
            udp(ip4('10.0.0.1'), ip4('10.0.0.2'), 50000, 443, gquic),
          ),
        ),
        tsSec: 1_700_000_000,
        tsNsec: 0,
      },
    ]);
    expect(d.byField.get(registry.get('quic')!.id) ?? []).toEqual([]);
    expect(d.layers).not.toContain('quic');
    expect(d.columns.protocol).toBe('UDP');
  });
});
