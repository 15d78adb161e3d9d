/**
 * TLS record layer: records labelled as Wireshark labels them, the handshake messages in them (tls-handshake.ts:
 * hellos, JA3, certificates, key exchange), alerts, ChangeCipherSpec and application data, which goes to the
 * protocol above once decrypted (tls-decrypt.ts, with a key log or the server's RSA key). Records spanning TCP
 * segments are reassembled through TCP's desegmentation, handshake messages spanning records here.
 */
import { bytes as bytesField, frameNum, none, registry, str, uint } from '../fields/registry.js';
import { defineProtocol, getProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import type { ByteView } from '../bytes/byteview.js';
import { INFO_FENCED, matchPort, startedTls, type Desegment } from './l4-tcp.js';
import {
  HANDSHAKE,
  handshakeFields as hf,
  handshakeItem,
  handshakeMessages,
  type HelloSeen,
  type SessionView,
} from './tls-handshake.js';
import { CIPHER_SUITES, sessionVersion, VERSIONS } from './tls-names.js';
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

export const COLUMN: Record<number, string> = {
  0x0300: 'SSLv3',
  0x0301: 'TLSv1',
  0x0302: 'TLSv1.1',
  0x0303: 'TLSv1.2',
  0x0304: 'TLSv1.3',
};
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

/** SSL 2.0's cipher kinds, and the SSLv3/TLS suites an SSLv2-format hello offers as 0x00NNNN. */
const SSL2_SPECS = new Map<number, string>([
  [0x010080, 'SSL2_RC4_128_WITH_MD5'],
  [0x020080, 'SSL2_RC4_128_EXPORT40_WITH_MD5'],
  [0x030080, 'SSL2_RC2_128_CBC_WITH_MD5'],
  [0x040080, 'SSL2_RC2_128_CBC_EXPORT40_WITH_MD5'],
  [0x050080, 'SSL2_IDEA_128_CBC_WITH_MD5'],
  [0x060040, 'SSL2_DES_64_CBC_WITH_MD5'],
  [0x0700c0, 'SSL2_DES_192_EDE3_CBC_WITH_MD5'],
  [0x080080, 'SSL2_RC4_64_WITH_MD5'],
  ...CIPHER_SUITES,
]);

const CONTENT: Record<number, string> = {
  20: 'Change Cipher Spec',
  21: 'Alert',
  22: 'Handshake',
  23: 'Application Data',
  24: 'Heartbeat',
};

// TLS was SSL in Wireshark before 3.0: `ssl.handshake.type == 1` still filters.
registry.alias('ssl', 'tls');

const f = {
  // A text-only item in Wireshark (FT_NONE): its line says what the record is.
  record: none('tls.record', 'Record Layer'),
  contentType: uint('tls.record.content_type', 'Content Type', 8, { strings: CONTENT }),
  opaqueType: uint('tls.record.opaque_type', 'Opaque Type', 8, { strings: CONTENT }),
  version: uint('tls.record.version', 'Version', 16, { base: 'hex', strings: VERSIONS }),
  length: uint('tls.record.length', 'Length', 16),
  appData: bytesField('tls.app_data', 'Encrypted Application Data'),
  appDataProto: str('tls.app_data_proto', 'Application Data Protocol'),
  alert: none('tls.alert_message', 'Alert Message'),
  fragments: none('tls.handshake.fragments', 'Reassembled Handshake Fragments'),
  // The SSLv2-format ClientHello's.
  ssl2SpecLen: uint('tls.handshake.cipher_spec_len', 'Cipher Spec Length', 16),
  ssl2ChallengeLen: uint('tls.handshake.challenge_length', 'Challenge Length', 16),
  ssl2Specs: none('tls.handshake.cipherspecs', 'Cipher Specs'),
  ssl2Spec: uint('tls.handshake.cipherspec', 'Cipher Spec', 24, { base: 'hex', strings: SSL2_SPECS }),
  ssl2Challenge: none('tls.handshake.challenge', 'Challenge'),
  fragment: frameNum('tls.handshake.fragment', 'Handshake Fragment'),
  fragmentCount: uint('tls.handshake.fragment.count', 'Handshake Fragment count', 32),
  changeCipherSpec: none('tls.change_cipher_spec', 'Change Cipher Spec Message'),
  alertLevel: uint('tls.alert_message.level', 'Level', 8, { strings: { 1: 'Warning', 2: 'Fatal' } }),
  alertDesc: uint('tls.alert_message.desc', 'Description', 8, { strings: ALERTS }),
};

interface TlsStream {
  version?: number;
  /** The cipher suite the server chose (key exchange messages are read by it). */
  suite?: number;
  /** Per direction: ChangeCipherSpec seen (later handshake records are encrypted). */
  ccs: [boolean, boolean];
  client?: string;
  /** The last per-frame snapshot taken (shared by frames while the state is unchanged). */
  snap?: Snap;
  /** Per direction: the start of a handshake message that continues in the next handshake record. */
  pending: [Pending | undefined, Pending | undefined];
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
  /** The frames and lengths of the whole message's fragments, in order. */
  readonly pieces?: readonly Piece[];
}

/** A fragment of a handshake message: the frame it came in and its length. */
type Piece = readonly [frame: number, len: number];

/** The start of a handshake message that continues in a later record (a copy), and where it came from. */
interface Pending {
  readonly bytes: Uint8Array;
  readonly pieces: readonly Piece[];
}

/** What the first pass knew of a stream when it dissected a frame (never changed once taken). */
type Snap = {
  readonly version?: number;
  readonly suite?: number;
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

/** What decrypted data is on TLS's ports, as Wireshark registers them (ssl_dissector_add). */
const TLS_APPS = new Map<number, string>([
  [443, 'http'],
  [465, 'smtp'],
  [993, 'imap'],
  [995, 'pop'],
  [990, 'ftp'],
]);

/** The protocol the connection names: the one STARTTLS was for, or the one of the port TLS was found by. */
function registeredApp(ctx: DissectCtx): string | undefined {
  return startedTls(ctx) ?? TLS_APPS.get(matchPort(ctx) ?? -1);
}

/** The protocol above TLS: the connection's, or HTTP. */
function appProtocol(ctx: DissectCtx): string {
  return registeredApp(ctx) ?? 'http';
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

const NO_FRAGMENTS: HsRecord = { cont: 0 };

/**
 * First pass: the bytes at the start of a handshake record that continue a message begun in an earlier record
 * of the same direction (Wireshark reassembles handshake messages across records), and the whole message when
 * they complete it.
 */
function continuation(
  st: TlsStream,
  dir: 0 | 1,
  v: ByteView,
  body: number,
  end: number,
  frame: number,
): HsRecord {
  const first = st.pending[dir];
  if (!first) return NO_FRAGMENTS;
  let buf: Uint8Array = first.bytes;
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
      return { cont: p - body, type: buf[0], whole: buf, pieces: [...first.pieces, [frame, p - body]] };
    }
  }
  st.pending[dir] = { bytes: buf, pieces: [...first.pieces, [frame, p - body]] };
  return { cont: p - body, type: buf[0] };
}

/**
 * One handshake record's messages: a message completed from earlier fragments first, then those that start
 * here. A fragment that starts the record is named in the Info column ("[Client Hello Fragment]"); one in its
 * middle is not, nor a record that only continues a message (as in tshark). In the tree every message, and
 * every fragment of one, has its "Handshake Protocol" item; `label` is what the record's says.
 */
function handshakeRecord(
  ctx: DissectCtx,
  v: ByteView,
  body: number,
  end: number,
  whole: boolean,
  rec: Item,
  st: TlsStream,
  dir: 0 | 1,
  offered: HelloSeen,
  session: SessionView,
): { names: string[]; label: string; negotiated?: number; suite?: number } {
  const n = ctx.frame.number;
  const k = ctx.callIndex('tls.hsrec');
  let r: HsRecord;
  if (ctx.visited) r = ctx.state.getFrameItem<HsRecord>('tls.hs', n, k) ?? NO_FRAGMENTS;
  else {
    r = continuation(st, dir, v, body, end, n);
    if (r !== NO_FRAGMENTS) ctx.state.setFrameItem('tls.hs', n, k, r);
  }
  const names: string[] = [];
  const items: string[] = [];
  const messageName = (type: number) => HANDSHAKE[type] ?? 'Encrypted Handshake Message';
  // The record's line names a message it completes as that message.
  const fragmentItem = (off: number, len: number, type: number, last: boolean) => {
    items.push(last ? messageName(type) : `${messageName(type)} (fragment)`);
    handshakeItem(ctx, off, len, rec, `${messageName(type)} (${last ? 'last fragment' : 'fragment'})`);
  };
  const label = () => (items.length > 1 ? 'Multiple Handshake Messages' : (items[0] ?? ''));
  let negotiated: number | undefined;
  let suite: number | undefined;
  if (r.type !== undefined) fragmentItem(body, r.cont, r.type, r.whole !== undefined);
  if (r.whole) {
    if (r.pieces) fragmentList(ctx, rec, r.pieces, r.whole.length);
    const src = ctx.withSource(`Reassembled TLS Handshake (${r.whole.length} bytes)`, r.whole);
    const hs = handshakeMessages(src, src.view, 0, r.whole.length, rec, offered, false, true, session);
    names.push(...hs.names);
    ({ negotiated, suite } = hs);
  } else if (r.type !== undefined) return { names, label: label() };
  // A record cut by the capture's snaplen starts no fragment: what follows it is not its continuation.
  const known = { suite: suite ?? session.suite, version: negotiated ?? session.version };
  const hs = handshakeMessages(ctx, v, body + r.cont, end, rec, offered, whole, !r.whole, known);
  names.push(...hs.names);
  items.push(...hs.items);
  if (hs.fragmentAt !== undefined)
    fragmentItem(hs.fragmentAt, end - hs.fragmentAt, v.u8(hs.fragmentAt), false);
  if (hs.fragmentAt === body) names.push(`[${messageName(v.u8(body))} Fragment]`);
  if (hs.fragmentAt !== undefined && !ctx.visited)
    st.pending[dir] = {
      bytes: v.slice(hs.fragmentAt, end - hs.fragmentAt).slice(),
      pieces: [[n, end - hs.fragmentAt]],
    };
  return { names, label: label(), negotiated: hs.negotiated ?? negotiated, suite: hs.suite ?? suite };
}

/** "[2 Reassembled Handshake Fragments (53 bytes): #3(31), #4(22)]", each fragment, and their count. */
function fragmentList(ctx: DissectCtx, rec: Item, pieces: readonly Piece[], total: number): void {
  const list = ctx.add(f.fragments, 0, 0, null, {
    parent: rec,
    generated: true,
    label: `${`[${pieces.length} Reassembled Handshake Fragments (${total} bytes): ${pieces.map(([n, l]) => `#${n}(${l})`).join(', ')}`.slice(0, 240)}]`,
  });
  let at = 0;
  for (const [n, l] of pieces) {
    ctx.add(f.fragment, 0, 0, n, {
      parent: list,
      generated: true,
      label: `[Frame: ${n}, payload: ${at}-${at + l - 1} (${l} byte${l === 1 ? '' : 's'})]`,
    });
    at += l;
  }
  ctx.add(f.fragmentCount, 0, 0, pieces.length, { parent: list, generated: true });
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
  const rec = ctx.add(f.record, 0, 2 + len, null, { label: 'SSLv2 Record Layer: Client Hello' });
  ctx.add(f.version, 0, 0, 0x0002, { parent: rec, generated: true });
  ctx.add(f.length, 0, 2, len, { parent: rec });
  // Wireshark's SSLv2 field shares tls.handshake.type under another name.
  ctx.add(hf.type, 2, 1, 1, { parent: rec, label: 'Handshake Message Type: Client Hello (1)' });
  ctx.add(hf.version, 3, 2, version, { parent: rec });
  ctx.add(f.ssl2SpecLen, 5, 2, specs, { parent: rec });
  ctx.add(hf.sessionIdLen, 7, 2, sid, { parent: rec });
  ctx.add(f.ssl2ChallengeLen, 9, 2, challenge, { parent: rec });
  const list = ctx.add(f.ssl2Specs, 11, specs, null, {
    parent: rec,
    label: `Cipher Specs (${specs / 3} spec${specs === 3 ? '' : 's'})`,
  });
  for (let p = 11; p < 11 + specs; p += 3) ctx.add(f.ssl2Spec, p, 3, v.u24be(p), { parent: list });
  if (sid > 0) ctx.add(hf.sessionId, 11 + specs, sid, v.slice(11 + specs, sid), { parent: rec });
  ctx.add(f.ssl2Challenge, 11 + specs + sid, challenge, null, { parent: rec });
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
 * application data (it then owns the columns), and what the record's line says after "Record Layer: ".
 */
function decryptedRecord(
  ctx: DissectCtx,
  dec: Decrypted,
  rec: Item,
  st: TlsStream,
  live: TlsStream,
  dir: 0 | 1,
  names: string[],
  offered: HelloSeen,
): { took: boolean; what: string } {
  const plain = dec.plain;
  // TLS 1.3 hides the real content type inside the encryption.
  if (live.version === 0x0304) ctx.add(f.contentType, 0, 0, dec.type, { parent: rec, generated: true });
  if (dec.type === 23) {
    const what = `Application Data Protocol: ${appName(ctx, st.secrets) ?? 'Application Data'}`;
    if (applicationData(ctx, dec, st.secrets, dir)) {
      // The rest of the record, after the PDU it completed, all waits: tshark's note follows the protocol's text.
      if (dec.upperRest) ctx.columns.info += TLS_SEGMENT;
      return { took: true, what };
    }
    // Not taken: the plaintext is still there to read, as a data source of its own.
    if (plain.length) ctx.withSource(`Decrypted TLS (${plain.length} bytes)`, plain);
    if (dec.held) {
      // Wireshark sets (not appends) this text, over what the frame's earlier records showed.
      names.length = 0;
      names.push(TLS_SEGMENT);
    } else names.push('Application Data');
    return { took: false, what };
  }
  const src = ctx.withSource(`Decrypted TLS (${plain.length} bytes)`, plain);
  if (dec.type === 22) {
    const hs = handshakeMessages(src, src.view, 0, plain.length, rec, offered, false, true, {
      suite: live.suite,
      version: live.version,
    });
    names.push(...hs.names);
    if (!ctx.visited && st.secrets) {
      noteHellos(st.secrets, offered);
      if (live.version === 0x0304 && hs.names.includes('Finished'))
        tls13Phase(ctx, st.secrets, dir, 'application');
    }
    const what = hs.items.length > 1 ? 'Multiple Handshake Messages' : (hs.items[0] ?? '');
    return { took: false, what: `Handshake Protocol: ${what}` };
  }
  if (dec.type === 21) {
    const what = alertRecord(src, src.view, 0, plain.length, plain.length !== 2, rec);
    names.push(what);
    return { took: false, what };
  }
  if (dec.type === 20) {
    names.push('Change Cipher Spec');
    return { took: false, what: 'Change Cipher Spec Protocol: Change Cipher Spec' };
  }
  names.push(CONTENT[dec.type] ?? `Unknown (${dec.type})`);
  return { took: false, what: CONTENT[dec.type] ?? String(dec.type) };
}

/**
 * An alert record's "Alert Message" (level and description, or "Encrypted Alert" when it cannot be read);
 * returns its text for the record's line and the Info column.
 */
function alertRecord(
  ctx: DissectCtx,
  v: ByteView,
  body: number,
  end: number,
  encrypted: boolean,
  rec: Item,
): string {
  if (encrypted) {
    ctx.add(f.alert, body, end - body, null, { parent: rec, label: 'Alert Message: Encrypted Alert' });
    return 'Encrypted Alert';
  }
  const msg = ctx.add(f.alert, body, 2, null, { parent: rec });
  ctx.add(f.alertLevel, body, 1, v.u8(body), { parent: msg });
  ctx.add(f.alertDesc, body + 1, 1, v.u8(body + 1), { parent: msg });
  return alertText(v.u8(body), v.u8(body + 1));
}

/**
 * The protocol application data goes to, by its long name, when the session names one as Wireshark's does: the
 * server's ALPN choice, the protocol STARTTLS was for, or the port's (HTTP on 443, IMAP on 993, …). Heuristic
 * TLS on another port has none ("Application Data").
 */
function appName(ctx: DissectCtx, s: SessionSecrets | undefined): string | undefined {
  const abbrev = s?.alpn === 'h2' ? 'http2' : s?.alpn === 'http/1.1' ? 'http' : registeredApp(ctx);
  return abbrev === undefined ? undefined : getProtocol(abbrev)?.name;
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
        last.suite === st.suite &&
        last.client === st.client &&
        last.ccs[0] === st.ccs[0] &&
        last.ccs[1] === st.ccs[1]
          ? last
          : (st.snap = {
              version: st.version,
              suite: st.suite,
              ccs: [st.ccs[0], st.ccs[1]],
              client: st.client,
            });
      ctx.state.setFrame('tls.snap', n, snap);
    }
    const live: TlsStream = ctx.visited
      ? {
          version: snap.version,
          suite: snap.suite,
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
      const rec = ctx.add(f.record, off, Math.min(5 + len, v.length - off), null, {
        label: `${colVer} Record Layer`,
      });
      // What the record's line says after "Record Layer: ", once its content is known.
      let what = CONTENT[ct] ?? String(ct);
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
      const app = appName(ctx, st.secrets);
      if (ct === 23 && ctx.wants(f.appData))
        ctx.add(f.appData, body, end - body, v.slice(body, end - body), { parent: rec });
      if (ct === 23 && app !== undefined)
        ctx.add(f.appDataProto, body, end - body, app, { parent: rec, generated: true });
      if (dec) {
        // The last application data decides who owns the columns: the protocol above, or TLS's segment text.
        const r = decryptedRecord(ctx, dec, rec, st, live, dir, names, offered);
        what = r.what;
        if (r.took) upper = true;
        else if (dec.held) upper = false;
      } else if (ct === 22) {
        if (encrypted || (live.version === 0x0304 && dir === 1 && names.includes('Server Hello'))) {
          names.push('Encrypted Handshake Message');
          handshakeItem(ctx, body, end - body, rec, 'Encrypted Handshake Message');
          what = 'Handshake Protocol: Encrypted Handshake Message';
        } else {
          const hs = handshakeRecord(ctx, v, body, end, whole, rec, st, dir, offered, {
            suite: live.suite,
            version: live.version,
          });
          names.push(...hs.names);
          what = `Handshake Protocol: ${hs.label}`;
          if (hs.suite !== undefined) {
            live.suite = hs.suite;
            if (!ctx.visited) st.suite = hs.suite;
          }
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
        what = 'Change Cipher Spec Protocol: Change Cipher Spec';
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
        what = alertRecord(ctx, v, body, end, encrypted || len !== 2, rec);
        names.push(what);
      } else if (ct === 23) {
        names.push('Application Data');
        what = `Application Data Protocol: ${app ?? 'Application Data'}`;
      } else {
        names.push(CONTENT[ct] ?? `Unknown (${ct})`);
      }
      ctx.setLabel(rec, `${colVer} Record Layer: ${what}`);
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
