/**
 * Builds 802.11 frames for tests: a radiotap header, MAC headers of every frame type, management bodies with
 * tagged parameters, LLC/SNAP, EAPOL (EAP and EAPOL-Key) and EAP-TLS messages. Deterministic.
 */
import { concatBytes } from '../bytes/byteview.js';
import { ip4, ipv4, mac, udp, type SynthPacket } from './synth.js';

export interface RadioOptions {
  /** The frame ends with a 4-byte FCS (radiotap flag 0x10). */
  fcs?: boolean;
  /** Data rate in 500 kb/s units. */
  rate?: number;
  /** Channel frequency in MHz. */
  freq?: number;
  /** Antenna signal in dBm. */
  signal?: number;
}

/** A radiotap header (TSFT, flags, rate, channel, dBm antenna signal) in front of `frame`. */
export function radiotap(frame: Uint8Array, o: RadioOptions = {}): Uint8Array {
  const h = new Uint8Array(8 + 8 + 1 + 1 + 4 + 1 + 1);
  const dv = new DataView(h.buffer);
  h[0] = 0;
  dv.setUint16(2, h.length, true);
  dv.setUint32(4, 0x2f, true); // TSFT, Flags, Rate, Channel, dBm antenna signal
  dv.setBigUint64(8, 1_000_000n, true);
  h[16] = o.fcs ? 0x10 : 0;
  h[17] = o.rate ?? 2;
  dv.setUint16(18, o.freq ?? 2412, true);
  dv.setUint16(20, 0x00a0, true);
  h[22] = (o.signal ?? -40) & 0xff;
  const body = o.fcs ? concatBytes(frame, Uint8Array.of(0xde, 0xad, 0xbe, 0xef)) : frame;
  return concatBytes(h, body);
}

/** Frame control bytes, duration, up to four addresses, sequence control and QoS control. */
export interface MacHeader {
  type: number;
  subtype: number;
  flags?: number;
  duration?: number;
  addrs: readonly string[];
  seq?: number;
  frag?: number;
  qos?: number;
}

export function macHeader(h: MacHeader): Uint8Array {
  const parts: Uint8Array[] = [
    Uint8Array.of(
      (h.subtype << 4) | (h.type << 2),
      h.flags ?? 0,
      (h.duration ?? 0) & 255,
      (h.duration ?? 0) >> 8,
    ),
  ];
  const addrs = h.addrs.map(mac);
  parts.push(...addrs.slice(0, 3));
  // Control frames have no sequence control; the others have it after the third address.
  if (h.type !== 1) {
    const sc = ((h.seq ?? 0) << 4) | (h.frag ?? 0);
    parts.push(Uint8Array.of(sc & 255, sc >> 8));
    if (addrs[3]) parts.push(addrs[3]);
    if (h.qos !== undefined) parts.push(Uint8Array.of(h.qos & 255, h.qos >> 8));
  }
  return concatBytes(...parts);
}

/** A tagged parameter (element). */
export function tag(num: number, body: Uint8Array | string): Uint8Array {
  const b = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return concatBytes(Uint8Array.of(num, b.length), b);
}

/** An RSN element naming one AKM suite (00-0f-ac:akm) with CCMP ciphers. */
export function rsnElement(akm: number): Uint8Array {
  return tag(
    48,
    Uint8Array.of(1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, akm, 0, 0),
  );
}

/** LLC/SNAP (RFC 1042) in front of a payload of `ethertype`. */
export function snap(ethertype: number, payload: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(0xaa, 0xaa, 0x03, 0, 0, 0, ethertype >> 8, ethertype & 255), payload);
}

/** An EAPOL frame of `type` (0 EAP packet, 1 Start, 3 Key) around `body`. */
export function eapol(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(2, type, body.length >> 8, body.length & 255), body);
}

/** An EAP packet; `type` and `data` only for requests and responses. */
export function eapPacket(
  code: number,
  id: number,
  type?: number,
  data: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const len = 4 + (type === undefined ? 0 : 1 + data.length);
  const head = Uint8Array.of(code, id, len >> 8, len & 255);
  return type === undefined ? head : concatBytes(head, Uint8Array.of(type), data);
}

/** EAP-TLS data: the flags, the total length when L is set, then a fragment. */
export function eapTlsData(flags: number, fragment: Uint8Array, total?: number): Uint8Array {
  const head =
    total === undefined
      ? Uint8Array.of(flags)
      : Uint8Array.of(flags, total >>> 24, (total >> 16) & 255, (total >> 8) & 255, total & 255);
  return concatBytes(head, fragment);
}

/** An EAPOL-Key body (RSN descriptor) with `micLen` bytes of MIC and the given key data. */
export function eapolKey(
  keyInfo: number,
  replay: number,
  nonceByte: number,
  micLen = 16,
  keyData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const b = new Uint8Array(77 + micLen + 2 + keyData.length);
  const dv = new DataView(b.buffer);
  b[0] = 2;
  dv.setUint16(1, keyInfo);
  dv.setUint16(3, 16);
  dv.setBigUint64(5, BigInt(replay));
  b.fill(nonceByte, 13, 45);
  if (micLen && keyInfo & 0x100) b.fill(0x11, 77, 77 + micLen);
  dv.setUint16(77 + micLen, keyData.length);
  b.set(keyData, 79 + micLen);
  return b;
}

/** A TLS handshake record holding one message of `type` with `body`. */
export function tlsHandshake(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const msg = concatBytes(Uint8Array.of(type, 0, body.length >> 8, body.length & 255), body);
  return concatBytes(Uint8Array.of(22, version >> 8, version & 255, msg.length >> 8, msg.length & 255), msg);
}

/** A ClientHello (or ServerHello when `server`) body offering / choosing TLS_RSA_WITH_AES_128_CBC_SHA. */
export function helloBody(server: boolean, padding = 0): Uint8Array {
  const random = new Uint8Array(32).fill(server ? 0x22 : 0x11);
  const tail = server
    ? Uint8Array.of(0, 0x00, 0x2f, 0)
    : Uint8Array.of(
        0,
        0,
        2,
        0x00,
        0x2f,
        1,
        0,
        (padding + 4) >> 8,
        (padding + 4) & 255,
        0,
        21,
        padding >> 8,
        padding & 255,
      );
  return concatBytes(Uint8Array.of(3, 3), random, tail, new Uint8Array(server ? 0 : padding));
}

/** The access point, the station, broadcast and a mesh peer of the scenario. */
export const WLAN_HOSTS = {
  AP: '02:00:00:00:03:00',
  STA: '02:00:00:00:00:00',
  BC: 'ff:ff:ff:ff:ff:ff',
  PEER: '02:00:00:00:05:00',
} as const;
const { AP, STA, BC, PEER } = WLAN_HOSTS;

const u8 = (...b: number[]) => Uint8Array.from(b);
const le16 = (v: number) => u8(v & 255, v >> 8);
const frame = (h: MacHeader, body: Uint8Array = new Uint8Array(0)) => concatBytes(macHeader(h), body);

/** Management frames: a body of fixed fields, then tags. */
const mgmt = (subtype: number, addrs: string[], seq: number, body: Uint8Array, flags = 0) =>
  frame({ type: 0, subtype, addrs, seq, flags }, body);
/** A QoS data frame from the AP to the station (From DS) or back (To DS). */
const toSta = (seq: number, body: Uint8Array) =>
  frame({ type: 2, subtype: 8, flags: 0x02, addrs: [STA, AP, AP], seq, qos: 7 }, body);
const toAp = (seq: number, body: Uint8Array) =>
  frame({ type: 2, subtype: 8, flags: 0x01, addrs: [AP, STA, AP], seq, qos: 7 }, body);
const eap = (code: number, id: number, type?: number, data?: Uint8Array) =>
  snap(0x888e, eapol(0, eapPacket(code, id, type, data)));

const beaconBody = concatBytes(new Uint8Array(8), le16(100), le16(0x0411), tag(0, 'wl-test'), tag(3, u8(1)));
const clientHello = tlsHandshake(1, helloBody(false, 300), 0x0301);
const serverHello = concatBytes(tlsHandshake(2, helloBody(true)), tlsHandshake(14, new Uint8Array(0)));

/**
 * One of each kind of frame: beacon, probes, control frames, an open authentication and a (192-bit suite)
 * association, EAP with an EAP-TLS ClientHello in two fragments, the 4-way handshake, UDP and ARP over SNAP, a
 * protected frame, a null function, a 4-address frame, Block Ack action, deauthentication, disassociation and
 * a probe request whose element runs past the frame.
 */
export function wlanFrames(): Uint8Array[] {
  const pmkid = tag(0xdd, u8(0x00, 0x0f, 0xac, 4, ...new Array<number>(16).fill(0x77)));
  return [
    mgmt(8, [BC, AP, AP], 1, beaconBody),
    mgmt(4, [BC, STA, BC], 2, concatBytes(tag(0, ''), tag(1, u8(0x82, 0x84)))),
    mgmt(5, [STA, AP, AP], 3, beaconBody, 0x08),
    frame({ type: 1, subtype: 13, addrs: [AP] }),
    frame({ type: 1, subtype: 11, addrs: [AP, STA], duration: 300 }),
    frame({ type: 1, subtype: 12, addrs: [STA], duration: 250 }),
    frame(
      { type: 1, subtype: 9, addrs: [AP, STA] },
      concatBytes(le16(0x0004), le16(0x0010), new Uint8Array(8)),
    ),
    mgmt(11, [AP, STA, AP], 4, concatBytes(le16(0), le16(1), le16(0))),
    mgmt(0, [AP, STA, AP], 5, concatBytes(le16(0x0411), le16(10), tag(0, 'wl-test'), rsnElement(12))),
    mgmt(1, [STA, AP, AP], 6, concatBytes(le16(0x0411), le16(0), le16(0xc001), tag(1, u8(0x82)))),
    toSta(7, eap(1, 1, 1)),
    toAp(8, eap(2, 1, 1, new TextEncoder().encode('user@example'))),
    toSta(9, eap(1, 2, 21, u8(0x20))),
    toAp(10, eap(2, 2, 3, u8(13))),
    toSta(11, eap(1, 3, 13, u8(0x20))),
    toAp(12, eap(2, 3, 13, eapTlsData(0xc0, clientHello.subarray(0, 200), clientHello.length))),
    toSta(13, eap(1, 4, 13, u8(0))),
    toAp(14, eap(2, 4, 13, eapTlsData(0, clientHello.subarray(200)))),
    toSta(15, eap(1, 5, 13, eapTlsData(0, serverHello))),
    toAp(16, eap(2, 5, 13, u8(0))),
    toSta(17, eap(3, 5)),
    toSta(18, snap(0x888e, eapol(3, eapolKey(0x008a, 1, 0x44, 24, pmkid)))),
    toAp(19, snap(0x888e, eapol(3, eapolKey(0x010a, 1, 0x33, 24, rsnElement(12))))),
    toSta(20, snap(0x888e, eapol(3, eapolKey(0x13ca, 2, 0x44, 24, new Uint8Array(56).fill(0x5a))))),
    toAp(21, snap(0x888e, eapol(3, eapolKey(0x030a, 2, 0, 24)))),
    toAp(
      22,
      snap(
        0x0800,
        ipv4(
          ip4('10.0.0.2'),
          ip4('10.0.0.1'),
          17,
          udp(ip4('10.0.0.2'), ip4('10.0.0.1'), 40000, 9999, u8(1, 2, 3)),
        ),
      ),
    ),
    frame(
      { type: 2, subtype: 0, flags: 0x42, addrs: [STA, AP, AP], seq: 23 },
      concatBytes(u8(1, 0, 0, 0x20, 0, 0, 0, 0), new Uint8Array(20).fill(9)),
    ),
    frame({ type: 2, subtype: 4, flags: 0x11, addrs: [AP, STA, AP], seq: 24 }),
    frame(
      { type: 2, subtype: 0, flags: 0x03, addrs: [PEER, AP, BC, STA], seq: 25 },
      snap(
        0x0806,
        concatBytes(
          u8(0, 1, 8, 0, 6, 4, 0, 1),
          mac(STA),
          ip4('10.0.0.2'),
          new Uint8Array(6),
          ip4('10.0.0.1'),
        ),
      ),
    ),
    mgmt(13, [STA, AP, AP], 26, u8(3, 0, 5, 0x02, 0x10, 0, 0, 0, 0)),
    mgmt(12, [STA, AP, AP], 27, le16(3)),
    mgmt(10, [AP, STA, AP], 28, le16(8)),
    mgmt(4, [BC, STA, BC], 29, u8(0, 9, 0x41)),
  ];
}

const AT = 1_700_000_000;
/** The frames behind radiotap headers (every third with an FCS) or bare (link type 105). */
export const wlanPackets = (radio: boolean): SynthPacket[] =>
  wlanFrames().map((f, i) => ({
    data: radio ? radiotap(f, { fcs: i % 3 === 0, signal: -40 - i }) : f,
    tsSec: AT + i,
    tsNsec: 0,
  }));

/** A Prism capture header (144 bytes, little-endian message code and length) in front of `frame`. */
export function prismHeader(frame: Uint8Array): Uint8Array {
  const h = new Uint8Array(144);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, 0x44, true);
  dv.setUint32(4, h.length, true);
  h.set(new TextEncoder().encode('wlan0'), 8);
  return concatBytes(h, frame);
}

/** An AVS capture header (version 0x80211001, 64 bytes, big-endian) in front of `frame`. */
export function avsHeader(frame: Uint8Array): Uint8Array {
  const h = new Uint8Array(64);
  const dv = new DataView(h.buffer);
  dv.setUint32(0, 0x80211001);
  dv.setUint32(4, h.length);
  return concatBytes(h, frame);
}
