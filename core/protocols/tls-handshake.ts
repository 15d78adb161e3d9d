/**
 * TLS handshake messages as Wireshark shows them: a "Handshake Protocol: …" subtree per message, the hellos in
 * full (random and its time, session ID, cipher suites and compression methods by name, every extension with
 * its body for the common ones), JA3 and JA3S fingerprints, certificates with their subject, the key exchange
 * parameters of (EC)DHE, RSA and PSK, session tickets and Finished. Used for TLS records and for the CRYPTO
 * data of QUIC.
 */
import { createHash } from 'node:crypto';
import { absTime, bytes, none, str, uint, type FieldDef } from '../fields/registry.js';
import type { DissectCtx } from '../dissect/engine.js';
import { BoundsError, type ByteView } from '../bytes/byteview.js';
import { cutLabel, hexPreview } from '../fields/format.js';
import type { Item } from '../dissect/types.js';
import {
  CERT_STATUS_TYPES,
  CIPHER_SUITES,
  COMPRESSION_METHODS,
  EC_CURVE_TYPES,
  EC_POINT_FORMATS,
  EXTENSIONS,
  GROUPS,
  isGrease,
  PSK_KE_MODES,
  sessionVersion,
  SERVER_NAME_TYPES,
  SIG_ALGORITHMS,
  SIG_HASHES,
  signatureSchemeName,
  suiteKeyExchange,
  VERSIONS,
} from './tls-names.js';
import { tlv } from './ber.js';
import { rdnItems, x509Certificate } from './x509.js';

export const HANDSHAKE: Record<number, string> = {
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

/** ClientCertificateType (RFC 5246 §7.4.4, RFC 8422). */
const CERT_TYPES: Record<number, string> = {
  1: 'RSA Sign',
  2: 'DSS Sign',
  3: 'RSA Fixed DH',
  4: 'DSS Fixed DH',
  21: 'GOST R 34.10-94',
  22: 'GOST R 34.10-2001',
  64: 'ECDSA Sign',
  65: 'RSA Fixed ECDH',
  66: 'ECDSA Fixed ECDH',
  80: 'IBC Params',
};

const hex16 = (abbrev: string, name: string, strings: ReadonlyMap<number, string>) =>
  uint(abbrev, name, 16, { base: 'hex', strings });

const f = {
  handshake: none('tls.handshake', 'Handshake Protocol'),
  type: uint('tls.handshake.type', 'Handshake Type', 8, { strings: HANDSHAKE }),
  length: uint('tls.handshake.length', 'Length', 24),
  version: hex16('tls.handshake.version', 'Version', VERSIONS),
  random: bytes('tls.handshake.random', 'Random'),
  randomTime: absTime('tls.handshake.random_time', 'GMT Unix Time'),
  randomBytes: bytes('tls.handshake.random_bytes', 'Random Bytes'),
  sessionIdLen: uint('tls.handshake.session_id_length', 'Session ID Length', 8),
  sessionId: bytes('tls.handshake.session_id', 'Session ID'),
  cipherSuitesLen: uint('tls.handshake.cipher_suites_length', 'Cipher Suites Length', 16),
  cipherSuites: none('tls.handshake.ciphersuites', 'Cipher Suites'),
  cipherSuite: hex16('tls.handshake.ciphersuite', 'Cipher Suite', CIPHER_SUITES),
  compMethodsLen: uint('tls.handshake.comp_methods_length', 'Compression Methods Length', 8),
  compMethods: none('tls.handshake.comp_methods', 'Compression Methods'),
  compMethod: uint('tls.handshake.comp_method', 'Compression Method', 8, { strings: COMPRESSION_METHODS }),
  extensionsLen: uint('tls.handshake.extensions_length', 'Extensions Length', 16),
  extension: none('tls.handshake.extension', 'Extension'),
  extType: uint('tls.handshake.extension.type', 'Type', 16, { strings: EXTENSIONS }),
  extLen: uint('tls.handshake.extension.len', 'Length', 16),
  extData: bytes('tls.handshake.extension.data', 'Data'),
  sniListLen: uint('tls.handshake.extensions_server_name_list_len', 'Server Name list length', 16),
  sniType: uint('tls.handshake.extensions_server_name_type', 'Server Name Type', 8, {
    strings: SERVER_NAME_TYPES,
  }),
  sniLen: uint('tls.handshake.extensions_server_name_len', 'Server Name length', 16),
  sni: str('tls.handshake.extensions_server_name', 'Server Name'),
  statusType: uint('tls.handshake.extensions_status_request_type', 'Certificate Status Type', 8, {
    strings: CERT_STATUS_TYPES,
  }),
  responderIdsLen: uint(
    'tls.handshake.extensions_status_request_responder_ids_len',
    'Responder ID list Length',
    16,
  ),
  requestExtsLen: uint('tls.handshake.extensions_status_request_exts_len', 'Request Extensions Length', 16),
  groupsLen: uint('tls.handshake.extensions_supported_groups_length', 'Supported Groups List Length', 16),
  groups: none('tls.handshake.extensions_supported_groups', 'Supported Groups List'),
  group: hex16('tls.handshake.extensions_supported_group', 'Supported Group', GROUPS),
  pointFormatsLen: uint('tls.handshake.extensions_ec_point_formats_length', 'EC point formats Length', 8),
  pointFormats: none('tls.handshake.extensions_ec_point_formats', 'EC point formats'),
  pointFormat: uint('tls.handshake.extensions_ec_point_format', 'EC point format', 8, {
    strings: EC_POINT_FORMATS,
  }),
  sigAlgsLen: uint('tls.handshake.sig_hash_alg_len', 'Signature Hash Algorithms Length', 16),
  sigAlgs: none('tls.handshake.sig_hash_algs', 'Signature Algorithms'),
  sigAlg: uint('tls.handshake.sig_hash_alg', 'Signature Algorithm', 16, { base: 'hex' }),
  sigHash: uint('tls.handshake.sig_hash_hash', 'Signature Hash Algorithm Hash', 8, { strings: SIG_HASHES }),
  sigSig: uint('tls.handshake.sig_hash_sig', 'Signature Hash Algorithm Signature', 8, {
    strings: SIG_ALGORITHMS,
  }),
  alpnLen: uint('tls.handshake.extensions_alpn_len', 'ALPN Extension Length', 16),
  alpnList: none('tls.handshake.extensions_alpn_list', 'ALPN Protocol'),
  alpnStrLen: uint('tls.handshake.extensions_alpn_str_len', 'ALPN string length', 8),
  alpn: str('tls.handshake.extensions_alpn_str', 'ALPN Next Protocol'),
  padding: bytes('tls.handshake.extensions_padding_data', 'Padding Data'),
  heartbeatMode: uint('tls.handshake.extension.heartbeat.mode', 'Mode', 8, {
    strings: { 1: 'Peer allowed to send requests', 2: 'Peer not allowed to send requests' },
  }),
  recordSizeLimit: uint('tls.record_size_limit', 'Record Size Limit', 16),
  ticket: bytes('tls.handshake.session_ticket', 'Session Ticket'),
  versionsLen: uint('tls.handshake.extensions.supported_versions_len', 'Supported Versions length', 8),
  supportedVersion: hex16('tls.handshake.extensions.supported_version', 'Supported Version', VERSIONS),
  pskModesLen: uint('tls.extension.psk_ke_modes_length', 'PSK Key Exchange Modes Length', 8),
  pskMode: uint('tls.extension.psk_ke_mode', 'PSK Key Exchange Mode', 8, { strings: PSK_KE_MODES }),
  keyShareClientLen: uint('tls.handshake.extensions_key_share_client_length', 'Client Key Share Length', 16),
  keyShareGroup: uint('tls.handshake.extensions_key_share_group', 'Group', 16, { strings: GROUPS }),
  keyShareLen: uint('tls.handshake.extensions_key_share_key_exchange_length', 'Key Exchange Length', 16),
  keyShareKey: bytes('tls.handshake.extensions_key_share_key_exchange', 'Key Exchange'),
  keyShareSelected: uint('tls.handshake.extensions_key_share_selected_group', 'Selected Group', 16, {
    strings: GROUPS,
  }),
  pskIdentitiesLen: uint('tls.handshake.extensions.psk.identities.length', 'Identities Length', 16),
  pskIdentityLen: uint('tls.handshake.extensions.psk.identity.identity_length', 'Identity Length', 16),
  pskIdentity: bytes('tls.handshake.extensions.psk.identity.identity', 'Identity'),
  pskTicketAge: uint(
    'tls.handshake.extensions.psk.identity.obfuscated_ticket_age',
    'Obfuscated Ticket Age',
    32,
  ),
  pskBindersLen: uint('tls.handshake.extensions.psk.binders_len', 'PSK Binders length', 16),
  pskBinders: none('tls.handshake.extensions.psk.binders', 'PSK Binders'),
  pskSelected: uint('tls.handshake.extensions.psk.identity.selected', 'Selected Identity', 16),
  renegLen: uint('tls.handshake.extensions_reneg_info_len', 'Renegotiation info extension length', 8),
  reneg: bytes('tls.handshake.extensions_reneg_info', 'Renegotiation info'),
  maxEarlyData: uint('tls.early_data.max_early_data_size', 'Maximum Early Data Size', 32),
  ja3Full: str('tls.handshake.ja3_full', 'JA3 Fullstring'),
  ja3: str('tls.handshake.ja3', 'JA3'),
  ja3sFull: str('tls.handshake.ja3s_full', 'JA3S Fullstring'),
  ja3s: str('tls.handshake.ja3s', 'JA3S'),
  certContextLen: uint(
    'tls.handshake.certificate_request_context_length',
    'Certificate Request Context Length',
    8,
  ),
  certsLen: uint('tls.handshake.certificates_length', 'Certificates Length', 24),
  certs: none('tls.handshake.certificates', 'Certificates'),
  certLen: uint('tls.handshake.certificate_length', 'Certificate Length', 24),
  cert: bytes('tls.handshake.certificate', 'Certificate'),
  curveType: uint('tls.handshake.server_curve_type', 'Curve Type', 8, {
    base: 'hex',
    strings: EC_CURVE_TYPES,
  }),
  namedCurve: hex16('tls.handshake.server_named_curve', 'Named Curve', GROUPS),
  serverPointLen: uint('tls.handshake.server_point_len', 'Pubkey Length', 8),
  serverPoint: bytes('tls.handshake.server_point', 'Pubkey'),
  clientPointLen: uint('tls.handshake.client_point_len', 'Pubkey Length', 8),
  clientPoint: bytes('tls.handshake.client_point', 'Pubkey'),
  pLen: uint('tls.handshake.p_len', 'p Length', 16),
  p: bytes('tls.handshake.p', 'p'),
  gLen: uint('tls.handshake.g_len', 'g Length', 16),
  g: bytes('tls.handshake.g', 'g'),
  ysLen: uint('tls.handshake.ys_len', 'Pubkey Length', 16),
  ys: bytes('tls.handshake.ys', 'Pubkey'),
  ycLen: uint('tls.handshake.yc_len', 'Pubkey Length', 16),
  yc: bytes('tls.handshake.yc', 'Pubkey'),
  sigLen: uint('tls.handshake.sig_len', 'Signature Length', 16),
  sig: bytes('tls.handshake.sig', 'Signature'),
  epmsLen: uint('tls.handshake.epms_len', 'Encrypted PreMaster length', 16),
  epms: bytes('tls.handshake.epms', 'Encrypted PreMaster'),
  identityLen: uint('tls.handshake.identity_len', 'Identity Length', 16),
  identity: bytes('tls.handshake.identity', 'Identity'),
  ticketLifetime: uint('tls.handshake.session_ticket_lifetime_hint', 'Session Ticket Lifetime Hint', 32),
  ticketAgeAdd: uint('tls.handshake.session_ticket_age_add', 'Session Ticket Age Add', 32),
  ticketNonceLen: uint('tls.handshake.session_ticket_nonce_length', 'Session Ticket Nonce Length', 8),
  ticketNonce: bytes('tls.handshake.session_ticket_nonce', 'Session Ticket Nonce'),
  ticketLen: uint('tls.handshake.session_ticket_length', 'Session Ticket Length', 16),
  verifyData: none('tls.handshake.verify_data', 'Verify Data'),
  verifySigLen: uint('tls.handshake.client_cert_vrfy.sig_len', 'Signature length', 16),
  verifySig: bytes('tls.handshake.client_cert_vrfy.sig', 'Signature'),
  certTypesCount: uint('tls.handshake.cert_types_count', 'Certificate types count', 8),
  certTypes: none('tls.handshake.cert_types', 'Certificate types'),
  certType: uint('tls.handshake.cert_type', 'Certificate Type', 8, { strings: CERT_TYPES }),
  dnamesLen: uint('tls.handshake.dnames_len', 'Distinguished Names Length', 16),
  dnames: none('tls.handshake.dnames', 'Distinguished Names'),
  dnameLen: uint('tls.handshake.dname_len', 'Distinguished Name Length', 16),
  dname: none('tls.handshake.dname', 'Distinguished Name'),
};

/** The handshake's fields (the SSLv2-format ClientHello of the record layer uses some). */
export const handshakeFields = f;

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

/** What is known of the session when its messages are read: the suite and version the server chose. */
export interface SessionView {
  suite?: number;
  version?: number;
}

/** "1 suite", "18 suites". */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The time a ClientHello's or ServerHello's first four random bytes once carried (not in TLS 1.3). */
function helloRandom(ctx: DissectCtx, v: ByteView, p: number, parent: Item, tls13: boolean): Uint8Array {
  const random = v.slice(p, 32);
  const r = ctx.add(f.random, p, 32, random, { parent });
  if (!tls13) {
    ctx.add(f.randomTime, p, 4, { s: v.u32be(p), ns: 0 }, { parent: r });
    ctx.add(f.randomBytes, p + 4, 28, v.slice(p + 4, 28), { parent: r });
  }
  return random;
}

/** What a hello's extensions feed into: JA3's lists, and the choices a server made. */
interface ExtensionsSeen {
  types: number[];
  groups: number[];
  pointFormats: number[];
  /** The version supported_versions negotiates (ServerHello). */
  supported?: number;
}

/**
 * Extension types Wireshark 4.0 dissects (or knows to be empty): their bodies are never "Data". Those not read
 * here (max_fragment_length, compress_certificate, QUIC's transport parameters, …) show no body at all.
 */
const READ_BY_WIRESHARK = new Set([
  0, 1, 5, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 27, 28, 34, 35, 41, 42, 43, 44, 45, 47, 48,
  49, 50, 51, 53, 54, 57, 13172, 17513, 65281, 65445, 65486,
]);

/** Nothing seen yet (a hello's extensions fill it; other messages' are read for the tree only). */
const unseen = (): ExtensionsSeen => ({ types: [], groups: [], pointFormats: [] });

/** A signature_algorithms list: its length, then the schemes under a title that counts them. */
function signatureAlgorithms(ctx: DissectCtx, v: ByteView, p: number, end: number, parent: Item): void {
  const len = v.u16be(p);
  ctx.add(f.sigAlgsLen, p, 2, len, { parent });
  const list = ctx.add(f.sigAlgs, p + 2, Math.min(len, end - p - 2), null, {
    parent,
    label: `Signature Hash Algorithms (${count(len >> 1, 'algorithm')})`,
  });
  for (let q = p + 2; q + 2 <= Math.min(end, p + 2 + len); q += 2) signatureAlgorithm(ctx, v, q, list);
}

function signatureAlgorithm(ctx: DissectCtx, v: ByteView, q: number, parent: Item): void {
  const s = v.u16be(q);
  const a = ctx.add(f.sigAlg, q, 2, s, {
    parent,
    label: `Signature Algorithm: ${signatureSchemeName(s)} (0x${s.toString(16).padStart(4, '0')})`,
  });
  ctx.add(f.sigHash, q, 1, v.u8(q), { parent: a });
  ctx.add(f.sigSig, q + 1, 1, v.u8(q + 1), { parent: a });
}

/** One extension's body v[body, body+len) under its item `ext`. */
function extensionBody(
  ctx: DissectCtx,
  v: ByteView,
  type: number,
  body: number,
  len: number,
  ext: Item,
  hsType: number,
  seen: ExtensionsSeen,
  chosen: HelloSeen | undefined,
): void {
  const end = body + len;
  const client = hsType === 1;
  switch (type) {
    case 0: {
      if (len < 2) return;
      const sni = ctx.text('Server Name Indication extension', body, len, ext);
      ctx.add(f.sniListLen, body, 2, v.u16be(body), { parent: sni });
      for (let p = body + 2; p + 3 <= end;) {
        const nlen = v.u16be(p + 1);
        ctx.add(f.sniType, p, 1, v.u8(p), { parent: sni });
        ctx.add(f.sniLen, p + 1, 2, nlen, { parent: sni });
        if (p + 3 + nlen > end) break;
        ctx.add(f.sni, p + 3, nlen, v.latin1(p + 3, nlen), { parent: sni });
        p += 3 + nlen;
      }
      return;
    }
    case 5:
      if (!client || len < 5) return;
      ctx.add(f.statusType, body, 1, v.u8(body), { parent: ext });
      ctx.add(f.responderIdsLen, body + 1, 2, v.u16be(body + 1), { parent: ext });
      ctx.add(f.requestExtsLen, body + 3 + v.u16be(body + 1), 2, v.u16be(body + 3 + v.u16be(body + 1)), {
        parent: ext,
      });
      return;
    case 10: {
      const l = v.u16be(body);
      ctx.add(f.groupsLen, body, 2, l, { parent: ext });
      const list = ctx.add(f.groups, body + 2, Math.min(l, len - 2), null, {
        parent: ext,
        label: `Supported Groups (${count(l >> 1, 'group')})`,
      });
      for (let p = body + 2; p + 2 <= Math.min(end, body + 2 + l); p += 2) {
        const g = v.u16be(p);
        ctx.add(f.group, p, 2, g, { parent: list });
        if (!isGrease(g)) seen.groups.push(g);
      }
      return;
    }
    case 11: {
      const l = v.u8(body);
      ctx.add(f.pointFormatsLen, body, 1, l, { parent: ext });
      const list = ctx.add(f.pointFormats, body + 1, Math.min(l, len - 1), null, {
        parent: ext,
        label: `Elliptic curves point formats (${l})`,
      });
      for (let p = body + 1; p < Math.min(end, body + 1 + l); p++) {
        ctx.add(f.pointFormat, p, 1, v.u8(p), { parent: list });
        seen.pointFormats.push(v.u8(p));
      }
      return;
    }
    case 13:
    case 34:
    case 50:
      if (len >= 2) signatureAlgorithms(ctx, v, body, end, ext);
      return;
    case 16: {
      if (len < 2) return;
      const l = v.u16be(body);
      ctx.add(f.alpnLen, body, 2, l, { parent: ext });
      const list = ctx.add(f.alpnList, body + 2, Math.min(l, len - 2), null, { parent: ext });
      for (let p = body + 2; p < Math.min(end, body + 2 + l);) {
        const sl = v.u8(p);
        ctx.add(f.alpnStrLen, p, 1, sl, { parent: list });
        const name = v.latin1(p + 1, sl);
        ctx.add(f.alpn, p + 1, sl, name, { parent: list });
        if (chosen && !client) chosen.alpn = name;
        p += 1 + sl;
      }
      return;
    }
    case 15:
      if (len >= 1) ctx.add(f.heartbeatMode, body, 1, v.u8(body), { parent: ext });
      return;
    case 21:
      ctx.add(f.padding, body, len, v.slice(body, len), { parent: ext });
      return;
    case 28:
      if (len >= 2) ctx.add(f.recordSizeLimit, body, 2, v.u16be(body), { parent: ext });
      return;
    case 35:
      ctx.add(f.extData, body, len, v.slice(body, len), {
        parent: ext,
        label: `Data (${len} byte${len === 1 ? '' : 's'})`,
      });
      return;
    case 41:
      if (client) pskOffer(ctx, v, body, end, ext);
      else if (len >= 2) {
        const psk = ctx.text('Pre-Shared Key extension', body, len, ext);
        ctx.add(f.pskSelected, body, 2, v.u16be(body), { parent: psk });
      }
      return;
    case 42:
      if (hsType === 4 && len >= 4) ctx.add(f.maxEarlyData, body, 4, v.u32be(body), { parent: ext });
      return;
    case 43:
      if (len === 2) {
        seen.supported = v.u16be(body);
        ctx.add(f.supportedVersion, body, 2, seen.supported, { parent: ext });
      } else if (len > 0) {
        ctx.add(f.versionsLen, body, 1, v.u8(body), { parent: ext });
        for (let p = body + 1; p + 2 <= end; p += 2)
          ctx.add(f.supportedVersion, p, 2, v.u16be(p), { parent: ext });
      }
      return;
    case 45:
      if (len < 1) return;
      ctx.add(f.pskModesLen, body, 1, v.u8(body), { parent: ext });
      for (let p = body + 1; p < end; p++) ctx.add(f.pskMode, p, 1, v.u8(p), { parent: ext });
      return;
    case 40: // key_share's number before TLS 1.3 draft 23
    case 51:
      keyShare(ctx, v, body, len, ext, hsType);
      return;
    case 65281: {
      if (len < 1) return;
      const r = ctx.text('Renegotiation Info extension', body, len, ext);
      const l = v.u8(body);
      ctx.add(f.renegLen, body, 1, l, { parent: r });
      if (l > 0) ctx.add(f.reneg, body + 1, l, v.slice(body + 1, l), { parent: r });
      return;
    }
    default:
      // Types Wireshark reads into fields of their own are left unread here rather than shown as data.
      if (!READ_BY_WIRESHARK.has(type)) ctx.add(f.extData, body, len, v.slice(body, len), { parent: ext });
  }
}

function keyShare(ctx: DissectCtx, v: ByteView, body: number, len: number, ext: Item, hsType: number): void {
  if (hsType === 6 || (hsType === 2 && len === 2)) {
    // A HelloRetryRequest names the group it wants.
    const ks = ctx.text('Key Share extension', body, len, ext);
    ctx.add(f.keyShareSelected, body, 2, v.u16be(body), { parent: ks });
    return;
  }
  const ks = ctx.text('Key Share extension', body, len, ext);
  let p = body;
  let end = body + len;
  if (hsType === 1) {
    const l = v.u16be(body);
    ctx.add(f.keyShareClientLen, body, 2, l, { parent: ks });
    p = body + 2;
    end = Math.min(end, p + l);
  }
  while (p + 4 <= end) {
    const g = v.u16be(p);
    const kl = v.u16be(p + 2);
    const entry = ctx.text(
      `Key Share Entry: Group: ${GROUPS.get(g) ?? 'Unknown'}, Key Exchange length: ${kl}`,
      p,
      4 + kl,
      ks,
    );
    ctx.add(f.keyShareGroup, p, 2, g, { parent: entry });
    ctx.add(f.keyShareLen, p + 2, 2, kl, { parent: entry });
    if (p + 4 + kl > end) break;
    ctx.add(f.keyShareKey, p + 4, kl, v.slice(p + 4, kl), { parent: entry });
    p += 4 + kl;
  }
}

function pskOffer(ctx: DissectCtx, v: ByteView, body: number, end: number, ext: Item): void {
  if (body + 2 > end) return;
  const psk = ctx.text('Pre-Shared Key extension', body, end - body, ext);
  const idsLen = v.u16be(body);
  ctx.add(f.pskIdentitiesLen, body, 2, idsLen, { parent: psk });
  let p = body + 2;
  const idsEnd = Math.min(end, p + idsLen);
  while (p + 2 <= idsEnd) {
    const il = v.u16be(p);
    const id = ctx.text(`PSK Identity (length: ${il})`, p, 2 + il + 4, psk);
    ctx.add(f.pskIdentityLen, p, 2, il, { parent: id });
    if (p + 2 + il + 4 > idsEnd) break;
    ctx.add(f.pskIdentity, p + 2, il, v.slice(p + 2, il), { parent: id });
    ctx.add(f.pskTicketAge, p + 2 + il, 4, v.u32be(p + 2 + il), { parent: id });
    p += 2 + il + 4;
  }
  p = idsEnd;
  if (p + 2 > end) return;
  const bl = v.u16be(p);
  ctx.add(f.pskBindersLen, p, 2, bl, { parent: psk });
  ctx.add(f.pskBinders, p + 2, Math.min(bl, end - p - 2), null, { parent: psk });
}

/**
 * A hello's extensions v[off, end) under `parent`: what they tell goes to `seen` (JA3's lists, the version
 * supported_versions negotiates) and to `chosen` (a server's ALPN, encrypt-then-MAC, extended master secret).
 */
function extensions(
  ctx: DissectCtx,
  v: ByteView,
  off: number,
  end: number,
  parent: Item,
  hsType: number,
  seen: ExtensionsSeen,
  chosen?: HelloSeen,
): void {
  while (off + 4 <= end) {
    const type = v.u16be(off);
    const len = v.u16be(off + 2);
    const body = off + 4;
    const ext = ctx.add(f.extension, off, Math.min(4 + len, end - off), null, {
      parent,
      label: `Extension: ${EXTENSIONS.get(type) ?? 'Unknown type'} (len=${len})`,
    });
    ctx.add(f.extType, off, 2, type, { parent: ext });
    ctx.add(f.extLen, off + 2, 2, len, { parent: ext });
    if (!isGrease(type)) seen.types.push(type);
    if (body + len > end) break;
    if (chosen && hsType !== 1) {
      if (type === 22) chosen.etm = true;
      if (type === 23) chosen.ems = true;
    }
    if (chosen && hsType === 1 && type === 42) chosen.earlyData = true;
    extensionBody(ctx, v, type, body, len, ext, hsType, seen, chosen);
    off = body + len;
  }
}

const JA3_FIELDS: readonly FieldDef[] = [f.ja3Full, f.ja3, f.ja3sFull, f.ja3s];

/** JA3 (client) or JA3S (server): the fingerprint string and its MD5, as generated items under `parent`. */
function fingerprint(
  ctx: DissectCtx,
  parent: Item,
  fields: readonly [FieldDef, FieldDef],
  parts: string[],
): void {
  if (!ctx.wantsAny(JA3_FIELDS)) return;
  const full = parts.join(',');
  ctx.add(fields[0], 0, 0, full, { parent, generated: true });
  ctx.add(fields[1], 0, 0, createHash('md5').update(full).digest('hex'), { parent, generated: true });
}

/** A ClientHello or ServerHello body v[p, end): returns the version and suite a ServerHello chose. */
function hello(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  hs: Item,
  ht: number,
  offered: HelloSeen | undefined,
  session: SessionView,
): SessionView | undefined {
  const hv = v.u16be(p);
  ctx.add(f.version, p, 2, hv, { parent: hs });
  const seen: ExtensionsSeen = unseen();
  // A server's random carries no time in TLS 1.3: look ahead for the version it negotiates.
  const tls13 = ht === 2 ? serverHelloVersion(v, p, end) === 0x0304 : session.version === 0x0304;
  // TLS 1.3 drafts before 22 sent a ServerHello without session ID and compression method.
  const early = ht === 2 && (hv & 0xff00) === 0x7f00 && (hv & 0xff) < 22;
  const random = helloRandom(ctx, v, p + 2, hs, tls13);
  // Copies: the session keeps them, and a view would keep the whole read buffer it lies in alive.
  if (offered) offered[ht === 1 ? 'clientRandom' : 'serverRandom'] = random.slice();
  const sidLen = early ? 0 : v.u8(p + 34);
  if (!early) ctx.add(f.sessionIdLen, p + 34, 1, sidLen, { parent: hs });
  if (v.has(p + 35, sidLen)) {
    const sid = v.slice(p + 35, sidLen);
    if (sidLen > 0) ctx.add(f.sessionId, p + 35, sidLen, sid, { parent: hs });
    // An empty one too: a ClientHello without a session ID resumes nothing.
    if (offered && !early) offered[ht === 1 ? 'clientSessionId' : 'serverSessionId'] = sid.slice();
  }
  let q = early ? p + 34 : p + 35 + sidLen;
  const suites: number[] = [];
  if (ht === 1) {
    const csLen = v.u16be(q);
    ctx.add(f.cipherSuitesLen, q, 2, csLen, { parent: hs });
    const list = ctx.add(f.cipherSuites, q + 2, Math.min(csLen, end - q - 2), null, {
      parent: hs,
      label: `Cipher Suites (${count(csLen >> 1, 'suite')})`,
    });
    for (let c = q + 2; c + 2 <= Math.min(end, q + 2 + csLen); c += 2) {
      const s = v.u16be(c);
      ctx.add(f.cipherSuite, c, 2, s, { parent: list });
      if (!isGrease(s)) suites.push(s);
    }
    q += 2 + csLen;
    const cmLen = v.u8(q);
    ctx.add(f.compMethodsLen, q, 1, cmLen, { parent: hs });
    const cms = ctx.add(f.compMethods, q + 1, cmLen, null, {
      parent: hs,
      label: `Compression Methods (${count(cmLen, 'method')})`,
    });
    for (let c = q + 1; c < Math.min(end, q + 1 + cmLen); c++)
      ctx.add(f.compMethod, c, 1, v.u8(c), { parent: cms });
    q += 1 + cmLen;
  } else {
    const s = v.u16be(q);
    ctx.add(f.cipherSuite, q, 2, s, { parent: hs });
    if (offered) offered.suite = s;
    suites.push(s);
    if (early) q += 2;
    else {
      ctx.add(f.compMethod, q + 2, 1, v.u8(q + 2), { parent: hs });
      q += 3;
    }
  }
  if (q + 2 <= end) {
    const el = v.u16be(q);
    ctx.add(f.extensionsLen, q, 2, el, { parent: hs });
    extensions(ctx, v, q + 2, Math.min(end, q + 2 + el), hs, ht, seen, offered);
  }
  const list = (a: number[]) => a.join('-');
  if (ht === 1)
    fingerprint(
      ctx,
      hs,
      [f.ja3Full, f.ja3],
      [String(hv), list(suites), list(seen.types), list(seen.groups), list(seen.pointFormats)],
    );
  else fingerprint(ctx, hs, [f.ja3sFull, f.ja3s], [String(hv), list(suites), list(seen.types)]);
  return ht === 2 ? { version: seen.supported ?? hv, suite: suites[0] } : undefined;
}

/**
 * The version a ServerHello's supported_versions extension names (or its legacy version), read ahead, as the
 * session's (a TLS 1.3 draft is TLS 1.3).
 */
function serverHelloVersion(v: ByteView, p: number, end: number): number {
  const legacy = sessionVersion(v.u16be(p));
  if (legacy === 0x0304) return legacy;
  let q = p + 35 + v.u8(p + 34) + 3;
  if (q + 2 > end) return legacy;
  const extEnd = Math.min(end, q + 2 + v.u16be(q));
  for (q += 2; q + 4 <= extEnd; q += 4 + v.u16be(q + 2))
    if (v.u16be(q) === 43 && v.u16be(q + 2) === 2 && q + 6 <= extEnd) {
      return sessionVersion(v.u16be(q + 4));
    }
  return legacy;
}

/** Wireshark's unsigned_time_secs_to_str: "300 seconds (5 minutes)", "100800 seconds (1 day, 4 hours)". */
function lifetimeText(secs: number): string {
  if (secs === 0) return '0 seconds';
  const parts: string[] = [];
  const unit = (n: number, name: string) => {
    if (n) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  };
  unit(Math.floor(secs / 86400), 'day');
  unit(Math.floor(secs / 3600) % 24, 'hour');
  unit(Math.floor(secs / 60) % 60, 'minute');
  unit(secs % 60, 'second');
  return `${secs} seconds (${parts.join(', ')})`;
}

function newSessionTicket(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  hs: Item,
  tls13: boolean,
): void {
  const t = ctx.text('TLS Session Ticket', p, end - p, hs);
  const life = v.u32be(p);
  ctx.add(f.ticketLifetime, p, 4, life, {
    parent: t,
    label: `Session Ticket Lifetime Hint: ${lifetimeText(life)}`,
  });
  let q = p + 4;
  if (tls13) {
    ctx.add(f.ticketAgeAdd, q, 4, v.u32be(q), { parent: t });
    q = prefixed(ctx, v, q + 4, 1, [f.ticketNonceLen, f.ticketNonce], t);
  }
  q = prefixed(ctx, v, q, 2, [f.ticketLen, f.ticket], t);
  if (tls13 && q + 2 <= end) {
    const el = v.u16be(q);
    ctx.add(f.extensionsLen, q, 2, el, { parent: t });
    extensions(ctx, v, q + 2, Math.min(end, q + 2 + el), t, 4, unseen());
  }
}

function certificates(ctx: DissectCtx, v: ByteView, p: number, end: number, hs: Item, tls13: boolean): void {
  if (tls13) {
    const cl = v.u8(p);
    ctx.add(f.certContextLen, p, 1, cl, { parent: hs });
    p += 1 + cl;
  }
  const total = v.u24be(p);
  ctx.add(f.certsLen, p, 3, total, { parent: hs });
  const list = ctx.add(f.certs, p + 3, Math.min(total, end - p - 3), null, {
    parent: hs,
    label: `Certificates (${total} bytes)`,
  });
  const stop = Math.min(end, p + 3 + total);
  for (let q = p + 3; q + 3 <= stop;) {
    const l = v.u24be(q);
    ctx.add(f.certLen, q, 3, l, { parent: list });
    if (q + 3 + l > stop) break;
    const der = v.slice(q + 3, l);
    const cert = ctx.add(f.cert, q + 3, l, der, { parent: list });
    let subject: string | undefined;
    try {
      // Read in every pass: its parts are layers of frame.protocols (x509sat, x509ce, …) as in Wireshark.
      subject = x509Certificate(ctx, q + 3, l, cert);
    } catch (e) {
      // A certificate that is not DER shows as its bytes; the others stand.
      if (!(e instanceof BoundsError)) throw e;
    }
    if (subject !== undefined)
      ctx.setLabel(cert, () => cutLabel(`Certificate: ${hexPreview(der)} (${subject})`));
    q += 3 + l;
    if (tls13 && q + 2 <= stop) {
      const el = v.u16be(q);
      ctx.add(f.extensionsLen, q, 2, el, { parent: list });
      q += 2 + el;
    }
  }
}

/**
 * A CertificateRequest: TLS 1.2 and older list certificate types, signature algorithms (1.2) and the names of
 * the certificate authorities the server accepts; TLS 1.3 a context and extensions.
 */
function certificateRequest(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  hs: Item,
  session: SessionView,
): void {
  if (session.version === 0x0304) {
    const cl = v.u8(p);
    ctx.add(f.certContextLen, p, 1, cl, { parent: hs });
    const q = p + 1 + cl;
    const el = v.u16be(q);
    ctx.add(f.extensionsLen, q, 2, el, { parent: hs });
    extensions(ctx, v, q + 2, Math.min(end, q + 2 + el), hs, 13, unseen());
    return;
  }
  const n = v.u8(p);
  ctx.add(f.certTypesCount, p, 1, n, { parent: hs });
  const types = ctx.add(f.certTypes, p + 1, n, null, {
    parent: hs,
    label: `Certificate types (${count(n, 'type')})`,
  });
  for (let q = p + 1; q < p + 1 + n; q++)
    ctx.add(f.certType, q, 1, v.u8(q), {
      parent: types,
      label: `Certificate type: ${CERT_TYPES[v.u8(q)] ?? 'Unknown'} (${v.u8(q)})`,
    });
  let q = p + 1 + n;
  if ((session.version ?? 0) >= 0x0303) {
    signatureAlgorithms(ctx, v, q, end, hs);
    q += 2 + v.u16be(q);
  }
  const dl = v.u16be(q);
  ctx.add(f.dnamesLen, q, 2, dl, { parent: hs });
  if (dl === 0) return;
  const names = ctx.add(f.dnames, q + 2, Math.min(dl, end - q - 2), null, {
    parent: hs,
    label: `Distinguished Names (${dl} byte${dl === 1 ? '' : 's'})`,
  });
  for (let r = q + 2; r + 2 <= Math.min(end, q + 2 + dl);) {
    const l = v.u16be(r);
    ctx.add(f.dnameLen, r, 2, l, { parent: names });
    if (r + 2 + l > end) break;
    const dn = ctx.add(f.dname, r + 2, l, null, { parent: names });
    const name = rdnItems(ctx, tlv(ctx, r + 2, r + 2 + l), dn);
    ctx.setLabel(dn, () => cutLabel(`Distinguished Name: (${name})`));
    r += 2 + l;
  }
}

/** A CertificateVerify: the signature over the handshake (with its algorithm from TLS 1.2 on). */
function certificateVerify(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  hs: Item,
  session: SessionView,
): void {
  if ((session.version ?? 0) >= 0x0303) {
    signatureAlgorithm(ctx, v, p, hs);
    p += 2;
  }
  const l = v.u16be(p);
  ctx.add(f.verifySigLen, p, 2, l, { parent: hs });
  ctx.add(f.verifySig, p + 2, Math.min(l, end - p - 2), v.slice(p + 2, Math.min(l, end - p - 2)), {
    parent: hs,
  });
}

/** TLS 1.2's digitally-signed struct (TLS 1.0/1.1 have no algorithm): algorithm, length, signature. */
function signature(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  parent: Item,
  withAlgorithm: boolean,
): void {
  if (withAlgorithm) {
    if (p + 2 > end) return;
    signatureAlgorithm(ctx, v, p, parent);
    p += 2;
  }
  if (p + 2 > end) return;
  const l = v.u16be(p);
  ctx.add(f.sigLen, p, 2, l, { parent });
  ctx.add(f.sig, p + 2, Math.min(l, end - p - 2), v.slice(p + 2, Math.min(l, end - p - 2)), { parent });
}

/** A length (1 or 2 bytes) and the bytes it counts: both items under `parent`; returns the offset after them. */
function prefixed(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  size: 1 | 2,
  fields: readonly [FieldDef, FieldDef],
  parent: Item,
): number {
  const l = size === 1 ? v.u8(p) : v.u16be(p);
  ctx.add(fields[0], p, size, l, { parent });
  ctx.add(fields[1], p + size, l, v.slice(p + size, l), { parent });
  return p + size + l;
}

function serverKeyExchange(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  hs: Item,
  session: SessionView,
): void {
  const kx = session.suite === undefined ? undefined : suiteKeyExchange(session.suite);
  const tls12 = (session.version ?? 0) >= 0x0303;
  if (kx === 'ECDHE') {
    const params = ctx.text('EC Diffie-Hellman Server Params', p, end - p, hs);
    ctx.add(f.curveType, p, 1, v.u8(p), { parent: params });
    ctx.add(f.namedCurve, p + 1, 2, v.u16be(p + 1), { parent: params });
    const q = prefixed(ctx, v, p + 3, 1, [f.serverPointLen, f.serverPoint], params);
    signature(ctx, v, q, end, params, tls12);
  } else if (kx === 'DHE') {
    const params = ctx.text('Diffie-Hellman Server Params', p, end - p, hs);
    let q = prefixed(ctx, v, p, 2, [f.pLen, f.p], params);
    q = prefixed(ctx, v, q, 2, [f.gLen, f.g], params);
    q = prefixed(ctx, v, q, 2, [f.ysLen, f.ys], params);
    signature(ctx, v, q, end, params, tls12);
  }
}

function clientKeyExchange(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  hs: Item,
  session: SessionView,
): void {
  const kx = session.suite === undefined ? undefined : suiteKeyExchange(session.suite);
  if (kx === 'ECDHE' || kx === 'ECDH') {
    const params = ctx.text('EC Diffie-Hellman Client Params', p, end - p, hs);
    prefixed(ctx, v, p, 1, [f.clientPointLen, f.clientPoint], params);
  } else if (kx === 'DHE' || kx === 'DH') {
    const params = ctx.text('Diffie-Hellman Client Params', p, end - p, hs);
    prefixed(ctx, v, p, 2, [f.ycLen, f.yc], params);
  } else if (kx === 'RSA' || kx === 'RSA_PSK') {
    const params = ctx.text(
      kx === 'RSA' ? 'RSA Encrypted PreMaster Secret' : 'RSA PSK Client Params',
      p,
      end - p,
      hs,
    );
    if (kx === 'RSA_PSK') p = prefixed(ctx, v, p, 2, [f.identityLen, f.identity], params);
    // SSL 3.0 sends the encrypted secret bare; TLS with its length.
    if (session.version === 0x0300) ctx.add(f.epms, p, end - p, v.slice(p, end - p), { parent: params });
    else {
      const l = v.u16be(p);
      ctx.add(f.epmsLen, p, 2, l, { parent: params });
      ctx.add(f.epms, p + 2, Math.min(l, end - p - 2), v.slice(p + 2, Math.min(l, end - p - 2)), {
        parent: params,
      });
    }
  } else if (kx === 'PSK') {
    const params = ctx.text('PSK Client Params', p, end - p, hs);
    prefixed(ctx, v, p, 2, [f.identityLen, f.identity], params);
  }
}

/** The handshake messages of one record (or of reassembled data): their names and what they told. */
export interface Handshakes {
  names: string[];
  /** What each "Handshake Protocol: …" item says after the colon, in order. */
  items: string[];
  /** The suite a ServerHello chose. */
  suite?: number;
  /** The version a ServerHello negotiates. */
  negotiated?: number;
  /** Where a message the record does not complete starts (with `fragments`). */
  fragmentAt?: number;
}

/**
 * Handshake messages in v[p, end) (a record's body, or CRYPTO data QUIC has put back in order): a "Handshake
 * Protocol" subtree each under `parent`. Returns the messages' names for the Info column and, for a
 * ServerHello, the version it negotiates.
 */
export function handshakeMessages(
  ctx: DissectCtx,
  v: ByteView,
  p: number,
  end: number,
  parent: Item,
  /** Filled with what the hellos tell (early data offered, randoms, suite, ALPN). */
  offered?: HelloSeen,
  /** A message running past `end` is the first fragment of one the next record continues: not parsed. */
  fragments = false,
  /** Whether v[p] is the first message of its record. */
  first = true,
  session: SessionView = {},
): Handshakes {
  const names: string[] = [];
  const items: string[] = [];
  const start = p;
  let negotiated: number | undefined;
  let suite: number | undefined;
  while (p + 4 <= end) {
    const ht = v.u8(p);
    const hl = v.u24be(p + 1);
    if (fragments && p + 4 + hl > end) return { names, items, negotiated, suite, fragmentAt: p };
    // An unknown type is named (as encrypted) only as the first message, as in Wireshark.
    const name = HANDSHAKE[ht] ?? (p === start && first ? 'Encrypted Handshake Message' : undefined);
    if (name !== undefined) names.push(name);
    items.push(name ?? 'Encrypted Handshake Message');
    const hs = handshakeItem(ctx, p, Math.min(4 + hl, end - p), parent, items[items.length - 1]);
    if (HANDSHAKE[ht] === undefined && p === start && first) break;
    ctx.add(f.type, p, 1, ht, { parent: hs });
    ctx.add(f.length, p + 1, 3, hl, { parent: hs });
    const body = p + 4;
    const bend = Math.min(end, body + hl);
    const version = negotiated ?? session.version;
    const view = {
      suite: suite ?? session.suite,
      version: version === undefined ? undefined : sessionVersion(version),
    };
    const tls13 = view.version === 0x0304;
    if ((ht === 1 || ht === 2) && body + 38 <= bend) {
      const chose = hello(ctx, v, body, bend, hs, ht, offered, view);
      if (chose) ({ version: negotiated, suite } = chose);
    } else
      try {
        if (ht === 8 && body + 2 <= bend) {
          const el = v.u16be(body);
          ctx.add(f.extensionsLen, body, 2, el, { parent: hs });
          extensions(ctx, v, body + 2, Math.min(bend, body + 2 + el), hs, 8, unseen(), offered);
        } else if (ht === 4 && hl > 0) newSessionTicket(ctx, v, body, bend, hs, tls13);
        else if (ht === 11 && hl > 0) certificates(ctx, v, body, bend, hs, tls13);
        else if (ht === 12 && hl > 0) serverKeyExchange(ctx, v, body, bend, hs, view);
        else if (ht === 13 && hl > 0) certificateRequest(ctx, v, body, bend, hs, view);
        else if (ht === 15 && hl > 0) certificateVerify(ctx, v, body, bend, hs, view);
        else if (ht === 16 && hl > 0) clientKeyExchange(ctx, v, body, bend, hs, view);
        else if (ht === 20 && hl > 0) ctx.add(f.verifyData, body, bend - body, null, { parent: hs });
      } catch (e) {
        // A message the capture cut short shows what it has; the record's other messages and the columns stand.
        if (!(e instanceof BoundsError)) throw e;
      }
    if (offered?.messages && p + 4 + hl <= end) offered.messages.push(v.slice(p, 4 + hl).slice());
    if (hl === 0 && ht !== 14 && ht !== 0 && ht !== 5) break;
    p += 4 + hl;
  }
  // A header cut by the record's end: a fragment too.
  return fragments && p < end
    ? { names, items, negotiated, suite, fragmentAt: p }
    : { names, items, negotiated, suite };
}

/** A "Handshake Protocol: …" item (a message, a fragment of one, or an encrypted one). */
export function handshakeItem(ctx: DissectCtx, off: number, len: number, parent: Item, what: string): Item {
  return ctx.add(f.handshake, off, len, null, { parent, label: `Handshake Protocol: ${what}` });
}
