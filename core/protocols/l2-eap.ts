/**
 * 802.1X authentication: EAPOL (ethertype 0x888e) with its EAPOL-Key descriptors (the 4-way and group key
 * handshakes), and EAP with Identity, Legacy Nak and the TLS-based methods, whose fragments are reassembled
 * per direction of a conversation and handed to the TLS dissector.
 */
import { bool, bytes as bytesField, nameOnlyProtocols, str, uint } from '../fields/registry.js';
import { defineProtocol, wsMalformed, type DissectCtx } from '../dissect/engine.js';
import { linkAkm, taggedParams } from './l2-wlan.js';

const EAPOL_TYPES: Record<number, string> = {
  0: 'EAP Packet',
  1: 'Start',
  2: 'Logoff',
  3: 'Key',
  4: 'Encapsulated ASF Alert',
  5: 'MKA',
  6: 'Announcement (Generic)',
  7: 'Announcement (Specific)',
  8: 'Announcement Request',
};

nameOnlyProtocols({ wlan_rsna_eapol: 'IEEE 802.11 RSNA EAPOL key' });

const ef = {
  version: uint('eapol.version', 'Version', 8, {
    strings: { 1: '802.1X-2001', 2: '802.1X-2004', 3: '802.1X-2010' },
  }),
  type: uint('eapol.type', 'Type', 8, { strings: EAPOL_TYPES }),
  len: uint('eapol.len', 'Length', 16),
  keydesType: uint('eapol.keydes.type', 'Key Descriptor Type', 8, {
    strings: { 1: 'RC4 Descriptor', 2: 'EAPOL RSN Key', 254: 'EAPOL WPA Key' },
  }),
  keyLen: uint('eapol.keydes.key_len', 'Key Length', 16),
  replay: uint('eapol.keydes.replay_counter', 'Replay Counter', 64),
  keyIv: bytesField('eapol.keydes.key_iv', 'Key IV'),
  msgnr: uint('wlan_rsna_eapol.keydes.msgnr', 'Message number', 8),
  keyInfo: uint('wlan_rsna_eapol.keydes.key_info', 'Key Information', 16, { base: 'hex' }),
  kiVersion: uint('wlan_rsna_eapol.keydes.key_info.keydes_version', 'Key Descriptor Version', 16, {
    bitmask: 0x7,
  }),
  kiType: bool('wlan_rsna_eapol.keydes.key_info.key_type', 'Key Type', {
    bitmask: 0x8,
    trueFalse: ['Pairwise Key', 'Group Key'],
  }),
  kiInstall: bool('wlan_rsna_eapol.keydes.key_info.install', 'Install', { bitmask: 0x40 }),
  kiAck: bool('wlan_rsna_eapol.keydes.key_info.key_ack', 'Key ACK', { bitmask: 0x80 }),
  kiMic: bool('wlan_rsna_eapol.keydes.key_info.key_mic', 'Key MIC', { bitmask: 0x100 }),
  kiSecure: bool('wlan_rsna_eapol.keydes.key_info.secure', 'Secure', { bitmask: 0x200 }),
  kiError: bool('wlan_rsna_eapol.keydes.key_info.error', 'Error', { bitmask: 0x400 }),
  kiRequest: bool('wlan_rsna_eapol.keydes.key_info.request', 'Request', { bitmask: 0x800 }),
  kiEncrypted: bool('wlan_rsna_eapol.keydes.key_info.encrypted_key_data', 'Encrypted Key Data', {
    bitmask: 0x1000,
  }),
  nonce: bytesField('wlan_rsna_eapol.keydes.nonce', 'WPA Key Nonce'),
  rsc: bytesField('wlan_rsna_eapol.keydes.rsc', 'WPA Key RSC'),
  id: bytesField('wlan_rsna_eapol.keydes.id', 'WPA Key ID'),
  mic: bytesField('wlan_rsna_eapol.keydes.mic', 'WPA Key MIC'),
  dataLen: uint('wlan_rsna_eapol.keydes.data_len', 'WPA Key Data Length', 16),
  data: bytesField('wlan_rsna_eapol.keydes.data', 'WPA Key Data'),
  extraneous: bytesField('wlan_rsna_eapol.extraneous', 'WPA EAPOL Extraneous Data'),
};

/** Key information bits. */
const KI_PAIRWISE = 0x0008;
const KI_INSTALL = 0x0040;
const KI_ACK = 0x0080;
const KI_MIC = 0x0100;
const KI_SECURE = 0x0200;
const KI_ERROR = 0x0400;
const KI_REQUEST = 0x0800;

/**
 * The Info column of an EAPOL-Key frame, as Wireshark names the handshake messages: pairwise messages by their
 * Install/ACK/MIC/Secure bits (a message 2 or 4 with no other telling bit told by its nonce: message 4 carries
 * none), group messages by the ACK bit.
 */
function keyMessage(info: number, nonceZero: boolean): [string, number] {
  if (info & KI_REQUEST) return [info & KI_ERROR ? 'Key (Request, Error)' : 'Key (Request)', 0];
  if (!(info & KI_PAIRWISE))
    return info & KI_ACK ? ['Key (Group Message 1 of 2)', 1] : ['Key (Group Message 2 of 2)', 2];
  const ack = (info & KI_ACK) !== 0;
  const mic = (info & KI_MIC) !== 0;
  let n: number;
  if (ack) n = mic || info & KI_INSTALL ? 3 : 1;
  else if (!mic) n = 0;
  else if (info & KI_SECURE) n = 4;
  else n = nonceZero ? 4 : 2;
  return [n ? `Key (Message ${n} of 4)` : 'Key', n];
}

/**
 * The MIC length of a key descriptor: 16 bytes for most AKMs, 24 for Suite B 192-bit, none for FILS. The body
 * must end right after the key data, whose length follows the MIC: the size that makes it so is the one.
 */
function micLength(ctx: DissectCtx, off: number, end: number): number {
  const n = ctx.frame.number;
  if (ctx.visited) {
    const m = ctx.state.getFrame<number>('eapol.mic', n);
    if (m !== undefined) return m;
  }
  // The AKM the association named decides, as in Wireshark; failing that, the lengths must add up.
  const akm = linkAkm(ctx);
  const m = akm === undefined ? micByLength(ctx, off, end) : (AKM_MIC[akm] ?? 16);
  if (!ctx.visited) ctx.state.setFrame('eapol.mic', n, m);
  return m;
}

/** MIC sizes of the AKM suites whose MIC is not 16 bytes (IEEE 802.11-2020 table 12-11). */
const AKM_MIC: Record<number, number> = { 12: 24, 13: 24, 14: 0, 15: 0, 16: 0, 17: 0 };

function micByLength(ctx: DissectCtx, off: number, end: number): number {
  const v = ctx.view;
  for (const m of [16, 24, 0, 32]) {
    const p = off + 77 + m;
    if (p + 2 <= end && p + 2 + v.u16be(p) === end) return m;
  }
  return 16;
}

function eapolKey(ctx: DissectCtx, off: number, end: number): void {
  const v = ctx.view;
  const desc = v.u8(off);
  ctx.add(ef.keydesType, off, 1, desc);
  if (desc !== 2 && desc !== 254) {
    ctx.columns.info = 'Key';
    return;
  }
  const info = v.u16be(off + 1);
  const nonce = v.slice(off + 13, 32);
  const [text, n] = keyMessage(
    info,
    nonce.every((b) => b === 0),
  );
  ctx.columns.info = text;
  if (n) ctx.add(ef.msgnr, off, 0, n, { generated: true });
  const ki = ctx.add(ef.keyInfo, off + 1, 2, info);
  const o = { parent: ki };
  ctx.add(ef.kiVersion, off + 1, 2, info & 7, o);
  ctx.add(ef.kiType, off + 1, 2, (info & KI_PAIRWISE) !== 0, o);
  ctx.add(ef.kiInstall, off + 1, 2, (info & KI_INSTALL) !== 0, o);
  ctx.add(ef.kiAck, off + 1, 2, (info & KI_ACK) !== 0, o);
  ctx.add(ef.kiMic, off + 1, 2, (info & KI_MIC) !== 0, o);
  ctx.add(ef.kiSecure, off + 1, 2, (info & KI_SECURE) !== 0, o);
  ctx.add(ef.kiError, off + 1, 2, (info & KI_ERROR) !== 0, o);
  ctx.add(ef.kiRequest, off + 1, 2, (info & KI_REQUEST) !== 0, o);
  ctx.add(ef.kiEncrypted, off + 1, 2, (info & 0x1000) !== 0, o);
  ctx.add(ef.keyLen, off + 3, 2, v.u16be(off + 3));
  ctx.add(ef.replay, off + 5, 8, v.u64be(off + 5));
  ctx.add(ef.nonce, off + 13, 32, nonce);
  ctx.add(ef.keyIv, off + 45, 16, v.slice(off + 45, 16));
  ctx.add(ef.rsc, off + 61, 8, v.slice(off + 61, 8));
  ctx.add(ef.id, off + 69, 8, v.slice(off + 69, 8));
  const mic = micLength(ctx, off, end);
  if (mic) ctx.add(ef.mic, off + 77, mic, v.slice(off + 77, mic));
  const p = off + 77 + mic;
  const dlen = v.u16be(p);
  ctx.add(ef.dataLen, p, 2, dlen);
  if (p + 2 + dlen < end) {
    // Bytes past the key data: Wireshark flags them as malformed (an expert item, dissection goes on).
    const x = ctx.add(
      ef.extraneous,
      p + 2 + dlen,
      end - p - 2 - dlen,
      v.slice(p + 2 + dlen, end - p - 2 - dlen),
    );
    ctx.expert(x, 'warn', 'malformed', 'Extraneous and invalid data in EAPOL frame');
    ctx.add(wsMalformed, p + 2 + dlen, 0, null, { hidden: true });
  }
  if (dlen) {
    const d = ctx.add(ef.data, p + 2, dlen, v.slice(p + 2, dlen));
    // Key data in the clear is a list of 802.11 elements (the RSN element, PMKID and other KDEs).
    if (!(info & 0x1000)) taggedParams(ctx, d, p + 2, p + 2 + dlen, []);
  }
}

export const eapol = defineProtocol({
  abbrev: 'eapol',
  name: '802.1X Authentication',
  registerIn: { ethertype: [0x888e, 0x88c7] },
  // EAPOL-Key data in the clear is a list of 802.11 elements (wlan.tag.*), over Ethernet too.
  fieldsOf: ['wlan'],
  dissect(ctx) {
    const v = ctx.view;
    const version = v.u8(0);
    const type = v.u8(1);
    const len = v.u16be(2);
    ctx.add(ef.version, 0, 1, version);
    ctx.add(ef.type, 1, 1, type);
    ctx.add(ef.len, 2, 2, len);
    ctx.columns.protocol = 'EAPOL';
    ctx.columns.info = EAPOL_TYPES[type] ?? `Unknown Type (0x${type.toString(16).padStart(2, '0')})`;
    const end = Math.min(v.length, 4 + len);
    ctx.setLength(ctx.top, end);
    if (type === 0 && len > 0) ctx.handoff('eapol.type', 0, 4, end - 4);
    else if (type === 3) eapolKey(ctx, 4, 4 + len);
  },
});

// ── EAP ──────────────────────────────────────────────────────────────────────────────────────────────────────

const CODES: Record<number, string> = {
  1: 'Request',
  2: 'Response',
  3: 'Success',
  4: 'Failure',
  5: 'Initiate',
  6: 'Finish',
};

/** EAP method types (the IANA registry's names, as Wireshark shows them). */
const TYPES: Record<number, string> = {
  1: 'Identity',
  2: 'Notification',
  3: 'Legacy Nak (Response Only)',
  4: 'MD5-Challenge EAP (EAP-MD5-CHALLENGE)',
  5: 'One-Time Password EAP (EAP-OTP)',
  6: 'Generic Token Card EAP (EAP-GTC)',
  13: 'TLS EAP (EAP-TLS)',
  17: 'Cisco Wireless EAP / Lightweight EAP (EAP-LEAP)',
  18: 'GSM Subscriber Identity Modules EAP (EAP-SIM)',
  21: 'Tunneled TLS EAP (EAP-TTLS)',
  23: 'UMTS Authentication and Key Agreement EAP (EAP-AKA)',
  25: 'Protected EAP (EAP-PEAP)',
  26: 'MS-Authentication EAP (EAP-MS-AUTH)',
  29: 'MS-CHAP-v2 EAP (EAP-MS-CHAP-V2)',
  43: 'Flexible Authentication via Secure Tunneling EAP (EAP-FAST)',
  47: 'EAP-PSK',
  50: "EAP-AKA'",
  52: 'EAP-pwd',
  254: 'Expanded Type',
  255: 'Experimental',
};

const pf = {
  code: uint('eap.code', 'Code', 8, { strings: CODES }),
  id: uint('eap.id', 'Id', 8),
  len: uint('eap.len', 'Length', 16),
  type: uint('eap.type', 'Type', 8, { strings: TYPES }),
  desired: uint('eap.desired_type', 'Desired Auth Type', 8, { strings: TYPES }),
  identity: str('eap.identity', 'Identity'),
  tlsFlags: uint('eap.tls.flags', 'EAP-TLS Flags', 8, { base: 'hex' }),
  tlsL: bool('eap.tls.flags.len_included', 'Length Included', { bitmask: 0x80 }),
  tlsM: bool('eap.tls.flags.more_fragments', 'More Fragments', { bitmask: 0x40 }),
  tlsS: bool('eap.tls.flags.start', 'Start', { bitmask: 0x20 }),
  tlsLen: uint('eap.tls.len', 'EAP-TLS Length', 32),
  reassembledLen: uint('eap.tls.reassembled.len', 'Reassembled EAP-TLS Length', 32),
};

/** Methods whose data is TLS records behind the EAP-TLS flags (RFC 5216; TTLS, PEAP and FAST frame it alike). */
const TLS_METHODS = new Set([13, 21, 25, 43]);

/** Fragments of a TLS message being reassembled in one direction. */
interface Pending {
  parts: Uint8Array[];
  lastId: number;
}

/** What the first pass decided for a frame's EAP-TLS data: a fragment kept for later, or the whole message. */
type TlsRecord = { kind: 'fragment' } | { kind: 'whole'; bytes: Uint8Array };

function eapTls(ctx: DissectCtx, id: number, off: number, end: number): void {
  const v = ctx.view;
  const flags = v.u8(off);
  const fl = ctx.add(pf.tlsFlags, off, 1, flags);
  ctx.add(pf.tlsL, off, 1, (flags & 0x80) !== 0, { parent: fl });
  ctx.add(pf.tlsM, off, 1, (flags & 0x40) !== 0, { parent: fl });
  ctx.add(pf.tlsS, off, 1, (flags & 0x20) !== 0, { parent: fl });
  let p = off + 1;
  if (flags & 0x80) {
    ctx.add(pf.tlsLen, p, 4, v.u32be(p));
    p += 4;
  }
  if (p >= end) return;
  const src = ctx.pinfo.dlSrc ?? '';
  const dst = ctx.pinfo.dlDst ?? '';
  const n = ctx.frame.number;
  let rec: TlsRecord | undefined;
  if (ctx.visited) rec = ctx.state.getFrame<TlsRecord>('eap.tls', n);
  else {
    // Fragments are collected per direction: the other side only acknowledges them with empty messages.
    const pending = ctx.state.get<Map<string, Pending>>('eap.tls.pending', () => new Map());
    const key = `${src}>${dst}`;
    const cur = pending.get(key);
    const data = v.slice(p, end - p);
    if (flags & 0x40) {
      // A retransmitted fragment (same EAP identifier) is not added twice.
      if (!cur) pending.set(key, { parts: [data], lastId: id });
      else if (cur.lastId !== id) {
        cur.parts.push(data);
        cur.lastId = id;
      }
      rec = { kind: 'fragment' };
    } else if (cur) {
      pending.delete(key);
      if (cur.lastId !== id) cur.parts.push(data);
      const total = cur.parts.reduce((a, b) => a + b.length, 0);
      const bytes = new Uint8Array(total);
      let o = 0;
      for (const part of cur.parts) {
        bytes.set(part, o);
        o += part.length;
      }
      rec = { kind: 'whole', bytes };
    }
    if (rec) ctx.state.setFrame('eap.tls', n, rec);
  }
  if (rec?.kind === 'fragment') return;
  // Both directions of the exchange are one TLS session (the server's hello sets the version of the client's).
  ctx.pinfo.data.set('tls.stream', src < dst ? `eap ${src} ${dst}` : `eap ${dst} ${src}`);
  if (rec?.kind === 'whole') {
    const r = ctx.withSource('Reassembled EAP-TLS', rec.bytes);
    r.add(pf.reassembledLen, 0, 0, rec.bytes.length, { generated: true });
    r.handoff('eap.tls', 0, 0);
  } else ctx.handoff('eap.tls', 0, p, end - p);
}

export const eap = defineProtocol({
  abbrev: 'eap',
  name: 'Extensible Authentication Protocol',
  registerIn: { 'eapol.type': 0 },
  dissect(ctx) {
    const v = ctx.view;
    const code = v.u8(0);
    const id = v.u8(1);
    const len = v.u16be(2);
    ctx.add(pf.code, 0, 1, code);
    ctx.add(pf.id, 1, 1, id);
    ctx.add(pf.len, 2, 2, len);
    const end = Math.min(v.length, len);
    ctx.setLength(ctx.top, end);
    ctx.columns.protocol = 'EAP';
    const codeName = CODES[code] ?? 'Unknown';
    ctx.columns.info = codeName;
    if ((code !== 1 && code !== 2) || len < 5) return;
    const type = v.u8(4);
    ctx.add(pf.type, 4, 1, type);
    ctx.columns.info = `${codeName}, ${TYPES[type] ?? `Unknown type (0x${type.toString(16).padStart(2, '0')})`}`;
    if (type === 1) {
      if (end > 5) ctx.add(pf.identity, 5, end - 5, v.latin1(5, end - 5));
    } else if (type === 3) for (let p = 5; p < end; p++) ctx.add(pf.desired, p, 1, v.u8(p));
    else if (TLS_METHODS.has(type) && end > 5) eapTls(ctx, id, 5, end);
  },
});
