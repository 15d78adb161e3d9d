/**
 * LDAP (RFC 4511) over TCP port 389 as Wireshark 4.0 shows it: Info `bindRequest(1) "uid=alice,ou=people,…"
 * simple`, `searchRequest(2) "dc=corp,dc=example" wholeSubtree`, `searchResDone(2) success  [3 results]`,
 * `bindResponse(1) invalidCredentials`; the fields an investigator filters on (ldap.name, ldap.simple,
 * ldap.baseObject, ldap.scope, ldap.resultCode, ldap.objectName, ldap.entry, …). The search filter is shown as
 * bytes only.
 *
 * Beyond tshark: a simple bind's DN and password (sent in the clear) are among the credentials, marked when the
 * server answered invalidCredentials.
 */
import { int, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { children, integer, tlv, utf8Text, type Tlv } from './ber.js';
import type { Desegment } from './l4-tcp.js';

const OPS: Record<number, string> = {
  0: 'bindRequest',
  1: 'bindResponse',
  2: 'unbindRequest',
  3: 'searchRequest',
  4: 'searchResEntry',
  5: 'searchResDone',
  6: 'modifyRequest',
  7: 'modifyResponse',
  8: 'addRequest',
  9: 'addResponse',
  10: 'delRequest',
  11: 'delResponse',
  12: 'modDNRequest',
  13: 'modDNResponse',
  14: 'compareRequest',
  15: 'compareResponse',
  16: 'abandonRequest',
  19: 'searchResRef',
  23: 'extendedReq',
  24: 'extendedResp',
  25: 'intermediateResponse',
};

const RESULTS: Record<number, string> = {
  0: 'success',
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  4: 'sizeLimitExceeded',
  5: 'compareFalse',
  6: 'compareTrue',
  7: 'authMethodNotSupported',
  8: 'strongAuthRequired',
  10: 'referral',
  11: 'adminLimitExceeded',
  12: 'unavailableCriticalExtension',
  13: 'confidentialityRequired',
  14: 'saslBindInProgress',
  16: 'noSuchAttribute',
  17: 'undefinedAttributeType',
  18: 'inappropriateMatching',
  19: 'constraintViolation',
  20: 'attributeOrValueExists',
  21: 'invalidAttributeSyntax',
  32: 'noSuchObject',
  33: 'aliasProblem',
  34: 'invalidDNSyntax',
  36: 'aliasDereferencingProblem',
  48: 'inappropriateAuthentication',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  54: 'loopDetect',
  64: 'namingViolation',
  65: 'objectClassViolation',
  66: 'notAllowedOnNonLeaf',
  67: 'notAllowedOnRDN',
  68: 'entryAlreadyExists',
  69: 'objectClassModsProhibited',
  71: 'affectsMultipleDSAs',
  80: 'other',
  118: 'canceled',
  119: 'noSuchOperation',
  120: 'tooLate',
  121: 'cannotCancel',
};
const SCOPES: Record<number, string> = { 0: 'baseObject', 1: 'singleLevel', 2: 'wholeSubtree' };
const AUTH: Record<number, string> = { 0: 'simple', 1: 'krbv42LDAP', 2: 'krbv42DSA', 3: 'sasl' };

const f = {
  messageID: uint('ldap.messageID', 'messageID', 32),
  protocolOp: uint('ldap.protocolOp', 'protocolOp', 32, { strings: OPS }),
  version: uint('ldap.version', 'version', 32),
  name: str('ldap.name', 'name'),
  simple: str('ldap.simple', 'simple'),
  mechanism: str('ldap.mechanism', 'mechanism'),
  resultCode: uint('ldap.resultCode', 'resultCode', 32, { strings: RESULTS }),
  matchedDN: str('ldap.matchedDN', 'matchedDN'),
  errorMessage: str('ldap.errorMessage', 'errorMessage'),
  baseObject: str('ldap.baseObject', 'baseObject'),
  scope: uint('ldap.scope', 'scope', 32, { strings: SCOPES }),
  derefAliases: uint('ldap.derefAliases', 'derefAliases', 32),
  sizeLimit: uint('ldap.sizeLimit', 'sizeLimit', 32),
  timeLimit: uint('ldap.timeLimit', 'timeLimit', 32),
  objectName: str('ldap.objectName', 'objectName'),
  entry: str('ldap.entry', 'entry'),
  object: str('ldap.object', 'object'),
  delRequest: str('ldap.delRequest', 'delRequest'),
  type: str('ldap.type', 'type'),
  requestName: str('ldap.requestName', 'requestName'),
  abandonRequest: int('ldap.abandonRequest', 'abandonRequest', 32),
};

/** A simple bind the first pass saw: the DN, the password, and whether the server refused it. */
export interface LdapBind {
  frame: number;
  name: string;
  password: string;
  rejected: boolean;
}

interface LdapState {
  binds: LdapBind[];
  /** Per TCP stream and message ID: the bind waiting for its response. */
  pending: Map<string, LdapBind>;
  /** Per TCP stream: search entries since the last searchResDone (Wireshark's count). */
  results: Map<unknown, number>;
}

const ldapState = (ctx: { state: DissectCtx['state'] }) =>
  ctx.state.get<LdapState>('ldap', () => ({ binds: [], pending: new Map(), results: new Map() }));

export function ldapBinds(ctx: { state: DissectCtx['state'] }): LdapBind[] {
  return ldapState(ctx).binds;
}

export const ldap = defineProtocol({
  abbrev: 'ldap',
  name: 'Lightweight Directory Access Protocol',
  registerIn: { 'tcp.port': 389 },
  dissect(ctx) {
    const v = ctx.view;
    const k = ctx.callIndex('ldap.calls');
    // The count of search results on the first pass, kept per frame for the searchResDone's Info.
    const counts = ctx.visited ? (ctx.state.getFrameItem<number[]>('ldap', ctx.frame.number, k) ?? []) : [];
    const seen: number[] = [];
    for (let off = 0, n = 0; off < v.length; n++) {
      // An LDAPMessage is a SEQUENCE: its header says how long it is.
      if (!v.has(off, 2)) return desegment(ctx, off, -1);
      const lenByte = v.u8(off + 1);
      const header = lenByte & 0x80 ? 2 + (lenByte & 0x7f) : 2;
      if (!v.has(off, header)) return desegment(ctx, off, -1);
      let len = lenByte;
      if (lenByte & 0x80) {
        len = 0;
        for (let i = 0; i < (lenByte & 0x7f); i++) len = len * 256 + v.u8(off + 2 + i);
      }
      if (!v.has(off, header + len)) return desegment(ctx, off, header + len);
      // As Wireshark's tcp_dissect_pdus: the columns are LDAP's once a whole message is there (a segment that
      // only starts one keeps TCP's Info, with "[TCP segment of a reassembled PDU]").
      if (n === 0) {
        ctx.columns.protocol = 'LDAP';
        ctx.columns.info = '';
      } else ctx.columns.info += ' | ';
      const msg = tlv(ctx, off, v.length);
      const tree = ctx.text('LDAPMessage', msg.start, msg.end - msg.start);
      const count = message(ctx, msg, tree, counts[n]);
      seen.push(count);
      off = msg.end;
    }
    if (!ctx.visited) ctx.state.setFrameItem('ldap', ctx.frame.number, k, seen);
    return true;
  },
});

function desegment(ctx: DissectCtx, offset: number, need: number): true {
  ctx.pinfo.data.set('tcp.desegment', { offset, need } satisfies Desegment);
  return true;
}

/**
 * One LDAPMessage: messageID and protocolOp, Info as tshark writes it. Returns the search-result count a
 * searchResDone shows (`known` on a later pass: what the first pass counted).
 */
function message(ctx: DissectCtx, msg: Tlv, tree: Item, known: number | undefined): number {
  const [idTlv, op] = children(ctx, msg);
  const id = integer(ctx, idTlv);
  const o = { parent: tree };
  ctx.add(f.messageID, idTlv.value, idTlv.end - idTlv.value, id, o);
  const opName = OPS[op.num] ?? `Unknown (${op.num})`;
  ctx.add(f.protocolOp, op.start, op.end - op.start, op.num, o);
  let info = `${opName}(${id}) `;
  const text = (e: Tlv) => ctx.view.latin1(e.value, e.end - e.value);
  const dn = (e: Tlv | undefined, field: typeof f.name) => {
    if (!e) return;
    const t = utf8Text(ctx, e);
    ctx.add(field, e.value, e.end - e.value, t, o);
    info += `"${t === '' ? '<ROOT>' : t}" `;
    return t;
  };
  const parts = op.constructed ? children(ctx, op) : [];
  const result = () => {
    const [code, matched, error] = parts;
    const c = integer(ctx, code);
    ctx.add(f.resultCode, code.value, code.end - code.value, c, o);
    if (matched) ctx.add(f.matchedDN, matched.value, matched.end - matched.value, text(matched), o);
    if (error) ctx.add(f.errorMessage, error.value, error.end - error.value, text(error), o);
    const message = error ? text(error) : '';
    return `${RESULTS[c] ?? `Unknown result(${c})`} ${message ? `(${message}) ` : ''}`;
  };
  const st = ldapState(ctx);
  const stream = ctx.pinfo.data.get('tcp.stream');
  let count = 0;
  switch (op.num) {
    case 0: {
      const [version, name, auth] = parts;
      ctx.add(f.version, version.value, version.end - version.value, integer(ctx, version), o);
      const who = dn(name, f.name) ?? '';
      if (auth) {
        info += `${AUTH[auth.num] ?? `Unknown auth(${auth.num})`} `;
        if (auth.num === 0) {
          const password = utf8Text(ctx, auth);
          ctx.add(f.simple, auth.value, auth.end - auth.value, password, o);
          if (!ctx.visited && (who !== '' || password !== '')) {
            const bind: LdapBind = { frame: ctx.frame.number, name: who, password, rejected: false };
            st.binds.push(bind);
            st.pending.set(`${String(stream)} ${id}`, bind);
          }
        } else if (auth.num === 3) {
          const mech = children(ctx, auth)[0];
          if (mech) ctx.add(f.mechanism, mech.value, mech.end - mech.value, text(mech), o);
        }
      }
      break;
    }
    case 1: {
      const r = result();
      info += r;
      const bind = st.pending.get(`${String(stream)} ${id}`);
      if (bind && !ctx.visited) {
        bind.rejected = r.startsWith('invalidCredentials');
        st.pending.delete(`${String(stream)} ${id}`);
      }
      break;
    }
    case 3: {
      const [base, scope, deref, size, time] = parts;
      dn(base, f.baseObject);
      const s = integer(ctx, scope);
      ctx.add(f.scope, scope.value, scope.end - scope.value, s, o);
      info += `${SCOPES[s] ?? `Unknown scope(${s})`} `;
      ctx.add(f.derefAliases, deref.value, deref.end - deref.value, integer(ctx, deref), o);
      ctx.add(f.sizeLimit, size.value, size.end - size.value, integer(ctx, size), o);
      ctx.add(f.timeLimit, time.value, time.end - time.value, integer(ctx, time), o);
      break;
    }
    case 4: {
      dn(parts[0], f.objectName);
      if (!ctx.visited) st.results.set(stream, (st.results.get(stream) ?? 0) + 1);
      const attributes = parts[1] ? children(ctx, parts[1]) : [];
      for (const a of attributes) {
        const type = children(ctx, a)[0];
        if (type) ctx.add(f.type, type.value, type.end - type.value, text(type), o);
      }
      break;
    }
    case 5:
      info += result();
      count = known ?? st.results.get(stream) ?? 0;
      if (!ctx.visited) st.results.set(stream, 0);
      info += ` [${count} result${count === 1 ? '' : 's'}]`;
      break;
    case 6:
      dn(parts[0], f.object);
      break;
    case 8:
    case 12:
    case 14:
      dn(parts[0], f.entry);
      break;
    case 10: {
      const t = utf8Text(ctx, op);
      ctx.add(f.delRequest, op.value, op.end - op.value, t, o);
      info += `"${t === '' ? '<ROOT>' : t}" `;
      break;
    }
    case 16:
      ctx.add(f.abandonRequest, op.value, op.end - op.value, integer(ctx, op), o);
      break;
    case 23: {
      const name = parts.find((p) => p.cls === 2 && p.num === 0);
      if (name) {
        const oid = text(name);
        ctx.add(f.requestName, name.value, name.end - name.value, oid, o);
        info += `${oidName(oid)} `;
      }
      break;
    }
    case 24:
      // An extended response's result code shows in the tree, not in Info.
      if (parts[0])
        ctx.add(f.resultCode, parts[0].value, parts[0].end - parts[0].value, integer(ctx, parts[0]), o);
      break;
    case 7:
    case 9:
    case 11:
    case 13:
    case 15:
      info += result();
      break;
    default:
      break;
  }
  ctx.setLabel(tree, `LDAPMessage ${opName}(${id})`);
  ctx.columns.info += info;
  return count;
}

/** An OID as Wireshark names one it has no name for: its first arc by name ("iso.3.6.1.4.1…"). */
function oidName(oid: string): string {
  const arcs = oid.split('.');
  const first = ['itu-t', 'iso', 'joint-iso-itu-t'][Number(arcs[0])];
  return first ? [first, ...arcs.slice(1)].join('.') : oid;
}
