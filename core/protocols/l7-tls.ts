/**
 * TLS record layer: records, handshake message types, ClientHello/ServerHello essentials and the server name
 * (SNI). Records spanning TCP segments are reassembled through TCP's desegmentation, handshake messages spanning
 * records here. Nothing is decrypted.
 */
import { bytes as bytesField, none, str, uint } from '../fields/registry.js';
import { defineProtocol, getProtocol, type DissectCtx } from '../dissect/engine.js';
import type { ByteView } from '../bytes/byteview.js';
import { INFO_FENCED, matchPort, startedTls, type Desegment } from './l4-tcp.js';
import {
  changeCipherSpec,
  newSecrets,
  noteHellos,
  noteMessages,
  openProtected,
  tls13Phase,
  TLS_DECRYPTED,
  type Decrypted,
  type SessionSecrets,
  wantsTranscript,
} from './tls-decrypt.js';

const VERSIONS: Record<number, string> = {
  0x0300: 'SSL 3.0',
  0x0301: 'TLS 1.0',
  0x0302: 'TLS 1.1',
  0x0303: 'TLS 1.2',
  0x0304: 'TLS 1.3',
};
const COLUMN: Record<number, string> = {
  0x0300: 'SSLv3',
  0x0301: 'TLSv1',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
};
/**
 * The version a ServerHello's supported_versions negotiates, as the session's: TLS 1.3 drafts (0x7fNN, and
 * Facebook's 0xfbNN experiments) are TLS 1.3 for the Protocol column, as in Wireshark.
 */
function sessionVersion(v: number): number {
  return (v & 0xff00) === 0x7f00 || (v & 0xff00) === 0xfb00 ? 0x0304 : v;
}

/** Alert descriptions (RFC 8446 §6 and earlier), as Wireshark names them in the Info column. */
const ALERTS: Record<number, string> = {
  0: 'Close Notify',
  10: 'Unexpected Message',
  20: 'Bad Record MAC',
  21: 'Decryption Failed',
  22: 'Record Overflow',
  30: 'Decompression Failure',
  40: 'Handshake Failure',
  41: 'No Certificate',
  42: 'Bad Certificate',
  43: 'Unsupported Certificate',
  44: 'Certificate Revoked',
  45: 'Certificate Expired',
  46: 'Certificate Unknown',
  47: 'Illegal Parameter',
  48: 'Unknown CA',
  49: 'Access Denied',
  50: 'Decode Error',
  51: 'Decrypt Error',
  60: 'Export Restriction',
  70: 'Protocol Version',
  71: 'Insufficient Security',
  80: 'Internal Error',
  86: 'Inappropriate Fallback',
  90: 'User Canceled',
  100: 'No Renegotiation',
  109: 'Missing Extension',
  110: 'Unsupported Extension',
  111: 'Certificate Unobtainable',
  112: 'Unrecognized Name',
  113: 'Bad Certificate Status Response',
  114: 'Bad Certificate Hash Value',
  115: 'Unknown PSK Identity',
  116: 'Certificate Required',
  120: 'No application Protocol',
};

const CONTENT: Record<number, string> = {
  20: 'Change Cipher Spec',
  21: 'Alert',
  22: 'Handshake',
  23: 'Application Data',
  24: 'Heartbeat',
};
const HANDSHAKE: Record<number, string> = {
  0: 'Hello Request',
  1: 'Client Hello',
  2: 'Server Hello',
  3: 'Hello Verify Request',
  4: 'New Session Ticket',
  5: 'End of Early Data',
  6: 'Hello Retry Request',
  8: 'Encrypted Extensions',
  11: 'Certificate',
  12: 'Server Key Exchange',
  13: 'Certificate Request',
  14: 'Server Hello Done',
  15: 'Certificate Verify',
  16: 'Client Key Exchange',
  20: 'Finished',
  21: 'Client Certificate URL',
  22: 'Certificate Status',
  23: 'Supplemental Data',
  24: 'Key Update',
  25: 'Compressed Certificate',
  67: 'Encrypted Extensions',
  254: 'Message Hash',
};

const f = {
  record: str('tls.record', 'Record Layer'),
  contentType: uint('tls.record.content_type', 'Content Type', 8, { strings: CONTENT }),
  opaqueType: uint('tls.record.opaque_type', 'Opaque Type', 8, { strings: CONTENT }),
  version: uint('tls.record.version', 'Version', 16, { base: 'hex', strings: VERSIONS }),
  length: uint('tls.record.length', 'Length', 16),
  hsType: uint('tls.handshake.type', 'Handshake Type', 8, { strings: HANDSHAKE }),
  hsLength: uint('tls.handshake.length', 'Length', 24),
  hsVersion: uint('tls.handshake.version', 'Version', 16, { base: 'hex', strings: VERSIONS }),
  random: bytesField('tls.handshake.random', 'Random'),
  sessionIdLen: uint('tls.handshake.session_id_length', 'Session ID Length', 8),
  cipherSuite: uint('tls.handshake.ciphersuite', 'Cipher Suite', 16, { base: 'hex' }),
  cipherSuitesLen: uint('tls.handshake.cipher_suites_length', 'Cipher Suites Length', 16),
  extType: uint('tls.handshake.extension.type', 'Type', 16),
  sni: str('tls.handshake.extensions_server_name', 'Server Name'),
  supportedVersion: uint('tls.handshake.extensions.supported_version', 'Supported Version', 16, {
    base: 'hex',
    strings: VERSIONS,
  }),
  alpn: str('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol'),
  appData: bytesField('tls.app_data', 'Encrypted Application Data'),
  changeCipherSpec: none('tls.change_cipher_spec', 'Change Cipher Spec Message'),
  alertLevel: uint('tls.alert_message.level', 'Level', 8),
  alertDesc: uint('tls.alert_message.desc', 'Description', 8, { strings: ALERTS }),
};

interface TlsStream {
  version?: number;
  /** Per direction: ChangeCipherSpec seen (later handshake records are encrypted). */
  ccs: [boolean, boolean];
  client?: string;
  /** The last per-frame snapshot taken (shared by frames while the state is unchanged). */
  snap?: Snap;
  /** Per direction: the start of a handshake message that continues in the next handshake record. */
  pending: [Uint8Array | undefined, Uint8Array | undefined];
  /** What decryption needs (first pass). */
  secrets?: SessionSecrets;
  /** The session ID the last ClientHello offered (first pass). */
  offeredSessionId?: Uint8Array;
  /** The server took it back (TLS 1.2 and older): the session resumes; until its first ChangeCipherSpec. */
  resumed?: boolean;
}

/**
 * What the first pass found of one handshake record's fragments (kept per frame, in record order, for later
 * passes): how many leading bytes continue an earlier record's message, and that message when they complete it.
 */
interface HsRecord {
  readonly cont: number;
  /** The type of the message they continue. */
  readonly type?: number;
  readonly whole?: Uint8Array;
}

/** What the first pass knew of a stream when it dissected a frame (never changed once taken). */
type Snap = {
  readonly version?: number;
  readonly ccs: readonly [boolean, boolean];
  readonly client?: string;
};

/**
 * First pass: a ClientHello's session ID is kept; a ServerHello of TLS 1.2 or older echoing it (not empty)
 * resumes that session (TLS 1.3's legacy_session_id is always echoed and means nothing).
 */
function noteResumption(st: TlsStream, offered: HelloSeen, negotiated: number | undefined): void {
  if (offered.clientSessionId) {
    st.offeredSessionId = offered.clientSessionId;
    st.resumed = false;
  }
  const sid = offered.serverSessionId;
  const offeredSid = st.offeredSessionId;
  if (!sid?.length || !offeredSid || (negotiated !== undefined && sessionVersion(negotiated) >= 0x0304))
    return;
  st.resumed = sid.length === offeredSid.length && sid.every((b, i) => b === offeredSid[i]);
}

/** TLS's Info text as col_append_sep_str leaves it: after text TCP fenced in the column, a ", " first. */
function appendSep(ctx: DissectCtx, text: string): string {
  return text && ctx.pinfo.data.get(INFO_FENCED) === true ? `, ${text}` : text;
}

function looksLikeRecord(v: ByteView, off: number): boolean {
  if (!v.has(off, 5)) return false;
  const ct = v.u8(off);
  const major = v.u8(off + 1);
  const minor = v.u8(off + 2);
  const len = v.u16be(off + 3);
  return ct >= 20 && ct <= 24 && major === 3 && minor <= 4 && len > 0 && len <= 16384 + 2048;
}

/** The first bytes of a record header (fewer than five): a content type, then version 3.x. */
function headerStart(v: ByteView): boolean {
  const ct = v.length > 0 ? v.u8(0) : 0;
  return ct >= 20 && ct <= 24 && (v.length < 2 || v.u8(1) === 3) && (v.length < 3 || v.u8(2) <= 4);
}

/**
 * The session a record belongs to: the TCP stream, or the key a carrier without TCP names it by (EAP-TLS sets
 * "tls.stream" to its conversation).
 */
function streamKey(ctx: DissectCtx): number | string | undefined {
  return (ctx.pinfo.data.get('tls.stream') ?? ctx.pinfo.data.get('tcp.stream')) as
    number | string | undefined;
}

const TLS_PORTS = new Set([443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443]);

/** Whether the segment is on a port TLS is registered for, or on a connection STARTTLS turned into TLS. */
function onTlsPort(ctx: DissectCtx): boolean {
  return (
    TLS_PORTS.has(ctx.pinfo.srcPort ?? -1) ||
    TLS_PORTS.has(ctx.pinfo.dstPort ?? -1) ||
    startedTls(ctx) !== undefined
  );
}

/** What decrypted data is on TLS's ports, as Wireshark registers them (ssl_dissector_add); HTTP on the rest. */
const TLS_APPS = new Map<number, string>([
  [465, 'smtp'],
  [993, 'imap'],
  [995, 'pop'],
  [990, 'ftp'],
]);

/** The protocol above TLS: the one STARTTLS was for, the one of the port TLS was found by, or HTTP. */
function appProtocol(ctx: DissectCtx): string {
  return startedTls(ctx) ?? TLS_APPS.get(matchPort(ctx) ?? -1) ?? 'http';
}

/**
 * A record starting at the data's first byte needs more data: TCP reassembles it. As in Wireshark, whose TLS
 * clears the Info column on entry and adds its tree item before looking at the records, the frame keeps an
 * empty TLS layer and shows as "[TCP segment of a reassembled PDU]".
 */
function needMoreAtStart(ctx: DissectCtx, need: number, protocol: string): true {
  ctx.pinfo.data.set('tcp.desegment', { offset: 0, need, keepLayer: true });
  ctx.columns.protocol = protocol;
  ctx.columns.info = '';
  return true;
}

/** What the hellos of a record told: early data offered, the randoms, the suite and ALPN the server chose. */
export interface HelloSeen {
  earlyData: boolean;
  clientRandom?: Uint8Array;
  serverRandom?: Uint8Array;
  suite?: number;
  /** The protocol the server chose (ServerHello or EncryptedExtensions). */
  alpn?: string;
  /** The server agreed to encrypt-then-MAC (RFC 7366). */
  etm?: boolean;
  /** The server agreed to the extended master secret (RFC 7627). */
  ems?: boolean;
  /** When given: every whole handshake message is added (type, length and body), for RSA keys' transcript. */
  messages?: Uint8Array[];
  /** The session IDs of the hellos (a ServerHello echoing the client's resumes that session). */
  clientSessionId?: Uint8Array;
  serverSessionId?: Uint8Array;
}

function helloExtensions(
  ctx: DissectCtx,
  v: ByteView,
  off: number,
  end: number,
  parent: ReturnType<DissectCtx['add']>,
  /** A ClientHello's: set when it offers early data (the early_data extension). */
  seen?: { earlyData: boolean },
  /** A server's: the ALPN it chose. */
  chosen?: HelloSeen,
): number | undefined {
  let supported: number | undefined;
  while (off + 4 <= end) {
    const type = v.u16be(off);
    const len = v.u16be(off + 2);
    const body = off + 4;
    if (body + len > end) break;
    ctx.add(f.extType, off, 2, type, { parent });
    if (type === 42 && seen) seen.earlyData = true;
    if (type === 22 && chosen) chosen.etm = true;
    if (type === 23 && chosen) chosen.ems = true;
    if (type === 0 && len >= 5) {
      // server_name: list length, type, name length, name
      let p = body + 2;
      while (p + 3 <= body + len) {
        const nlen = v.u16be(p + 1);
        if (v.u8(p) === 0) ctx.add(f.sni, p + 3, nlen, v.latin1(p + 3, nlen), { parent });
        p += 3 + nlen;
      }
    } else if (type === 43) {
      if (len === 2) {
        supported = v.u16be(body);
        ctx.add(f.supportedVersion, body, 2, supported, { parent });
      } else {
        for (let p = body + 1; p + 2 <= body + len; p += 2)
          ctx.add(f.supportedVersion, p, 2, v.u16be(p), { parent });
      }
    } else if (type === 16 && len > 2) {
      for (let p = body + 2; p < body + len;) {
        const l = v.u8(p);
        ctx.add(f.alpn, p + 1, l, v.latin1(p + 1, l), { parent });
        if (chosen) chosen.alpn = v.latin1(p + 1, l);
        p += 1 + l;
      }
    }
    off = body + len;
  }
  return supported;
}

/**
 * Handshake messages in v[p, end) (a record's body, or CRYPTO data QUIC has put back in order): their type,
 * length and hello essentials (random, cipher suites, extensions with the SNI) under `parent`. Returns the
 * messages' names for the Info column and, for a ServerHello, the version it negotiates.
 */
export function handshakeMessages(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  parent: ReturnType<DissectCtx['add']>,
  /** Filled with what the hellos tell (early data offered, randoms, suite, ALPN). */
  offered?: HelloSeen,
  /** A message running past `end` is the first fragment of one the next record continues: not parsed. */
  fragments = false,
  /** Whether v[p] is the first message of its record. */
  first = true,
): { names: string[]; negotiated?: number; fragmentAt?: number } {
  const names: string[] = [];
  const start = p;
  let negotiated: number | undefined;
  const rec = parent;
  while (p + 4 <= end) {
    const ht = v.u8(p);
    const hl = v.u24be(p + 1);
    if (fragments && p + 4 + hl > end) return { names, negotiated, fragmentAt: p };
    ctx.add(f.hsType, p, 1, ht, { parent: rec });
    ctx.add(f.hsLength, p + 1, 3, hl, { parent: rec });
    // An unknown type is named (as encrypted) only as the first message, as in Wireshark.
    const name = HANDSHAKE[ht] ?? (p === start && first ? 'Encrypted Handshake Message' : undefined);
    if (name !== undefined) names.push(name);
    if ((ht === 1 || ht === 2) && p + 4 + 38 <= end) {
      const hv = v.u16be(p + 4);
      ctx.add(f.hsVersion, p + 4, 2, hv, { parent: rec });
      const random = v.slice(p + 6, 32);
      ctx.add(f.random, p + 6, 32, random, { parent: rec });
      // Copies: the session keeps them, and a view would keep the whole read buffer it lies in alive.
      if (offered) offered[ht === 1 ? 'clientRandom' : 'serverRandom'] = random.slice();
      const sidLen = v.u8(p + 38);
      ctx.add(f.sessionIdLen, p + 38, 1, sidLen, { parent: rec });
      if (offered && v.has(p + 39, sidLen))
        offered[ht === 1 ? 'clientSessionId' : 'serverSessionId'] = v.slice(p + 39, sidLen).slice();
      let q = p + 39 + sidLen;
      const hend = Math.min(end, p + 4 + hl);
      if (ht === 1) {
        const csLen = v.u16be(q);
        ctx.add(f.cipherSuitesLen, q, 2, csLen, { parent: rec });
        for (let c = q + 2; c + 2 <= q + 2 + csLen; c += 2)
          ctx.add(f.cipherSuite, c, 2, v.u16be(c), { parent: rec });
        q += 2 + csLen;
        q += 1 + v.u8(q); // compression methods
        if (q + 2 <= hend) helloExtensions(ctx, v, q + 2, Math.min(hend, q + 2 + v.u16be(q)), rec, offered);
      } else {
        ctx.add(f.cipherSuite, q, 2, v.u16be(q), { parent: rec });
        if (offered) offered.suite = v.u16be(q);
        q += 3;
        negotiated = hv;
        if (q + 2 <= hend)
          negotiated =
            helloExtensions(ctx, v, q + 2, Math.min(hend, q + 2 + v.u16be(q)), rec, undefined, offered) ?? hv;
      }
    }
    // EncryptedExtensions (in the clear only where QUIC decrypted it): the ALPN the server chose.
    if (ht === 8 && p + 6 <= end)
      helloExtensions(
        ctx,
        v,
        p + 6,
        Math.min(end, p + 4 + hl, p + 6 + v.u16be(p + 4)),
        rec,
        undefined,
        offered,
      );
    if (offered?.messages && p + 4 + hl <= end) offered.messages.push(v.slice(p, 4 + hl).slice());
    if (hl === 0 && ht !== 14 && ht !== 0) break;
    p += 4 + hl;
  }
  // A header cut by the record's end: a fragment too.
  return fragments && p < end ? { names, negotiated, fragmentAt: p } : { names, negotiated };
}

const NO_FRAGMENTS: HsRecord = { cont: 0 };

/**
 * First pass: the bytes at the start of a handshake record that continue a message begun in an earlier record
 * of the same direction (Wireshark reassembles handshake messages across records), and the whole message when
 * they complete it.
 */
function continuation(st: TlsStream, dir: 0 | 1, v: ByteView, body: number, end: number): HsRecord {
  const first = st.pending[dir];
  if (!first) return NO_FRAGMENTS;
  let buf: Uint8Array = first;
  let p = body;
  while (p < end) {
    const total = buf.length >= 4 ? 4 + ((buf[1] << 16) | (buf[2] << 8) | buf[3]) : 4;
    const take = Math.min(end - p, total - buf.length);
    const next = new Uint8Array(buf.length + take);
    next.set(buf);
    next.set(v.slice(p, take), buf.length);
    buf = next;
    p += take;
    if (buf.length >= 4 && buf.length === 4 + ((buf[1] << 16) | (buf[2] << 8) | buf[3])) {
      st.pending[dir] = undefined;
      return { cont: p - body, type: buf[0], whole: buf };
    }
  }
  st.pending[dir] = buf;
  return { cont: p - body, type: buf[0] };
}

/**
 * One handshake record's messages: a message completed from earlier fragments first, then those that start
 * here. A fragment that starts the record is named ("[Client Hello Fragment]"); one in its middle is not, nor a
 * record that only continues a message (as in tshark).
 */
function handshakeRecord(
  ctx: DissectCtx,
  v: ByteView,
  body: number,
  end: number,
  whole: boolean,
  rec: ReturnType<DissectCtx['add']>,
  st: TlsStream,
  dir: 0 | 1,
  offered: HelloSeen,
): { names: string[]; negotiated?: number } {
  const n = ctx.frame.number;
  const k = ctx.callIndex('tls.hsrec');
  let r: HsRecord;
  if (ctx.visited) r = ctx.state.getFrameItem<HsRecord>('tls.hs', n, k) ?? NO_FRAGMENTS;
  else {
    r = continuation(st, dir, v, body, end);
    if (r !== NO_FRAGMENTS) ctx.state.setFrameItem('tls.hs', n, k, r);
  }
  const names: string[] = [];
  let negotiated: number | undefined;
  const fragment = (type: number) => `[${HANDSHAKE[type] ?? 'Encrypted Handshake Message'} Fragment]`;
  if (r.whole) {
    const src = ctx.withSource(`Reassembled TLS Handshake (${r.whole.length} bytes)`, r.whole);
    const hs = handshakeMessages(src, src.view, 0, r.whole.length, rec, offered);
    names.push(...hs.names);
    negotiated = hs.negotiated;
  } else if (r.type !== undefined) return { names };
  // A record cut by the capture's snaplen starts no fragment: what follows it is not its continuation.
  const hs = handshakeMessages(ctx, v, body + r.cont, end, rec, offered, whole, !r.whole);
  names.push(...hs.names);
  if (hs.fragmentAt === body) names.push(fragment(v.u8(body)));
  if (hs.fragmentAt !== undefined && !ctx.visited)
    st.pending[dir] = v.slice(hs.fragmentAt, end - hs.fragmentAt);
  return { names, negotiated: hs.negotiated ?? negotiated };
}

const TLS_SEGMENT = '[TLS segment of a reassembled PDU]';

/**
 * An SSLv2-format ClientHello (RFC 6101 §E.2: what old clients send to reach SSLv3/TLS servers): a 2-byte
 * length with the top bit set, message type 1, a version, then cipher specs of 3 bytes, session ID and
 * challenge. Shown as Wireshark does ("SSLv2", "Client Hello"); its challenge, right-aligned in 32 bytes, is the
 * client random the session's keys are logged under.
 */
function sslv2Hello(ctx: DissectCtx): boolean {
  const v = ctx.view;
  if (!v.has(0, 11) || !(v.u8(0) & 0x80) || v.u8(2) !== 1) return false;
  const len = ((v.u8(0) & 0x7f) << 8) | v.u8(1);
  const version = v.u16be(3);
  const specs = v.u16be(5);
  const sid = v.u16be(7);
  const challenge = v.u16be(9);
  if (version !== 0x0002 && (version < 0x0300 || version > 0x0303)) return false;
  if (specs % 3 !== 0 || challenge < 16 || challenge > 32 || 9 + specs + sid + challenge !== len)
    return false;
  if (!v.has(0, 2 + len)) return false;
  if (!ctx.visited) {
    const streams = ctx.state.get<Map<number | string, TlsStream>>('tls.streams', () => new Map());
    const key = streamKey(ctx) ?? -1;
    const st = streams.get(key) ?? { ccs: [false, false], pending: [undefined, undefined] };
    streams.set(key, st);
    st.client ??= `${ctx.pinfo.netSrc ?? ctx.pinfo.dlSrc}:${ctx.pinfo.srcPort}`;
    const random = new Uint8Array(32);
    random.set(v.slice(11 + specs + sid, challenge), 32 - challenge);
    noteHellos((st.secrets ??= newSecrets()), { earlyData: false, clientRandom: random });
  }
  ctx.add(f.record, 0, 2 + len, 'SSLv2 Record Layer', { label: 'SSLv2 Record Layer: Client Hello' });
  ctx.columns.protocol = 'SSLv2';
  ctx.columns.info = appendSep(ctx, 'Client Hello');
  ctx.setLabel(ctx.top, 'Transport Layer Security');
  return true;
}

function alertText(level: number, desc: number): string {
  return `Alert (Level: ${level === 2 ? 'Fatal' : 'Warning'}, Description: ${ALERTS[desc] ?? desc})`;
}

/**
 * A decrypted record: its handshake messages, alert or application data (handed to the protocol above). TLS
 * 1.3 switches a direction to its application keys after its Finished. Returns whether the protocol above took
 * application data (it then owns the columns).
 */
function decryptedRecord(
  ctx: DissectCtx,
  dec: Decrypted,
  rec: ReturnType<DissectCtx['add']>,
  st: TlsStream,
  live: TlsStream,
  dir: 0 | 1,
  names: string[],
  offered: HelloSeen,
): boolean {
  const plain = dec.plain;
  if (dec.type === 23) {
    if (applicationData(ctx, dec, st.secrets, dir)) {
      // The rest of the record, after the PDU it completed, all waits: tshark's note follows the protocol's text.
      if (dec.upperRest) ctx.columns.info += TLS_SEGMENT;
      return true;
    }
    // Not taken: the plaintext is still there to read, as a data source of its own.
    if (plain.length) ctx.withSource(`Decrypted TLS (${plain.length} bytes)`, plain);
    if (dec.held) {
      // Wireshark sets (not appends) this text, over what the frame's earlier records showed.
      names.length = 0;
      names.push(TLS_SEGMENT);
    } else names.push('Application Data');
    return false;
  }
  const src = ctx.withSource(`Decrypted TLS (${plain.length} bytes)`, plain);
  if (dec.type === 22) {
    const hs = handshakeMessages(src, src.view, 0, plain.length, rec, offered);
    names.push(...hs.names);
    if (!ctx.visited && st.secrets) {
      noteHellos(st.secrets, offered);
      if (live.version === 0x0304 && hs.names.includes('Finished'))
        tls13Phase(ctx, st.secrets, dir, 'application');
    }
  } else if (dec.type === 21 && plain.length === 2) {
    src.add(f.alertLevel, 0, 1, plain[0], { parent: rec });
    src.add(f.alertDesc, 1, 1, plain[1], { parent: rec });
    names.push(alertText(plain[0], plain[1]));
  } else if (dec.type === 20) names.push('Change Cipher Spec');
  else names.push(CONTENT[dec.type] ?? `Unknown (${dec.type})`);
  return false;
}

/**
 * Decrypted application data to the protocol above TLS: HTTP/2 when the server chose it by ALPN ("h2"), else
 * the one STARTTLS was for or the port's (IMAP on 993, …), else HTTP. A message spanning records is put together here, as TCP does for TLS: the first pass keeps what the
 * protocol asks more of and hands it over whole at the record that completes it; later passes hand over what
 * the first pass did.
 */
function applicationData(
  ctx: DissectCtx,
  dec: Decrypted,
  s: SessionSecrets | undefined,
  dir: 0 | 1,
): boolean {
  if (ctx.visited)
    return dec.upper !== undefined && callUpper(ctx, dec.upper, false, dec.upperProto ?? 'http').taken;
  // An empty record (TLS 1.0's CBC countermeasure sends one before each message) carries nothing up.
  if (!s || dec.plain.length === 0) return false;
  const proto = s.alpn === 'h2' ? 'http2' : appProtocol(ctx);
  const before = s.app[dir];
  const pduEnd = s.appNeed[dir];
  let data = dec.plain;
  if (before) {
    data = new Uint8Array(before.length + dec.plain.length);
    data.set(before);
    data.set(dec.plain, before.length);
  }
  const r = callUpper(ctx, data, true, proto);
  s.app[dir] = r.more && r.more.offset < data.length ? data.slice(r.more.offset) : undefined;
  s.appNeed[dir] = s.app[dir] && r.more ? r.more.need : -1;
  dec.held = !r.taken && s.app[dir] !== undefined;
  if (!r.taken) return false;
  dec.upper = r.more ? data.subarray(0, r.more.offset) : data;
  if (before && r.more && pduEnd > 0 && r.more.offset === pduEnd) dec.upperRest = true;
  dec.upperProto = proto;
  return true;
}

function callUpper(
  ctx: DissectCtx,
  data: Uint8Array,
  canDesegment: boolean,
  proto: string,
): { taken: boolean; more?: Desegment } {
  const upper = getProtocol(proto);
  if (!upper) return { taken: false };
  const mark = ctx.mark();
  const pd = ctx.pinfo.data;
  pd.delete('tcp.desegment');
  pd.delete('tcp.swallowed');
  pd.set('tcp.can_desegment', canDesegment);
  pd.set('tcp.reported_len', data.length);
  const src = ctx.withSource(`Decrypted TLS (${data.length} bytes)`, data);
  pd.set(TLS_DECRYPTED, true);
  const took = src.call(upper, 0, data.length, true) !== false && !pd.get('tcp.swallowed');
  pd.delete(TLS_DECRYPTED);
  const more = pd.get('tcp.desegment') as Desegment | undefined;
  pd.delete('tcp.desegment');
  pd.delete('tcp.swallowed');
  if (!took || (more && more.offset === 0)) {
    ctx.rollback(mark);
    return { taken: false, more: took ? more : undefined };
  }
  return { taken: true, more };
}

export const tls = defineProtocol({
  abbrev: 'tls',
  name: 'Transport Layer Security',
  // EAP-TLS (and the other TLS-based EAP methods) hand their reassembled TLS messages over in 'eap.tls'.
  registerIn: { 'tcp.port': [...TLS_PORTS], 'eap.tls': 0 },
  heuristicIn: ['tcp'],
  dissect(ctx) {
    const v = ctx.view;
    // A record header cut short by the segment, on a TLS port: ask for one more segment.
    if (!v.has(0, 5) && headerStart(v) && onTlsPort(ctx))
      return needMoreAtStart(ctx, -1, COLUMN[0x0303] ?? 'TLS');
    if (onTlsPort(ctx) && sslv2Hello(ctx)) return true;
    if (!looksLikeRecord(v, 0)) {
      if (ctx.top.field.abbrev !== 'tls') return false;
      // Continuation data of a stream already seen as TLS, judged as the first pass saw it: on a later pass the
      // stream may have become TLS only in a later frame (a retransmission carrying the first whole record).
      const n = ctx.frame.number;
      let version: number | null | undefined;
      if (ctx.visited) version = ctx.state.getFrame<number | null>('tls.cont', n);
      else {
        const stream = streamKey(ctx);
        const st =
          stream === undefined
            ? undefined
            : ctx.state.get<Map<number | string, TlsStream>>('tls.streams', () => new Map()).get(stream);
        version = st ? (st.version ?? null) : undefined;
        if (st) ctx.state.setFrame('tls.cont', n, version);
      }
      if (version === undefined) return false;
      ctx.columns.protocol = COLUMN[version ?? 0x0303] ?? 'TLS';
      ctx.columns.info = appendSep(ctx, 'Continuation Data');
      return true;
    }
    const streams = ctx.state.get<Map<number | string, TlsStream>>('tls.streams', () => new Map());
    const stream = streamKey(ctx) ?? -1;
    let st = streams.get(stream);
    if (!st) streams.set(stream, (st = { ccs: [false, false], pending: [undefined, undefined] }));
    // Over EAP (no IP) the link-layer source tells the two sides apart.
    const from = `${ctx.pinfo.netSrc ?? ctx.pinfo.dlSrc}:${ctx.pinfo.srcPort}`;
    const n = ctx.frame.number;
    // Per-frame snapshot so a re-dissection shows what the first pass saw. Frames of a stream share one while
    // its state stays the same (a snapshot per frame would be kept for every TLS frame of the capture).
    let snap: Snap;
    if (ctx.visited) snap = ctx.state.getFrame<Snap>('tls.snap', n) ?? { ccs: [false, false] };
    else {
      const last = st.snap;
      snap =
        last &&
        last.version === st.version &&
        last.client === st.client &&
        last.ccs[0] === st.ccs[0] &&
        last.ccs[1] === st.ccs[1]
          ? last
          : (st.snap = { version: st.version, ccs: [st.ccs[0], st.ccs[1]], client: st.client });
      ctx.state.setFrame('tls.snap', n, snap);
    }
    const live: TlsStream = ctx.visited
      ? {
          version: snap.version,
          ccs: [...snap.ccs] as [boolean, boolean],
          client: snap.client,
          pending: [undefined, undefined],
        }
      : st;
    const names: string[] = [];
    const offered: HelloSeen = { earlyData: false };
    // With RSA keys at hand, the first pass keeps the handshake messages (the extended master secret's hash).
    if (!ctx.visited && wantsTranscript(ctx)) offered.messages = [];
    // Set when decrypted application data went to the protocol above (which set the columns).
    let upper = false;
    let off = 0;
    let recordVersion = 0;
    while (off < v.length) {
      if (!v.has(off, 5)) {
        ctx.pinfo.data.set('tcp.desegment', { offset: off, need: -1 });
        break;
      }
      if (!looksLikeRecord(v, off)) {
        names.push('Ignored Unknown Record');
        break;
      }
      const ct = v.u8(off);
      const ver = v.u16be(off + 1);
      const len = v.u16be(off + 3);
      if (off + 5 + len > v.length) {
        if (ctx.frame.capLen >= ctx.frame.origLen || ctx.src !== 0) {
          if (off === 0) return needMoreAtStart(ctx, 5 + len, COLUMN[live.version ?? ver] ?? 'TLS');
          ctx.pinfo.data.set('tcp.desegment', { offset: off, need: 5 + len });
          break;
        }
      }
      recordVersion ||= ver;
      live.client ??= from;
      const dir = live.client === from ? 0 : 1;
      const colVer = COLUMN[live.version ?? ver] ?? 'TLS';
      const rec = ctx.add(f.record, off, Math.min(5 + len, v.length - off), `${colVer} Record Layer`, {
        label: `${colVer} Record Layer: ${CONTENT[ct] ?? ct}`,
      });
      // TLS 1.3 hides the real type inside the encryption: the outer one is the "opaque type" (always 23).
      ctx.add(live.version === 0x0304 && ct === 23 ? f.opaqueType : f.contentType, off, 1, ct, {
        parent: rec,
      });
      ctx.add(f.version, off + 1, 2, ver, { parent: rec });
      ctx.add(f.length, off + 3, 2, len, { parent: rec });
      const body = off + 5;
      const end = Math.min(v.length, body + len);
      const encrypted = live.ccs[dir] || (live.version === 0x0304 && ct === 23);
      // A record the snaplen cut is counted (its sequence number is used) but cannot be opened.
      const whole = body + len <= v.length;
      const dec = encrypted
        ? openProtected(
            ctx,
            st.secrets,
            dir,
            ctx.callIndex('tls.protected'),
            ct,
            ver,
            whole ? () => v.slice(body, len) : undefined,
          )
        : undefined;
      if (ct === 23 && ctx.wants(f.appData))
        ctx.add(f.appData, body, end - body, v.slice(body, end - body), { parent: rec });
      if (dec) {
        // The last application data decides who owns the columns: the protocol above, or TLS's segment text.
        const took = decryptedRecord(ctx, dec, rec, st, live, dir, names, offered);
        if (took) upper = true;
        else if (dec.held) upper = false;
      } else if (ct === 22) {
        if (encrypted || (live.version === 0x0304 && dir === 1 && names.includes('Server Hello'))) {
          names.push('Encrypted Handshake Message');
        } else {
          const hs = handshakeRecord(ctx, v, body, end, whole, rec, st, dir, offered);
          names.push(...hs.names);
          if (!ctx.visited) {
            noteHellos((st.secrets ??= newSecrets()), offered);
            if (offered.messages) noteMessages(ctx, st.secrets, offered.messages.splice(0));
            noteResumption(st, offered, hs.negotiated);
          }
          if (hs.negotiated !== undefined) {
            const version = sessionVersion(hs.negotiated);
            if (!ctx.visited) {
              st.version = version;
              if (st.secrets) st.secrets.version = version;
              if (version === 0x0304 && st.secrets) {
                tls13Phase(ctx, st.secrets, 0, 'handshake');
                tls13Phase(ctx, st.secrets, 1, 'handshake');
              }
            }
            live.version = version;
          }
        }
      } else if (ct === 20) {
        names.push('Change Cipher Spec');
        const msg = ctx.add(f.changeCipherSpec, body, end - body, null, { parent: rec });
        // The first ChangeCipherSpec of a resumed session says so, as Wireshark's expert note.
        const k = ctx.callIndex('tls.ccs');
        if (!ctx.visited && st.resumed) {
          st.resumed = false;
          ctx.state.setFrameItem('tls.resumed', n, k, true);
        }
        if (ctx.state.getFrameItem<boolean>('tls.resumed', n, k))
          ctx.expert(
            msg,
            'note',
            'sequence',
            'This session reuses previously negotiated keys (Session resumption)',
          );
        // TLS 1.3's ChangeCipherSpec only humours middleboxes (RFC 8446 §D.4): its keys come from the hellos.
        if (!ctx.visited && !st.ccs[dir] && st.version !== 0x0304 && st.secrets)
          changeCipherSpec(ctx, st.secrets, dir);
        live.ccs[dir] = true;
        if (!ctx.visited) st.ccs[dir] = true;
      } else if (ct === 21) {
        if (encrypted || len !== 2) names.push('Encrypted Alert');
        else {
          ctx.add(f.alertLevel, body, 1, v.u8(body), { parent: rec });
          ctx.add(f.alertDesc, body + 1, 1, v.u8(body + 1), { parent: rec });
          names.push(alertText(v.u8(body), v.u8(body + 1)));
        }
      } else if (ct === 23) {
        names.push('Application Data');
      } else {
        names.push(CONTENT[ct] ?? `Unknown (${ct})`);
      }
      off = body + len;
    }
    if (!upper) {
      ctx.columns.protocol = COLUMN[live.version ?? recordVersion] ?? 'TLS';
      ctx.columns.info = names[0] === TLS_SEGMENT ? names.join(', ') : appendSep(ctx, names.join(', '));
    }
    // A client offering early data speaks TLS 1.3 (RFC 8446 §4.2.10): its 0-RTT records, before the server's
    // hello, show as TLSv1.3 as in Wireshark. From the next frame on: this one shows its record version.
    if (offered.earlyData && !ctx.visited && st.version === undefined) st.version = 0x0304;
    ctx.setLabel(ctx.top, 'Transport Layer Security');
    return true;
  },
});
