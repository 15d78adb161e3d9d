/**
 * SNMP (RFC 1157, 3416, 3412/3414) on UDP 161 and 162 as Wireshark 4.0 shows it: SNMPv1 and v2c messages with
 * their community and PDU (Info "get-request 1.3.6.1.2.1.1.1.0", "get-response …", "trap …"), every variable
 * binding with its name and typed value, responses paired with their requests ([Response To], [Time]); SNMPv3
 * messages with their global data, the user-based security parameters (engine ID, boots, time, user name) and
 * the scoped PDU, or "encryptedPDU: privKey Unknown" when it is encrypted.
 *
 * Beyond tshark: a community string is a password sent in the clear, and an authenticated SNMPv3 message
 * (HMAC-MD5-96, HMAC-SHA1-96, or RFC 7860's SHA-2 HMACs) can be tried against a password list offline. Both are
 * kept on the first pass for the credentials list (`snmpLogins`): each community once per manager and agent,
 * noting whether the agent ever answered it; each authenticated SNMPv3 user with the message in hashcat's form
 * (-m 25000, 26700, 26800, 26900, 27300 by the HMAC's length), marked when the agent refused its digest.
 */
import {
  bool,
  bytes,
  frameNum,
  int,
  ipv4 as ipv4Field,
  none,
  relTime,
  setBit,
  str,
  uint,
} from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { formatAbsTime, timeDiff } from '../fields/format.js';
import { children, childrenAtLeast, contents, integer, oidText, tlv, utf8Text, type Tlv } from './ber.js';
import { BoundsError, latin1, toHex } from '../bytes/byteview.js';

const PDUS = [
  'get-request',
  'get-next-request',
  'get-response',
  'set-request',
  'trap',
  'getBulkRequest',
  'informRequest',
  'snmpV2-trap',
  'report',
];
const PDU_FIELD_NAMES = [
  'get_request',
  'get_next_request',
  'get_response',
  'set_request',
  'trap',
  'getBulkRequest',
  'informRequest',
  'snmpV2_trap',
  'report',
];
const pduStrings = Object.fromEntries(PDUS.map((n, i) => [i, n]));

const ERRORS = [
  'noError',
  'tooBig',
  'noSuchName',
  'badValue',
  'readOnly',
  'genErr',
  'noAccess',
  'wrongType',
  'wrongLength',
  'wrongEncoding',
  'wrongValue',
  'noCreation',
  'inconsistentValue',
  'resourceUnavailable',
  'commitFailed',
  'undoFailed',
  'authorizationError',
  'notWritable',
  'inconsistentName',
];

const GENERIC_TRAPS = [
  'coldStart',
  'warmStart',
  'linkDown',
  'linkUp',
  'authenticationFailure',
  'egpNeighborLoss',
  'enterpriseSpecific',
];

const ENGINE_FORMATS: Record<number, string> = {
  1: 'IPv4 address',
  2: 'IPv6 address',
  3: 'MAC address',
  4: 'Text, administratively assigned',
  5: 'Octets, administratively assigned',
  6: 'Local engine',
};

const VERSIONS = { 0: 'version-1', 1: 'v2c', 2: 'v2u', 3: 'snmpv3' };

/** Private enterprise numbers of the engine IDs Wirelens names (IANA's registry, as Wireshark names them). */
const ENTERPRISES: Record<number, string> = { 8072: 'net-snmp' };

const f = {
  version: uint('snmp.version', 'version', 32, { strings: VERSIONS }),
  community: str('snmp.community', 'community'),
  data: uint('snmp.data', 'data', 32, { strings: pduStrings }),
  elements: PDU_FIELD_NAMES.map((n, i) => none(`snmp.${n}_element`, PDUS[i])),
  requestId: int('snmp.request_id', 'request-id', 32),
  errorStatus: uint('snmp.error_status', 'error-status', 32, {
    strings: Object.fromEntries(ERRORS.entries()),
  }),
  errorIndex: uint('snmp.error_index', 'error-index', 32),
  nonRepeaters: uint('snmp.non_repeaters', 'non-repeaters', 32),
  maxRepetitions: uint('snmp.max_repetitions', 'max-repetitions', 32),
  enterprise: str('snmp.enterprise', 'enterprise'),
  agentAddr: ipv4Field('snmp.agent_addr', 'agent-addr'),
  genericTrap: uint('snmp.generic_trap', 'generic-trap', 32, {
    strings: Object.fromEntries(GENERIC_TRAPS.entries()),
  }),
  specificTrap: int('snmp.specific_trap', 'specific-trap', 32),
  timeStamp: uint('snmp.time_stamp', 'time-stamp', 32),
  varbinds: uint('snmp.variable_bindings', 'variable-bindings', 32),
  name: str('snmp.name', 'Object Name'),
  varBindStr: str('snmp.var-bind_str', 'Variable-binding-string'),
  valueInt: int('snmp.value.int', 'Value (Integer32)', 64),
  valueOctets: bytes('snmp.value.octets', 'Value (OctetString)'),
  valueOid: str('snmp.value.oid', 'Value (OID)'),
  valueNull: none('snmp.value.null', 'Value (Null)'),
  valueIpv4: ipv4Field('snmp.value.ipv4', 'Value (IpAddress)'),
  valueCounter: uint('snmp.value.counter', 'Value (Counter32)', 64),
  valueGauge: int('snmp.value.g32', 'Value (Gauge32)', 64),
  valueTimeticks: uint('snmp.value.timeticks', 'Value (Timeticks)', 64),
  valueOpaque: bytes('snmp.value.opaque', 'Value (Opaque)'),
  valueUnknown: bytes('snmp.value.unk', 'Value (Unknown)'),
  noSuchObject: none('snmp.noSuchObject', 'noSuchObject'),
  noSuchInstance: none('snmp.noSuchInstance', 'noSuchInstance'),
  endOfMibView: none('snmp.endOfMibView', 'endOfMibView'),
  responseTo: frameNum('snmp.response_to', 'Response To'),
  time: relTime('snmp.time', 'Time'),
  // SNMPv3
  msgVersion: uint('snmp.msgVersion', 'msgVersion', 32, { strings: VERSIONS }),
  globalData: none('snmp.msgGlobalData_element', 'msgGlobalData'),
  msgId: uint('snmp.msgID', 'msgID', 32),
  msgMaxSize: uint('snmp.msgMaxSize', 'msgMaxSize', 32),
  msgFlags: bytes('snmp.msgFlags', 'msgFlags'),
  flagReport: bool('snmp.v3.flags.report', 'Reportable', setBit(8, 0x04)),
  flagCrypt: bool('snmp.v3.flags.crypt', 'Encrypted', setBit(8, 0x02)),
  flagAuth: bool('snmp.v3.flags.auth', 'Authenticated', setBit(8, 0x01)),
  securityModel: uint('snmp.msgSecurityModel', 'msgSecurityModel', 32, {
    strings: { 0: 'Any', 1: 'SNMPv1', 2: 'SNMPv2c', 3: 'USM' },
  }),
  engineId: bytes('snmp.msgAuthoritativeEngineID', 'msgAuthoritativeEngineID'),
  engineBoots: uint('snmp.msgAuthoritativeEngineBoots', 'msgAuthoritativeEngineBoots', 32),
  engineTime: uint('snmp.msgAuthoritativeEngineTime', 'msgAuthoritativeEngineTime', 32),
  userName: str('snmp.msgUserName', 'msgUserName'),
  authParams: bytes('snmp.msgAuthenticationParameters', 'msgAuthenticationParameters'),
  privParams: bytes('snmp.msgPrivacyParameters', 'msgPrivacyParameters'),
  msgData: uint('snmp.msgData', 'msgData', 32, { strings: { 0: 'plaintext', 1: 'encryptedPDU' } }),
  plaintext: none('snmp.plaintext_element', 'plaintext'),
  encryptedPdu: bytes('snmp.encryptedPDU', 'encryptedPDU'),
  contextEngineId: bytes('snmp.contextEngineID', 'contextEngineID'),
  contextName: str('snmp.contextName', 'contextName'),
  engineConform: bool('snmp.engineid.conform', 'Engine ID Conformance', { bits: 8, bitmask: 0x80 }),
  engineEnterprise: uint('snmp.engineid.enterprise', 'Engine Enterprise ID', 32),
  engineFormat: uint('snmp.engineid.format', 'Engine ID Format', 8),
  engineData: bytes('snmp.engineid.data', 'Engine ID Data'),
  engineCreated: str('snmp.engineid.time', 'Engine ID Data: Creation Time'),
};

/** What the first pass keeps for the credentials list. */
export interface SnmpLogin {
  frame: number;
  /** The community (v1, v2c) or the SNMPv3 user name. */
  user: string;
  version: 'v1' | 'v2c' | 'v3';
  /** v1/v2c: whether the agent ever answered a request with this community (a wrong one goes unanswered). */
  answered?: boolean;
  /** v1/v2c: the community came with a trap (to a manager), not a request. */
  trap?: boolean;
  /** v3, authenticated: the message, engine ID and HMAC in hashcat's form, the HMAC's name and hashcat's mode. */
  hash?: string;
  auth?: string;
  mode?: number;
  /** v3: the agent refused the HMAC (a report of usmStatsWrongDigests): a wrong password. */
  rejected?: boolean;
}

/**
 * The USM authentication protocols by the length of their HMAC (RFC 3414, RFC 7860), with the hash type
 * hashcat's $SNMPv3$ format gives each and its mode: MD5-96 and SHA1-96 share a length (type 0 tries both).
 */
const USM_AUTH: Record<number, { name: string; type: number; mode: number }> = {
  12: { name: 'HMAC-MD5-96 or HMAC-SHA1-96', type: 0, mode: 25000 },
  16: { name: 'HMAC-SHA224-128', type: 3, mode: 26700 },
  24: { name: 'HMAC-SHA256-192', type: 4, mode: 26800 },
  32: { name: 'HMAC-SHA384-256', type: 5, mode: 26900 },
  48: { name: 'HMAC-SHA512-384', type: 6, mode: 27300 },
};

/** usmStatsWrongDigests.0: the agent's report on a message whose HMAC did not verify. */
const WRONG_DIGESTS = '1.3.6.1.6.3.15.1.1.5.0';

interface SnmpState {
  logins: SnmpLogin[];
  /**
   * The first message with each community, per manager and agent (key: community, addresses), and with each
   * SNMPv3 user per engine.
   */
  communities: Map<string, SnmpLogin>;
  /** Requests waiting for their response, by addresses, ports and request-id. */
  pending: Map<string, { frame: number; s: number; ns: number }>;
  /** SNMPv3 logins waiting for the agent's answer, by addresses, ports and msgID (see loginKey). */
  v3Pending: Map<string, { login: SnmpLogin; key: string }>;
}

const snmpState = (ctx: { state: DissectCtx['state'] }) =>
  ctx.state.get<SnmpState>('snmp', () => ({
    logins: [],
    communities: new Map(),
    pending: new Map(),
    v3Pending: new Map(),
  }));

/** A message's msgID with its manager's and agent's addresses and ports (`fromAgent`: the answer's side). */
function loginKey(ctx: DissectCtx, msgId: number, fromAgent: boolean): string {
  const p = ctx.pinfo;
  const here = `${p.netSrc} ${p.srcPort}`;
  const there = `${p.netDst} ${p.dstPort}`;
  return `${msgId} ${fromAgent ? `${there} ${here}` : `${here} ${there}`}`;
}

export function snmpLogins(ctx: { state: DissectCtx['state'] }): SnmpLogin[] {
  return snmpState(ctx).logins;
}

/** An OID as Wireshark resolves it without MIBs: its first arc named ("iso.3.6.1.2.1.1.1.0"). */
function oidResolved(oid: string): string {
  const [first, ...rest] = oid.split('.');
  const name = ({ 0: 'itu-t', 1: 'iso', 2: 'joint-iso-itu-t' } as Record<string, string>)[first] ?? first;
  return [name, ...rest].join('.');
}

const isPrintable = (b: Uint8Array) => b.every((c) => c >= 0x20 && c < 0x7f);

/** OIDs whose string value Wireshark also shows as text (sysDescr.0, sysName.0). */
const STRING_OIDS = new Set(['1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.1.5.0']);

export const snmp = defineProtocol({
  abbrev: 'snmp',
  name: 'Simple Network Management Protocol',
  registerIn: { 'udp.port': [161, 162] },
  dissect(ctx) {
    ctx.columns.protocol = 'SNMP';
    const v = ctx.view;
    const msg = tlv(ctx, 0, v.length);
    ctx.setLength(ctx.top, msg.end);
    const [verTlv, ...rest] = childrenAtLeast(ctx, msg, 3);
    const version = integer(ctx, verTlv);
    if (version === 3) return void v3(ctx, msg, verTlv, rest);
    ctx.add(f.version, verTlv.value, verTlv.end - verTlv.value, version);
    const [comm, pdu] = rest;
    const community = utf8Text(ctx, comm);
    ctx.add(f.community, comm.value, comm.end - comm.value, community);
    const { requestId } = pduTree(ctx, pdu, ctx.top);
    if (!ctx.visited) noteCommunity(ctx, community, version === 0 ? 'v1' : 'v2c', pdu.num);
    pair(ctx, pdu.num, requestId, pdu.start);
  },
});

/** The PDU (its [n] tag says which) under `parent`: the data item, its element and what it holds. */
function pduTree(ctx: DissectCtx, pdu: Tlv, parent: Item): { requestId?: number; names?: string[] } {
  const name = PDUS[pdu.num] ?? `Unknown (${pdu.num})`;
  ctx.columns.info = name;
  const dataItem = ctx.add(f.data, pdu.start, pdu.end - pdu.start, pdu.num, { parent });
  const element = f.elements[pdu.num];
  if (!element) return {};
  const el = ctx.add(element, pdu.value, pdu.end - pdu.value, null, { parent: dataItem });
  const parts = childrenAtLeast(ctx, pdu, pdu.num === 4 ? 6 : 4);
  const o = { parent: el };
  const num = (e: Tlv) => integer(ctx, e);
  if (pdu.num === 4) {
    // SNMPv1 Trap-PDU: enterprise, agent-addr, generic-trap, specific-trap, time-stamp, variable-bindings.
    const [ent, addr, generic, specific, stamp, vbs] = parts;
    const oid = oidText(contents(ctx, ent));
    ctx.add(f.enterprise, ent.value, ent.end - ent.value, oid, {
      ...o,
      label: () => `enterprise: ${oid} (${oidResolved(oid)})`,
    });
    ctx.columns.info += ` ${oidResolved(oid)}`;
    const a = addr.value;
    ctx.add(f.agentAddr, a, 4, ctx.view.u32be(a), o);
    ctx.add(f.genericTrap, generic.value, generic.end - generic.value, num(generic), o);
    ctx.add(f.specificTrap, specific.value, specific.end - specific.value, num(specific), o);
    ctx.add(f.timeStamp, stamp.value, stamp.end - stamp.value, num(stamp) >>> 0, o);
    varbinds(ctx, vbs, el);
    return {};
  }
  const [id, a, b, vbs] = parts;
  const requestId = num(id);
  ctx.add(f.requestId, id.value, id.end - id.value, requestId, o);
  if (pdu.num === 5) {
    ctx.add(f.nonRepeaters, a.value, a.end - a.value, num(a), o);
    ctx.add(f.maxRepetitions, b.value, b.end - b.value, num(b), o);
  } else {
    ctx.add(f.errorStatus, a.value, a.end - a.value, num(a), o);
    ctx.add(f.errorIndex, b.value, b.end - b.value, num(b), o);
  }
  return { requestId, names: varbinds(ctx, vbs, el) };
}

/** The variable bindings' items; returns their names. */
function varbinds(ctx: DissectCtx, list: Tlv, parent: Item): string[] {
  const vbs = children(ctx, list);
  const listItem = ctx.add(f.varbinds, list.start, list.end - list.start, vbs.length, {
    parent,
    label: `variable-bindings: ${vbs.length} item${vbs.length === 1 ? '' : 's'}`,
  });
  const names: string[] = [];
  for (const vb of vbs) {
    const [nameTlv, value] = childrenAtLeast(ctx, vb, 2);
    const oid = oidText(contents(ctx, nameTlv));
    names.push(oid);
    ctx.columns.info += ` ${oid}`;
    const { text, add } = valueOf(ctx, oid, value);
    const item = ctx.text(`${oid}: ${text}`, vb.value, vb.end - vb.value, listItem);
    ctx.add(f.name, nameTlv.value, nameTlv.end - nameTlv.value, oid, {
      parent: item,
      label: () => `Object Name: ${oid} (${oidResolved(oid)})`,
    });
    add(item);
  }
  return names;
}

/** A variable binding's value: its text (the binding's line) and how to add its items. */
function valueOf(ctx: DissectCtx, oid: string, e: Tlv): { text: string; add: (parent: Item) => void } {
  const v = ctx.view;
  const len = e.end - e.value;
  const raw = v.slice(e.value, len);
  const plain = (field: typeof f.valueInt, value: number | string, type: string) => ({
    text: String(value),
    add: (parent: Item) =>
      void ctx.add(field, e.value, len, value, { parent, label: () => `Value (${type}): ${value}` }),
  });
  const unsigned = () => {
    let n = 0;
    for (const byte of raw) n = n * 256 + byte;
    return n;
  };
  if (e.cls === 0 && e.num === 5)
    return {
      text: 'Value (Null)',
      add: (parent) => void ctx.add(f.valueNull, e.value, len, null, { parent }),
    };
  if (e.cls === 0 && e.num === 2) return plain(f.valueInt, integer(ctx, e), 'Integer32');
  if (e.cls === 0 && e.num === 4) {
    const shown = isPrintable(raw) ? `"${latin1(raw)}"` : toHex(raw);
    return {
      text: shown,
      add: (parent) => {
        const it = ctx.add(f.valueOctets, e.value, len, raw, {
          parent,
          label: () => `Value (OctetString): ${shown}`,
        });
        if (STRING_OIDS.has(oid)) ctx.add(f.varBindStr, e.value, len, latin1(raw), { parent: it });
      },
    };
  }
  if (e.cls === 0 && e.num === 6) {
    const o = oidText(raw);
    const shown = `${o} (${oidResolved(o)})`;
    return {
      text: shown,
      add: (parent) =>
        void ctx.add(f.valueOid, e.value, len, o, { parent, label: () => `Value (OID): ${shown}` }),
    };
  }
  if (e.cls === 1 && e.num === 0 && len === 4) {
    const a = v.u32be(e.value);
    const shown = Array.from(raw).join('.');
    return { text: shown, add: (parent) => void ctx.add(f.valueIpv4, e.value, len, a, { parent }) };
  }
  if (e.cls === 1 && e.num === 1) return plain(f.valueCounter, unsigned(), 'Counter32');
  if (e.cls === 1 && e.num === 2) return plain(f.valueGauge, unsigned(), 'Gauge32');
  if (e.cls === 1 && e.num === 3) return plain(f.valueTimeticks, unsigned(), 'Timeticks');
  if (e.cls === 1 && e.num === 4)
    return { text: toHex(raw), add: (parent) => void ctx.add(f.valueOpaque, e.value, len, raw, { parent }) };
  if (e.cls === 2 && e.num <= 2) {
    const field = [f.noSuchObject, f.noSuchInstance, f.endOfMibView][e.num];
    return {
      text: field.name,
      add: (parent) => {
        const it = ctx.add(field, e.value, 0, null, { parent });
        ctx.expert(it, 'note', 'response', field.name);
      },
    };
  }
  return { text: toHex(raw), add: (parent) => void ctx.add(f.valueUnknown, e.value, len, raw, { parent }) };
}

/** Remembers a community once per manager and agent; an answer marks it answered. */
function noteCommunity(ctx: DissectCtx, community: string, version: 'v1' | 'v2c', pdu: number): void {
  const st = snmpState(ctx);
  const { netSrc, netDst } = ctx.pinfo;
  // Requests and traps carry the community to the agent (or the manager); a response echoes it back.
  const response = pdu === 2 || pdu === 8;
  const key = response ? `${community} ${netDst} ${netSrc}` : `${community} ${netSrc} ${netDst}`;
  const known = st.communities.get(key);
  if (known) {
    if (response) known.answered = true;
    return;
  }
  if (response) return;
  const login: SnmpLogin = {
    frame: ctx.frame.number,
    user: community,
    version,
    answered: false,
  };
  if (pdu === 4 || pdu === 7) login.trap = true;
  st.communities.set(key, login);
  st.logins.push(login);
}

/**
 * Pairs a response with its request (by addresses, ports and request-id) and adds [Response To] and [Time]: at the
 * top of the SNMP tree, or (SNMPv3) under the scoped PDU's `parent`, as tshark places them.
 */
function pair(ctx: DissectCtx, pdu: number, requestId: number | undefined, at: number, parent?: Item): void {
  if (requestId === undefined) return;
  const p = ctx.pinfo;
  const response = pdu === 2;
  if (!ctx.visited) {
    const st = snmpState(ctx);
    const key = response
      ? `${p.netDst} ${p.dstPort} ${p.netSrc} ${p.srcPort} ${requestId}`
      : `${p.netSrc} ${p.srcPort} ${p.netDst} ${p.dstPort} ${requestId}`;
    if (response) {
      const q = st.pending.get(key);
      if (q) {
        st.pending.delete(key);
        ctx.state.setFrame('snmp.resp_to', ctx.frame.number, q.frame);
        ctx.state.setFrame(
          'snmp.time',
          ctx.frame.number,
          timeDiff({ s: ctx.frame.tsSec, ns: ctx.frame.tsNsec }, q),
        );
      }
    } else if (pdu !== 4 && pdu !== 7)
      st.pending.set(key, { frame: ctx.frame.number, s: ctx.frame.tsSec, ns: ctx.frame.tsNsec });
  }
  const q = ctx.state.getFrame<number>('snmp.resp_to', ctx.frame.number);
  if (q === undefined) return;
  ctx.add(f.responseTo, at, 0, q, { generated: true, parent });
  const t = ctx.state.getFrame<{ s: number; ns: number }>('snmp.time', ctx.frame.number);
  if (t) ctx.add(f.time, at, 0, t, { generated: true, parent });
}

/** An engine ID's item and, for an RFC 3411 one, its parts. */
function engineId(ctx: DissectCtx, field: typeof f.engineId, e: Tlv, parent: Item): Uint8Array {
  const raw = contents(ctx, e);
  const it = ctx.add(field, e.value, raw.length, raw, { parent });
  if (raw.length < 5 || !(raw[0] & 0x80)) return raw;
  const o = { parent: it };
  ctx.add(f.engineConform, e.value, 1, true, {
    ...o,
    label: () => '1... .... = Engine ID Conformance: RFC3411 (SNMPv3)',
  });
  const enterprise = ctx.view.u32be(e.value) & 0x7fffffff;
  const ent = ENTERPRISES[enterprise];
  ctx.add(f.engineEnterprise, e.value, 4, enterprise, {
    ...o,
    label: () => `Engine Enterprise ID: ${ent ? `${ent} (${enterprise})` : enterprise}`,
  });
  const format = raw[4];
  const netSnmpRandom = enterprise === 8072 && format === 128;
  const formatName = format >= 128 ? 'Reserved/Enterprise-specific' : (ENGINE_FORMATS[format] ?? 'Reserved');
  ctx.add(f.engineFormat, e.value + 4, 1, format, {
    ...o,
    label: () => `Engine ID Format: ${formatName} (${format})${netSnmpRandom ? ': Net-SNMP Random' : ''}`,
  });
  if (netSnmpRandom && raw.length >= 17) {
    // Net-SNMP: four random bytes, then the engine's creation time (seconds, little-endian, 8 bytes).
    ctx.add(f.engineData, e.value + 5, 4, raw.slice(5, 9), o);
    const secs = raw[9] + raw[10] * 256 + raw[11] * 65536 + raw[12] * 16777216;
    const when = formatAbsTime({ s: secs, ns: 0 }).replace(/\.0+ UTC$/, ' UTC');
    ctx.add(f.engineCreated, e.value + 9, 8, when, o);
  } else if (raw.length > 5) ctx.add(f.engineData, e.value + 5, raw.length - 5, raw.slice(5), o);
  return raw;
}

/** An SNMPv3 message: global data, USM security parameters, and the scoped PDU (or its cipher text). */
function v3(ctx: DissectCtx, msg: Tlv, verTlv: Tlv, rest: Tlv[]): void {
  const v = ctx.view;
  const top = ctx.top;
  const o = { parent: top };
  ctx.add(f.msgVersion, verTlv.value, verTlv.end - verTlv.value, 3, o);
  if (rest.length < 3) throw new BoundsError(msg.end, 1, msg.end);
  const [global, secParams, data] = rest;
  const g = ctx.add(f.globalData, global.value, global.end - global.value, null, o);
  const [id, max, flagsTlv, model] = childrenAtLeast(ctx, global, 4);
  const msgId = integer(ctx, id);
  ctx.add(f.msgId, id.value, id.end - id.value, msgId, { parent: g });
  ctx.add(f.msgMaxSize, max.value, max.end - max.value, integer(ctx, max), { parent: g });
  const flags = v.u8(flagsTlv.value);
  const fl = ctx.add(f.msgFlags, flagsTlv.value, 1, v.slice(flagsTlv.value, 1), { parent: g });
  ctx.add(f.flagReport, flagsTlv.value, 1, (flags & 4) !== 0, { parent: fl });
  ctx.add(f.flagCrypt, flagsTlv.value, 1, (flags & 2) !== 0, { parent: fl });
  ctx.add(f.flagAuth, flagsTlv.value, 1, (flags & 1) !== 0, { parent: fl });
  ctx.add(f.securityModel, model.value, model.end - model.value, integer(ctx, model), { parent: g });
  // The USM parameters: an OCTET STRING holding a SEQUENCE.
  const usm = tlv(ctx, secParams.value, secParams.end);
  const [eng, boots, time, user, auth, priv] = childrenAtLeast(ctx, usm, 6);
  const engine = engineId(ctx, f.engineId, eng, top);
  ctx.add(f.engineBoots, boots.value, boots.end - boots.value, integer(ctx, boots), o);
  ctx.add(f.engineTime, time.value, time.end - time.value, integer(ctx, time), o);
  const userName = utf8Text(ctx, user);
  ctx.add(f.userName, user.value, user.end - user.value, userName, o);
  const authBytes = contents(ctx, auth);
  ctx.add(f.authParams, auth.value, authBytes.length, authBytes, o);
  ctx.add(f.privParams, priv.value, priv.end - priv.value, contents(ctx, priv), o);
  const st = snmpState(ctx);
  const usmAuth = USM_AUTH[authBytes.length];
  if (!ctx.visited && flags & 1 && userName && usmAuth) {
    // One per user and engine: the first authenticated message (a request, or the agent's answer) — and again
    // after one the agent refused (a wrong password tried first).
    const key = `v3 ${userName} ${toHex(engine)}`;
    if (!st.communities.has(key)) {
      // hashcat: the whole message with its authentication parameters zeroed, the engine ID, the HMAC.
      const whole = Uint8Array.from(v.slice(msg.start, msg.end - msg.start));
      whole.fill(0, auth.value - msg.start, auth.end - msg.start);
      const no = ctx.frame.number;
      const login: SnmpLogin = {
        frame: no,
        user: userName,
        version: 'v3',
        hash: `$SNMPv3$${usmAuth.type}$${no}$${toHex(whole)}$${toHex(engine)}$${toHex(authBytes)}`,
        auth: usmAuth.name,
        mode: usmAuth.mode,
      };
      st.communities.set(key, login);
      st.logins.push(login);
      st.v3Pending.set(loginKey(ctx, msgId, false), { login, key });
    }
  }
  if (data.cls === 0 && data.num === 4) {
    ctx.columns.info = 'encryptedPDU: privKey Unknown';
    const md = ctx.add(f.msgData, data.start, data.end - data.start, 1, o);
    ctx.add(f.encryptedPdu, data.value, data.end - data.value, contents(ctx, data), {
      parent: md,
    });
    return;
  }
  const md = ctx.add(f.msgData, data.start, data.end - data.start, 0, o);
  const pt = ctx.add(f.plaintext, data.value, data.end - data.value, null, { parent: md });
  const [ctxEngine, ctxName, pdu] = childrenAtLeast(ctx, data, 3);
  engineId(ctx, f.contextEngineId, ctxEngine, pt);
  const name = utf8Text(ctx, ctxName);
  ctx.add(f.contextName, ctxName.value, ctxName.end - ctxName.value, name, { parent: pt });
  const { requestId, names } = pduTree(ctx, pdu, pt);
  pair(ctx, pdu.num, requestId, pdu.start, pt);
  if (!ctx.visited && pdu.num === 8) {
    // A report answers the message with the same msgID: wrong digests mark its login refused.
    const waiting = st.v3Pending.get(loginKey(ctx, msgId, true));
    if (waiting && names?.includes(WRONG_DIGESTS)) {
      waiting.login.rejected = true;
      st.communities.delete(waiting.key);
    }
  }
}
