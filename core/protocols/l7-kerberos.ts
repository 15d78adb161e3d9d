/**
 * Kerberos 5 (RFC 4120) as Wireshark 4.0 shows it, on UDP and TCP port 88 ("KRB5"; Info "AS-REQ", "TGS-REP",
 * "KRB Error: KRB5KDC_ERR_PREAUTH_REQUIRED"): who asked for a ticket (kerberos.CNameString, kerberos.crealm),
 * for which service (kerberos.SNameString), with which encryption types (kerberos.etype), and what the KDC
 * refused (kerberos.error_code) — the evidence of a password-guessing run, a user enumeration or a Kerberoasting
 * sweep in an Active Directory capture. The ASN.1 (DER) is read for the fields an investigator uses, not for
 * every element tshark shows.
 *
 * Beyond tshark: what can be cracked offline joins the credentials in hashcat's form — an AS-REP encrypted with
 * RC4 (AS-REP roasting, hashcat -m 18200), a service ticket encrypted with RC4 (Kerberoasting, -m 13100), and an
 * AES pre-authentication timestamp (-m 19800 and 19900).
 */
import { bool, bytes, int, str, uint, type FieldDef } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { BoundsError } from '../bytes/byteview.js';
import { children, contents, integer, members, tlv, type Tlv } from './ber.js';
import type { Desegment } from './l4-tcp.js';

const MSG_TYPES: Record<number, string> = {
  10: 'AS-REQ',
  11: 'AS-REP',
  12: 'TGS-REQ',
  13: 'TGS-REP',
  14: 'AP-REQ',
  15: 'AP-REP',
  20: 'KRB-SAFE',
  21: 'KRB-PRIV',
  22: 'KRB-CRED',
  30: 'KRB-ERROR',
};

const ERRORS = [
  'KDC_ERR_NONE',
  'KDC_ERR_NAME_EXP',
  'KDC_ERR_SERVICE_EXP',
  'KDC_ERR_BAD_PVNO',
  'KDC_ERR_C_OLD_MAST_KVNO',
  'KDC_ERR_S_OLD_MAST_KVNO',
  'KDC_ERR_C_PRINCIPAL_UNKNOWN',
  'KDC_ERR_S_PRINCIPAL_UNKNOWN',
  'KDC_ERR_PRINCIPAL_NOT_UNIQUE',
  'KDC_ERR_NULL_KEY',
  'KDC_ERR_CANNOT_POSTDATE',
  'KDC_ERR_NEVER_VALID',
  'KDC_ERR_POLICY',
  'KDC_ERR_BADOPTION',
  'KDC_ERR_ETYPE_NOSUPP',
  'KDC_ERR_SUMTYPE_NOSUPP',
  'KDC_ERR_PADATA_TYPE_NOSUPP',
  'KDC_ERR_TRTYPE_NOSUPP',
  'KDC_ERR_CLIENT_REVOKED',
  'KDC_ERR_SERVICE_REVOKED',
  'KDC_ERR_TGT_REVOKED',
  'KDC_ERR_CLIENT_NOTYET',
  'KDC_ERR_SERVICE_NOTYET',
  'KDC_ERR_KEY_EXP',
  'KDC_ERR_PREAUTH_FAILED',
  'KDC_ERR_PREAUTH_REQUIRED',
  'KDC_ERR_SERVER_NOMATCH',
  'KDC_ERR_MUST_USE_USER2USER',
  'KDC_ERR_PATH_NOT_ACCEPTED',
  'KDC_ERR_SVC_UNAVAILABLE',
  '',
  'KRB_AP_ERR_BAD_INTEGRITY',
  'KRB_AP_ERR_TKT_EXPIRED',
  'KRB_AP_ERR_TKT_NYV',
  'KRB_AP_ERR_REPEAT',
  'KRB_AP_ERR_NOT_US',
  'KRB_AP_ERR_BADMATCH',
  'KRB_AP_ERR_SKEW',
  'KRB_AP_ERR_BADADDR',
  'KRB_AP_ERR_BADVERSION',
  'KRB_AP_ERR_MSG_TYPE',
  'KRB_AP_ERR_MODIFIED',
  'KRB_AP_ERR_BADORDER',
  'KRB_AP_ERR_ILL_CR_TKT',
  'KRB_AP_ERR_BADKEYVER',
  'KRB_AP_ERR_NOKEY',
  'KRB_AP_ERR_MUT_FAIL',
  'KRB_AP_ERR_BADDIRECTION',
  'KRB_AP_ERR_METHOD',
  'KRB_AP_ERR_BADSEQ',
  'KRB_AP_ERR_INAPP_CKSUM',
  'KRB_AP_PATH_NOT_ACCEPTED',
  'KRB_ERR_RESPONSE_TOO_BIG',
  '',
  '',
  '',
  '',
  '',
  '',
  '',
  'KRB_ERR_GENERIC',
  'KRB_ERR_FIELD_TOOLONG',
  'KDC_ERR_CLIENT_NOT_TRUSTED',
  'KDC_ERR_KDC_NOT_TRUSTED',
  'KDC_ERR_INVALID_SIG',
  'KDC_ERR_KEY_TOO_WEAK',
  'KDC_ERR_CERTIFICATE_MISMATCH',
  'KRB_AP_ERR_NO_TGT',
  'KDC_ERR_WRONG_REALM',
  'KRB_AP_ERR_USER_TO_USER_REQUIRED',
  'KDC_ERR_CANT_VERIFY_CERTIFICATE',
  'KDC_ERR_INVALID_CERTIFICATE',
  'KDC_ERR_REVOKED_CERTIFICATE',
  'KDC_ERR_REVOCATION_STATUS_UNKNOWN',
  'KDC_ERR_REVOCATION_STATUS_UNAVAILABLE',
  'KDC_ERR_CLIENT_NAME_MISMATCH',
  'KDC_ERR_KDC_NAME_MISMATCH',
];
const ERROR_NAMES: Record<number, string> = Object.fromEntries(
  ERRORS.flatMap((e, i) => (e ? [[i, `KRB5${e}`]] : [])),
);

const f = {
  rmReserved: bool('kerberos.rm.reserved', 'Reserved'),
  rmLength: uint('kerberos.rm.length', 'Record Length', 32),
  pvno: uint('kerberos.pvno', 'pvno', 32),
  msgType: int('kerberos.msg_type', 'msg-type', 32, { strings: MSG_TYPES }),
  padataType: int('kerberos.padata_type', 'padata-type', 32),
  padataValue: bytes('kerberos.padata_value', 'padata-value'),
  nameType: int('kerberos.name_type', 'name-type', 32),
  cname: str('kerberos.CNameString', 'CNameString'),
  sname: str('kerberos.SNameString', 'SNameString'),
  realm: str('kerberos.realm', 'realm'),
  crealm: str('kerberos.crealm', 'crealm'),
  etype: int('kerberos.etype', 'etype', 32),
  kvno: uint('kerberos.kvno', 'kvno', 32),
  cipher: bytes('kerberos.cipher', 'cipher'),
  tktVno: uint('kerberos.tkt_vno', 'tkt-vno', 32),
  nonce: uint('kerberos.nonce', 'nonce', 32),
  errorCode: int('kerberos.error_code', 'error-code', 32, { strings: ERROR_NAMES }),
  eText: str('kerberos.e_text', 'e-text'),
  eData: bytes('kerberos.e_data', 'e-data'),
};

const text = (ctx: DissectCtx, e: Tlv) => ctx.view.latin1(e.value, e.end - e.value);

/** What the first pass finds to crack offline: the message, who, and the hash in hashcat's form. */
export interface KerberosHash {
  frame: number;
  user: string;
  /** e.g. "AS-REP (RC4): hashcat -m 18200". */
  what: string;
  hash: string;
  /** A pre-authentication the KDC answered with KRB5KDC_ERR_PREAUTH_FAILED: a wrong password's. */
  rejected?: boolean;
}

interface HashState {
  hashes: KerberosHash[];
  /** Per user: the last pre-authentication, until the KDC answers it. */
  pending: Map<string, KerberosHash>;
}

const hashState = (ctx: { state: DissectCtx['state'] }) =>
  ctx.state.get<HashState>('kerberos.hashes', () => ({ hashes: [], pending: new Map() }));

export function kerberosHashes(ctx: { state: DissectCtx['state'] }): KerberosHash[] {
  return hashState(ctx).hashes;
}

/** What one message says (filled as it is read, for the hashes). */
interface Message {
  cname?: string;
  crealm?: string;
  realm?: string;
  /** The ticket's service and realm, and its encrypted part. */
  ticket?: { sname: string; realm: string; etype: number; cipher: Uint8Array };
  encPart?: { etype: number; cipher: Uint8Array };
  timestamp?: { etype: number; cipher: Uint8Array };
  error?: number;
}

export const kerberos = defineProtocol({
  abbrev: 'kerberos',
  name: 'Kerberos',
  registerIn: { 'udp.port': 88, 'tcp.port': 88 },
  dissect(ctx) {
    const v = ctx.view;
    ctx.columns.protocol = 'KRB5';
    let off = 0;
    if (ctx.pinfo.ptype === 'tcp') {
      // The record mark: a reserved bit and the message's length.
      if (!v.has(0, 4)) return desegment(ctx, 0, -1);
      const mark = v.u32be(0);
      const len = mark & 0x7fffffff;
      if (!v.has(4, len)) return desegment(ctx, 0, 4 + len);
      const rm = ctx.text(`Record Mark: ${len} bytes`, 0, 4);
      ctx.add(f.rmReserved, 0, 4, (mark & 0x80000000) !== 0, { parent: rm });
      ctx.add(f.rmLength, 0, 4, len, { parent: rm });
      off = 4;
    }
    const top = tlv(ctx, off, v.length);
    const m: Message = {};
    message(ctx, top, ctx.top, m, true);
    if (!ctx.visited) keepHashes(ctx, top.num, m);
    return true;
  },
});

function desegment(ctx: DissectCtx, offset: number, need: number): true {
  ctx.pinfo.data.set('tcp.desegment', { offset, need } satisfies Desegment);
  return true;
}

/** A message ([APPLICATION n] SEQUENCE): its members by type; `info` when it is the frame's message. */
function message(ctx: DissectCtx, top: Tlv, parent: Item, m: Message, info: boolean): void {
  const name = MSG_TYPES[top.num] ?? `Unknown (${top.num})`;
  const tree = ctx.text(name.toLowerCase(), top.start, top.end - top.start, parent);
  const seq = tlv(ctx, top.value, top.end);
  const g = members(ctx, seq);
  const u = (n: number, field: FieldDef) => {
    const e = g.get(n);
    if (e) ctx.add(field, e.value, e.end - e.value, integer(ctx, e), { parent: tree });
    return e ? integer(ctx, e) : undefined;
  };
  if (top.num === 10 || top.num === 12) {
    u(1, f.pvno);
    u(2, f.msgType);
    padata(ctx, g.get(3), tree, m);
    const body = g.get(4);
    if (body) {
      const b = members(ctx, body);
      principal(ctx, b.get(1), f.cname, tree, (s) => (m.cname = s));
      realm(ctx, b.get(2), f.realm, tree, (s) => (m.realm = s));
      principal(ctx, b.get(3), f.sname, tree);
      const nonce = b.get(7);
      if (nonce)
        ctx.add(f.nonce, nonce.value, nonce.end - nonce.value, integer(ctx, nonce) >>> 0, { parent: tree });
    }
  } else if (top.num === 11 || top.num === 13) {
    u(0, f.pvno);
    u(1, f.msgType);
    padata(ctx, g.get(2), tree, m);
    realm(ctx, g.get(3), f.crealm, tree, (s) => (m.crealm = s));
    principal(ctx, g.get(4), f.cname, tree, (s) => (m.cname = s));
    ticket(ctx, g.get(5), tree, m);
    const enc = encryptedData(ctx, g.get(6), tree);
    if (enc) m.encPart = enc;
  } else if (top.num === 14) {
    u(0, f.pvno);
    u(1, f.msgType);
    ticket(ctx, g.get(3), tree, {});
    encryptedData(ctx, g.get(4), tree);
  } else if (top.num === 30) {
    u(0, f.pvno);
    u(1, f.msgType);
    const code = u(6, f.errorCode);
    m.error = code;
    realm(ctx, g.get(7), f.crealm, tree, (s) => (m.crealm = s));
    principal(ctx, g.get(8), f.cname, tree, (s) => (m.cname = s));
    realm(ctx, g.get(9), f.realm, tree);
    principal(ctx, g.get(10), f.sname, tree);
    const e = g.get(11);
    if (e) ctx.add(f.eText, e.value, e.end - e.value, text(ctx, e), { parent: tree });
    const data = g.get(12);
    if (data) {
      ctx.add(f.eData, data.value, data.end - data.value, contents(ctx, data), {
        parent: tree,
      });
      // Usually METHOD-DATA: the pre-authentication the KDC wants (with the salts and types of the user's keys).
      try {
        const inner = tlv(ctx, data.value, data.end);
        if (inner.num === 16 && inner.constructed) padataList(ctx, inner, tree, {});
      } catch (err) {
        if (!(err instanceof BoundsError)) throw err;
      }
    }
    if (info) ctx.columns.info = `KRB Error: ${ERROR_NAMES[code ?? -1] ?? `Unknown (${code})`}`;
    return;
  }
  if (info) ctx.columns.info = name;
}

/** A PrincipalName: its name-type and each of its name-strings (CNameString or SNameString). */
function principal(
  ctx: DissectCtx,
  e: Tlv | undefined,
  field: FieldDef,
  parent: Item,
  seen?: (s: string) => void,
): string | undefined {
  if (!e) return undefined;
  const g = members(ctx, e);
  const type = g.get(0);
  if (type) ctx.add(f.nameType, type.value, type.end - type.value, integer(ctx, type), { parent });
  const names = g.get(1);
  const parts = names
    ? children(ctx, names).map((s) => {
        const t = text(ctx, s);
        ctx.add(field, s.value, s.end - s.value, t, { parent });
        return t;
      })
    : [];
  const joined = parts.join('/');
  seen?.(joined);
  return joined;
}

function realm(
  ctx: DissectCtx,
  e: Tlv | undefined,
  field: FieldDef,
  parent: Item,
  seen?: (s: string) => void,
): void {
  if (!e) return;
  const t = text(ctx, e);
  ctx.add(field, e.value, e.end - e.value, t, { parent });
  seen?.(t);
}

/** A Ticket ([APPLICATION 1] SEQUENCE): its version, realm, service and encrypted part. */
function ticket(ctx: DissectCtx, e: Tlv | undefined, parent: Item, m: Message): void {
  if (!e) return;
  const g = members(ctx, tlv(ctx, e.value, e.end));
  const vno = g.get(0);
  if (vno) ctx.add(f.tktVno, vno.value, vno.end - vno.value, integer(ctx, vno), { parent });
  let r = '';
  realm(ctx, g.get(1), f.realm, parent, (s) => (r = s));
  const sname = principal(ctx, g.get(2), f.sname, parent) ?? '';
  const enc = encryptedData(ctx, g.get(3), parent);
  if (enc) m.ticket = { sname, realm: r, ...enc };
}

/** An EncryptedData: etype, kvno and the cipher text. */
function encryptedData(
  ctx: DissectCtx,
  e: Tlv | undefined,
  parent: Item,
): { etype: number; cipher: Uint8Array } | undefined {
  if (!e) return undefined;
  const g = members(ctx, e);
  const t = g.get(0);
  const etype = t ? integer(ctx, t) : 0;
  if (t) ctx.add(f.etype, t.value, t.end - t.value, etype, { parent });
  const kvno = g.get(1);
  if (kvno) ctx.add(f.kvno, kvno.value, kvno.end - kvno.value, integer(ctx, kvno) >>> 0, { parent });
  const c = g.get(2);
  if (!c) return undefined;
  const cipher = contents(ctx, c);
  ctx.add(f.cipher, c.value, c.end - c.value, cipher, { parent });
  return { etype, cipher };
}

/** The padata member ([n] SEQUENCE OF PA-DATA). */
function padata(ctx: DissectCtx, e: Tlv | undefined, parent: Item, m: Message): void {
  if (e) padataList(ctx, e, parent, m);
}

/** Each PA-DATA: its type and value, and inside it what tshark reads there (a TGS-REQ's AP-REQ, etypes). */
function padataList(ctx: DissectCtx, list: Tlv, parent: Item, m: Message): void {
  for (const pa of children(ctx, list)) {
    const g = members(ctx, pa);
    const t = g.get(1);
    const type = t ? integer(ctx, t) : -1;
    if (t) ctx.add(f.padataType, t.value, t.end - t.value, type, { parent });
    const val = g.get(2);
    if (!val) continue;
    ctx.add(f.padataValue, val.value, val.end - val.value, contents(ctx, val), {
      parent,
    });
    // Only these values are DER (a freshness token or a FAST cookie is opaque).
    if (val.end <= val.value || ![1, 2, 11, 19, 136].includes(type)) continue;
    const inner = tlv(ctx, val.value, val.end);
    if (type === 1 && inner.cls === 1) message(ctx, inner, parent, {}, false);
    else if (type === 2) {
      // PA-ENC-TIMESTAMP: the client's clock, encrypted with its key (the password's).
      const enc = encryptedData(ctx, inner, parent);
      if (enc) m.timestamp = enc;
    } else if (type === 11 || type === 19)
      // PA-ETYPE-INFO(2): the user's key types (and salts).
      for (const entry of children(ctx, inner)) {
        const et = members(ctx, entry).get(0);
        if (et) ctx.add(f.etype, et.value, et.end - et.value, integer(ctx, et), { parent });
      }
    else if (type === 136 && inner.cls === 2) {
      // PA-FX-FAST: the armored request ([2] of its SEQUENCE) or reply ([0]) is EncryptedData.
      const fast = members(ctx, tlv(ctx, inner.value, inner.end));
      encryptedData(ctx, fast.get(2) ?? fast.get(0), parent);
    }
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** First pass: an RC4 AS-REP or service ticket, or an AES pre-authentication timestamp, to crack offline. */
function keepHashes(ctx: DissectCtx, type: number, m: Message): void {
  const frame = ctx.frame.number;
  const st = hashState(ctx);
  const out = st.hashes;
  const who = `${m.cname ?? ''}@${m.crealm ?? ''}`;
  // The KDC's answer to a pre-authentication: refused (a wrong password), or a ticket.
  const pending = st.pending.get(who);
  if (pending && (type === 11 || type === 30)) {
    if (m.error === 24) pending.rejected = true;
    st.pending.delete(who);
  }
  if (type === 11 && m.encPart?.etype === 23 && m.cname) {
    const c = m.encPart.cipher;
    out.push({
      frame,
      user: `${m.cname}@${m.crealm ?? ''}`,
      what: 'AS-REP (RC4), crackable offline: hashcat -m 18200',
      hash: `$krb5asrep$23$${m.cname}@${m.crealm ?? ''}:${hex(c.subarray(0, 16))}$${hex(c.subarray(16))}`,
    });
  }
  if (type === 13 && m.ticket?.etype === 23) {
    const t = m.ticket;
    const c = t.cipher;
    out.push({
      frame,
      user: `${m.cname ?? ''}@${m.crealm ?? ''}`,
      what: `service ticket for ${t.sname} (RC4), Kerberoastable: hashcat -m 13100`,
      hash: `$krb5tgs$23$*${m.cname ?? ''}$${t.realm}$${t.sname}*$${hex(c.subarray(0, 16))}$${hex(c.subarray(16))}`,
    });
  }
  const ts = m.timestamp;
  if (type === 10 && ts && (ts.etype === 17 || ts.etype === 18) && m.cname) {
    const h: KerberosHash = {
      frame,
      user: `${m.cname}@${m.realm ?? ''}`,
      what: `pre-authentication (AES${ts.etype === 17 ? 128 : 256}): hashcat -m ${ts.etype === 17 ? 19800 : 19900}`,
      hash: `$krb5pa$${ts.etype}$${m.cname}$${m.realm ?? ''}$${hex(ts.cipher)}`,
    };
    out.push(h);
    st.pending.set(h.user, h);
  }
}
