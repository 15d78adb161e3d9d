/** UDP, DNS (with name compression), and a small NTP and DHCP summary. */
import {
  bool,
  bytes as bytesField,
  checksumStatus,
  ipv4 as ipv4Field,
  ipv6 as ipv6Field,
  relTime,
  str,
  uint,
} from '../fields/registry.js';
import { defineProtocol, lookupTable, wsText, type DissectCtx } from '../dissect/engine.js';
import { formatIPv4, formatIPv6, timeDiff } from '../fields/format.js';
import { BoundsError, type ByteView } from '../bytes/byteview.js';

const f = {
  srcport: uint('udp.srcport', 'Source Port', 16),
  dstport: uint('udp.dstport', 'Destination Port', 16),
  port: uint('udp.port', 'Source or Destination Port', 16),
  length: uint('udp.length', 'Length', 16),
  checksum: uint('udp.checksum', 'Checksum', 16, { base: 'hex' }),
  checksumStatus: checksumStatus('udp.checksum.status'),
  stream: uint('udp.stream', 'Stream index', 32),
  payload: bytesField('udp.payload', 'Payload'),
  timeRelative: relTime('udp.time_relative', 'Time since first frame'),
  timeDelta: relTime('udp.time_delta', 'Time since previous frame'),
};
const TIME_ITEMS = [f.timeRelative, f.timeDelta];

/**
 * Well-known UDP ports that Wireshark 4.0 hands to a port-registered dissector (one Wirelens does not
 * implement), so heuristics such as DNS's never see those payloads.
 */
const WIRESHARK_UDP_PORTS = new Set([
  7, 9, 19, 37, 49, 69, 88, 111, 137, 138, 161, 162, 177, 389, 427, 443, 464, 500, 514, 520, 521, 546, 547,
  623, 1194, 1645, 1646, 1701, 1812, 1813, 1900, 1985, 2049, 2152, 2123, 3478, 3544, 4500, 4789, 5060, 5061,
  5246, 5247, 6081, 8472,
]);

interface Streams {
  ids: Map<string, number>;
  /** Time of each stream's first and latest datagram, by stream id. */
  first: { s: number; ns: number }[];
  last: { s: number; ns: number }[];
}

/** udp.time_relative and udp.time_delta of one datagram, decided on the first pass. */
interface UdpTimes {
  rel: { s: number; ns: number };
  delta: { s: number; ns: number };
}

function times(
  t: { s: number; ns: number },
  first: { s: number; ns: number },
  prev: { s: number; ns: number },
): UdpTimes {
  return { rel: timeDiff(t, first), delta: timeDiff(t, prev) };
}

export const udp = defineProtocol({
  abbrev: 'udp',
  name: 'User Datagram Protocol',
  registerIn: { 'ip.proto': 17 },
  dissect(ctx) {
    const v = ctx.view;
    const sp = v.u16be(0);
    const dp = v.u16be(2);
    const len = v.u16be(4);
    ctx.add(f.srcport, 0, 2, sp);
    const dpi = ctx.add(f.dstport, 2, 2, dp);
    // traceroute(8)'s probes go to ports 33435 and up, three a hop.
    if (dp > 32768 + 666 && dp <= 32768 + 666 + 30) {
      const k = dp - 32768 - 666 - 1;
      ctx.expert(
        dpi,
        'chat',
        'sequence',
        `Possible traceroute: hop #${Math.floor(k / 3) + 1}, attempt #${(k % 3) + 1}`,
      );
    }
    ctx.add(f.port, 0, 2, sp, { hidden: true });
    ctx.add(f.port, 2, 2, dp, { hidden: true });
    ctx.add(f.length, 4, 2, len);
    const ck = v.u16be(6);
    const inError = ctx.pinfo.data.has('in_error_pkt');
    // A zero checksum means "none" over IPv4 (and in a datagram an ICMP error quotes); over IPv6 it is illegal.
    const zero = ck === 0 ? (inError || !ctx.pinfo.netSrc?.includes(':') ? 'ignored' : 'illegal') : undefined;
    // The label only in the full tree (no closure per datagram for the list and filters).
    const cki = ctx.add(
      f.checksum,
      6,
      2,
      ck,
      ctx.fullTree
        ? {
            label: `Checksum: 0x${ck.toString(16).padStart(4, '0')} ${zero ? `[zero-value ${zero}]` : '[unverified]'}`,
          }
        : undefined,
    );
    // A zero checksum's status sits under it (not present, or illegal), as tshark shows it; any other is
    // unverified.
    if (zero === 'illegal') ctx.expert(cki, 'error', 'checksum', 'Illegal checksum value (0)');
    if (zero) ctx.add(f.checksumStatus, 6, 2, zero === 'ignored' ? 3 : 4, { generated: true, parent: cki });
    else ctx.add(f.checksumStatus, 6, 2, 2, { generated: true });
    // Stream ids are handed out on the first pass; later passes look one up only for a caller that records it.
    if (!ctx.visited || ctx.wants(f.stream)) {
      const st = ctx.state.get<Streams>('udp.streams', () => ({ ids: new Map(), first: [], last: [] }));
      const a = `${ctx.pinfo.netSrc}:${sp}`;
      const b = `${ctx.pinfo.netDst}:${dp}`;
      const key = a < b ? `${a}|${b}` : `${b}|${a}`;
      let id = st.ids.get(key);
      if (id === undefined) st.ids.set(key, (id = st.ids.size));
      ctx.add(f.stream, 0, 0, id, { generated: true });
      if (!ctx.visited && !inError && len !== 8) {
        // The stream's times (tshark's udp.time_relative / time_delta), kept per frame for later passes; none
        // for a datagram quoted by an ICMP error or one without payload (which leaves the previous time as it is).
        const t = { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec };
        const first = (st.first[id] ??= t);
        const prev = st.last[id] ?? t;
        st.last[id] = t;
        ctx.state.setFrame('udp.times', ctx.frame.number, times(t, first, prev));
      }
    }
    if (ctx.wantsAny(TIME_ITEMS)) {
      const times = ctx.state.getFrame<UdpTimes>('udp.times', ctx.frame.number);
      if (times) {
        // The full tree groups them under a "[Timestamps]" line, as tshark does.
        const parent = ctx.fullTree
          ? ctx.add(wsText, 0, 0, null, { generated: true, label: '[Timestamps]' })
          : undefined;
        ctx.add(f.timeRelative, 0, 0, times.rel, { parent, generated: true });
        ctx.add(f.timeDelta, 0, 0, times.delta, { parent, generated: true });
      }
    }
    ctx.setLabel(ctx.top, () => `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`);
    ctx.setLength(ctx.top, 8);
    ctx.pinfo.srcPort = sp;
    ctx.pinfo.dstPort = dp;
    ctx.pinfo.ptype = 'udp';
    ctx.columns.protocol = 'UDP';
    const payloadLen = Math.max(0, Math.min(len, v.length) - 8);
    if (ctx.columnsWanted)
      ctx.columns.info = `${sp} → ${dp} Len=${Math.max(0, len - 8)}${zero === 'illegal' ? ' [ILLEGAL CHECKSUM (0)]' : ''}`;
    if (payloadLen > 0 && ctx.wants(f.payload)) {
      const n = Math.max(0, len - 8);
      ctx.add(f.payload, 8, payloadLen, v.slice(8, payloadLen), {
        label: () => `UDP payload (${n} byte${n === 1 ? '' : 's'})`,
      });
    }
    // A filter's re-dissection that reads nothing of the payload stops here.
    if (!ctx.payloadNeeded) return;
    const lo = Math.min(sp, dp);
    const hi = Math.max(sp, dp);
    // A port Wireshark gives to a dissector we do not have takes the payload before any heuristic runs there
    // (NBNS on 137 is never "DNS"): it stays Data, as a Wireshark user would expect of an unknown protocol.
    const claimed = (p: number) => WIRESHARK_UDP_PORTS.has(p) && !lookupTable('udp.port', p);
    // A conversation a protocol set up (TFTP's transfer from the server's own port) comes before the ports.
    const conv = payloadLen > 0 ? udpConversation(ctx, sp, dp) : undefined;
    if (conv) ctx.handoff('udp.conversation', conv, 8, payloadLen);
    else if (payloadLen > 0 && (claimed(lo) || claimed(hi))) ctx.data(8, payloadLen);
    else ctx.handoff('udp.port', [lo, hi], 8, payloadLen);
  },
});

/** Conversations by "address:port|address" (the other side's port open), each protocol from its frame on. */
type Conversations = Map<string, { proto: string; since: number }[]>;

/**
 * Hands the datagrams between `addr:port` and any port of `peer` to protocol `proto` (registered in the
 * 'udp.conversation' table under its name) from this frame on, as Wireshark's conversation dissectors (a TFTP
 * read request makes the server's replies from its own port TFTP). Call on the first pass.
 */
export function setUdpConversation(
  ctx: DissectCtx,
  addr: string,
  port: number,
  peer: string,
  proto: string,
): void {
  const convs = ctx.state.get<Conversations>('udp.conversations', () => new Map());
  const key = `${addr}:${port}|${peer}`;
  const list = convs.get(key);
  const entry = { proto, since: ctx.frame.number };
  if (list) list.push(entry);
  else convs.set(key, [entry]);
}

/** The protocol of a conversation this datagram belongs to (the latest set up at or before its frame). */
function udpConversation(ctx: DissectCtx, sp: number, dp: number): string | undefined {
  const convs = ctx.state.get<Conversations>('udp.conversations', () => new Map());
  if (!convs.size) return undefined;
  const src = ctx.pinfo.netSrc ?? '';
  const dst = ctx.pinfo.netDst ?? '';
  const n = ctx.frame.number;
  let best: { proto: string; since: number } | undefined;
  for (const key of [`${src}:${sp}|${dst}`, `${dst}:${dp}|${src}`])
    for (const e of convs.get(key) ?? []) if (e.since < n && (!best || e.since > best.since)) best = e;
  return best?.proto;
}

// ── DNS ────────────────────────────────────────────────────────────────────────────────────────────────────
export const DNS_TYPES: Record<number, string> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  13: 'HINFO',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  41: 'OPT',
  43: 'DS',
  46: 'RRSIG',
  47: 'NSEC',
  48: 'DNSKEY',
  64: 'SVCB',
  65: 'HTTPS',
  255: 'ANY',
};
const RCODES: Record<number, string> = {
  0: 'No error',
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
};
const OPCODES: Record<number, string> = {
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
};

const d = {
  id: uint('dns.id', 'Transaction ID', 16, { base: 'hex' }),
  flags: uint('dns.flags', 'Flags', 16, { base: 'hex' }),
  response: bool('dns.flags.response', 'Response', {
    trueFalse: ['Message is a response', 'Message is a query'],
  }),
  opcode: uint('dns.flags.opcode', 'Opcode', 16, { strings: OPCODES }),
  authoritative: bool('dns.flags.authoritative', 'Authoritative'),
  truncated: bool('dns.flags.truncated', 'Truncated'),
  recdesired: bool('dns.flags.recdesired', 'Recursion desired'),
  conflict: bool('dns.flags.conflict', 'Conflict'),
  tentative: bool('dns.flags.tentative', 'Tentative'),
  recavail: bool('dns.flags.recavail', 'Recursion available'),
  z: bool('dns.flags.z', 'Z'),
  authenticated: bool('dns.flags.authenticated', 'Answer authenticated'),
  checkdisable: bool('dns.flags.checkdisable', 'Non-authenticated data'),
  rcode: uint('dns.flags.rcode', 'Reply code', 16, { strings: RCODES }),
  qdcount: uint('dns.count.queries', 'Questions', 16),
  ancount: uint('dns.count.answers', 'Answer RRs', 16),
  nscount: uint('dns.count.auth_rr', 'Authority RRs', 16),
  arcount: uint('dns.count.add_rr', 'Additional RRs', 16),
  qryName: str('dns.qry.name', 'Name'),
  qryNameLen: uint('dns.qry.name.len', 'Name Length', 16),
  qryType: uint('dns.qry.type', 'Type', 16, { strings: DNS_TYPES }),
  qryClass: uint('dns.qry.class', 'Class', 16, { base: 'hex', strings: { 1: 'IN', 255: 'ANY' } }),
  respName: str('dns.resp.name', 'Name'),
  respType: uint('dns.resp.type', 'Type', 16, { strings: DNS_TYPES }),
  respClass: uint('dns.resp.class', 'Class', 16, { base: 'hex', strings: { 1: 'IN' } }),
  respTtl: uint('dns.resp.ttl', 'Time to live', 32),
  respLen: uint('dns.resp.len', 'Data length', 16),
  a: ipv4Field('dns.a', 'Address'),
  aaaa: ipv6Field('dns.aaaa', 'AAAA Address'),
  cname: str('dns.cname', 'CNAME'),
  ptr: str('dns.ptr.domain_name', 'Domain Name'),
  ns: str('dns.ns', 'Name Server'),
  mx: str('dns.mx.mail_exchange', 'Mail Exchange'),
  txt: str('dns.txt', 'TXT'),
  soaMname: str('dns.soa.mname', 'Primary name server'),
  respIn: uint('dns.response_in', 'Response In', 32),
  respTo: uint('dns.response_to', 'Request In', 32),
  queries: uint('dns.qry', 'Queries', 8),
};

/** Reads a (possibly compressed) domain name; returns the name and the bytes it takes at `off`. */
export function readName(v: ByteView, off: number): { name: string; len: number } {
  const labels: string[] = [];
  let pos = off;
  let len = -1;
  let jumps = 0;
  for (;;) {
    const c = v.u8(pos);
    if (c === 0) {
      if (len < 0) len = pos + 1 - off;
      break;
    }
    if ((c & 0xc0) === 0xc0) {
      const ptr = ((c & 0x3f) << 8) | v.u8(pos + 1);
      if (len < 0) len = pos + 2 - off;
      if (++jumps > 64 || ptr >= v.length) {
        labels.push('<Name contains a pointer that loops>');
        break;
      }
      pos = ptr;
      continue;
    }
    // Label types 0x40 and 0x80 are not defined: malformed data.
    if (c & 0xc0) throw new BoundsError(pos, 1, pos);
    labels.push(v.latin1(pos + 1, c));
    pos += 1 + c;
    if (labels.length > 128) break;
  }
  return { name: labels.length ? labels.join('.') : '<Root>', len };
}

function rrData(
  ctx: DissectCtx,
  v: ByteView,
  type: number,
  off: number,
  rdlen: number,
  parent: ReturnType<DissectCtx['add']>,
): string {
  switch (type) {
    case 1: {
      const a = v.u32be(off);
      ctx.add(d.a, off, 4, a, { parent });
      return formatIPv4(a);
    }
    case 28: {
      const a = v.slice(off, 16);
      ctx.add(d.aaaa, off, 16, a, { parent });
      return formatIPv6(a);
    }
    case 5:
    case 12:
    case 2: {
      const n = readName(v, off).name;
      ctx.add(type === 5 ? d.cname : type === 12 ? d.ptr : d.ns, off, rdlen, n, { parent });
      return n;
    }
    case 15: {
      const n = readName(v, off + 2).name;
      ctx.add(d.mx, off + 2, rdlen - 2, n, { parent });
      return `${v.u16be(off)} ${n}`;
    }
    case 6: {
      const n = readName(v, off).name;
      ctx.add(d.soaMname, off, rdlen, n, { parent });
      return n;
    }
    case 16: {
      const t = v.latin1(off + 1, Math.min(v.u8(off), rdlen - 1));
      ctx.add(d.txt, off, rdlen, t, { parent });
      return t;
    }
    default:
      return '';
  }
}

interface DnsState {
  queries: Map<string, number>;
}

function dissectDns(ctx: DissectCtx, proto: string): void {
  const v = ctx.view;
  const id = v.u16be(0);
  const flags = v.u16be(2);
  const isResp = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  const rcode = flags & 15;
  ctx.columns.protocol = proto;
  ctx.add(d.id, 0, 2, id);
  const fl = ctx.add(d.flags, 2, 2, flags);
  ctx.add(d.response, 2, 2, isResp, { parent: fl });
  ctx.add(d.opcode, 2, 2, opcode, { parent: fl });
  // LLMNR (RFC 4795) has Conflict and Tentative bits where DNS has AA and RD, and none of RA, Z, AD, CD.
  const llmnr = proto === 'LLMNR';
  if (llmnr) ctx.add(d.conflict, 2, 2, (flags & 0x0400) !== 0, { parent: fl });
  else if (isResp) ctx.add(d.authoritative, 2, 2, (flags & 0x0400) !== 0, { parent: fl });
  ctx.add(d.truncated, 2, 2, (flags & 0x0200) !== 0, { parent: fl });
  ctx.add(llmnr ? d.tentative : d.recdesired, 2, 2, (flags & 0x0100) !== 0, { parent: fl });
  if (!llmnr) {
    if (isResp) ctx.add(d.recavail, 2, 2, (flags & 0x0080) !== 0, { parent: fl });
    ctx.add(d.z, 2, 2, (flags & 0x0040) !== 0, { parent: fl });
    if (isResp) ctx.add(d.authenticated, 2, 2, (flags & 0x0020) !== 0, { parent: fl });
    ctx.add(d.checkdisable, 2, 2, (flags & 0x0010) !== 0, { parent: fl });
  }
  if (isResp) ctx.add(d.rcode, 2, 2, rcode, { parent: fl });
  const qd = v.u16be(4);
  const an = v.u16be(6);
  const ns = v.u16be(8);
  const ar = v.u16be(10);
  ctx.add(d.qdcount, 4, 2, qd);
  ctx.add(d.ancount, 6, 2, an);
  ctx.add(d.nscount, 8, 2, ns);
  ctx.add(d.arcount, 10, 2, ar);
  // The Info text is built only for callers that read the columns (not for filter passes).
  const cols = ctx.columnsWanted;
  const kind = OPCODES[opcode] ?? `Unknown operation (${opcode})`;
  let info = cols ? `${kind}${isResp ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}` : '';
  if (cols && isResp && rcode !== 0) info += ` ${RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  ctx.columns.info = info;
  let off = 12;
  for (let i = 0; i < qd && i < 256; i++) {
    const { name, len } = readName(v, off);
    const type = v.u16be(off + len);
    const cls = v.u16be(off + len + 2);
    const q = ctx.text(
      ctx.fullTree
        ? `${name}: type ${DNS_TYPES[type] ?? type}, class ${cls === 1 ? 'IN' : `0x${cls.toString(16).padStart(4, '0')}`}`
        : '',
      off,
      len + 4,
    );
    ctx.add(d.qryName, off, len, name, { parent: q });
    ctx.add(d.qryNameLen, off, len, name.length, { parent: q, generated: true });
    ctx.add(d.qryType, off + len, 2, type, { parent: q });
    ctx.add(d.qryClass, off + len + 2, 2, cls, { parent: q });
    if (cols) info += ` ${DNS_TYPES[type] ?? `Unknown (${type})`} ${name}`;
    off += len + 4;
  }
  ctx.columns.info = info;
  const sections = [an, ns, ar];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < sections[s] && i < 1024; i++) {
      const { name, len } = readName(v, off);
      const type = v.u16be(off + len);
      const cls = v.u16be(off + len + 2);
      const ttl = v.u32be(off + len + 4);
      const rdlen = v.u16be(off + len + 8);
      const rdOff = off + len + 10;
      v.check(rdOff, rdlen);
      const rr = ctx.text(
        ctx.fullTree
          ? `${name}: type ${DNS_TYPES[type] ?? type}, class ${cls === 1 ? 'IN' : `0x${cls.toString(16)}`}`
          : '',
        off,
        len + 10 + rdlen,
      );
      ctx.add(d.respName, off, len, name, { parent: rr });
      ctx.add(d.respType, off + len, 2, type, { parent: rr });
      if (type !== 41) {
        ctx.add(d.respClass, off + len + 2, 2, cls, { parent: rr });
        ctx.add(d.respTtl, off + len + 4, 4, ttl, { parent: rr });
      }
      ctx.add(d.respLen, off + len + 8, 2, rdlen, { parent: rr });
      const text = rrData(ctx, v, type, rdOff, rdlen, rr);
      if (cols && type !== 41) info += ` ${DNS_TYPES[type] ?? `Unknown (${type})`} ${text}`;
      off = rdOff + rdlen;
    }
  }
  ctx.columns.info = info;
  // Request/response pairing.
  const st = ctx.state.get<DnsState>(`${proto}.pairs`, () => ({ queries: new Map() }));
  const key = isResp
    ? `${id}|${ctx.pinfo.netDst}|${ctx.pinfo.netSrc}`
    : `${id}|${ctx.pinfo.netSrc}|${ctx.pinfo.netDst}`;
  if (!ctx.visited) {
    if (!isResp) st.queries.set(key, ctx.frame.number);
    else {
      const q = st.queries.get(key);
      if (q !== undefined) {
        ctx.state.setFrame(`${proto}.resp_to`, ctx.frame.number, q);
        ctx.state.setFrame(`${proto}.resp_in`, q, ctx.frame.number);
      }
    }
  }
  if (isResp) {
    const q = ctx.state.getFrame<number>(`${proto}.resp_to`, ctx.frame.number);
    if (q !== undefined) ctx.add(d.respTo, 0, 0, q, { generated: true });
  } else {
    const r = ctx.state.getFrame<number>(`${proto}.resp_in`, ctx.frame.number);
    if (r !== undefined) ctx.add(d.respIn, 0, 0, r, { generated: true });
  }
  ctx.setLabel(ctx.top, () => `Domain Name System (${isResp ? 'response' : 'query'})`);
}

const dnsLength = uint('dns.length', 'Length', 16);

/**
 * Wireshark's "DNS over UDP" heuristic (enabled by default): DNS on a port nobody registered. Strict, to avoid
 * false positives: a standard query or response (opcode 0), a query with exactly one question and no answers,
 * low record counts, room for them, and every question and record well-formed up to the end of the message.
 */
export function looksLikeDns(v: ByteView): boolean {
  if (v.length <= 12) return false;
  const flags = v.u16be(2);
  if ((flags & 0x7800) !== 0) return false;
  const quest = v.u16be(4);
  const ans = v.u16be(6);
  const auth = v.u16be(8);
  const add = v.u16be(10);
  if (flags & 0x8000) {
    if (quest > 1 || ans > 15 || auth > 10) return false;
  } else if (quest !== 1 || ans !== 0 || auth !== 0) return false;
  if (add > 10 || quest + ans + auth + add === 0) return false;
  if (quest * 6 + (ans + auth + add) * 11 > v.length - 12) return false;
  try {
    let off = 12;
    for (let i = 0; i < quest; i++) {
      off += readName(v, off).len + 4;
      if (off > v.length) return false;
    }
    for (let i = 0; i < ans + auth + add; i++) {
      off += readName(v, off).len;
      if (off + 10 > v.length) return false;
      off += 10 + v.u16be(off + 8);
      if (off > v.length) return false;
    }
    return true;
  } catch {
    return false;
  }
}

defineProtocol({
  abbrev: 'dns',
  name: 'Domain Name System',
  registerIn: { 'udp.port': 53, 'tcp.port': 53 },
  heuristicIn: ['udp.port'], // tried by UDP's port handoff when no port claims the payload
  dissect(ctx) {
    if (ctx.pinfo.ptype !== 'tcp') {
      // Registered on port 53; anywhere else this is the heuristic, which must decline what is not DNS.
      const onPort = ctx.pinfo.srcPort === 53 || ctx.pinfo.dstPort === 53;
      if (!onPort && !looksLikeDns(ctx.view)) return false;
      dissectDns(ctx, 'DNS');
      return;
    }
    // DNS over TCP: each message has a 2-byte length; a message spanning segments asks TCP for the rest.
    const v = ctx.view;
    if (!v.has(0, 2) || !v.has(2, v.u16be(0))) {
      ctx.pinfo.data.set('tcp.desegment', { offset: 0, need: v.has(0, 2) ? 2 + v.u16be(0) : -1 });
      return;
    }
    const len = v.u16be(0);
    ctx.add(dnsLength, 0, 2, len);
    dissectDns(ctx.sub(2, len), 'DNS');
  },
});

defineProtocol({
  abbrev: 'mdns',
  name: 'Multicast Domain Name System',
  registerIn: { 'udp.port': 5353 },
  fieldsOf: ['dns'],
  dissect(ctx) {
    dissectDns(ctx, 'MDNS');
  },
});

defineProtocol({
  abbrev: 'llmnr',
  name: 'Link-local Multicast Name Resolution',
  registerIn: { 'udp.port': 5355 },
  fieldsOf: ['dns'],
  dissect(ctx) {
    dissectDns(ctx, 'LLMNR');
  },
});

// ── NTP and DHCP: summaries only ──────────────────────────────────────────────────────────────────────────
const ntp = {
  li: uint('ntp.flags.li', 'Leap Indicator', 8),
  vn: uint('ntp.flags.vn', 'Version number', 8),
  mode: uint('ntp.flags.mode', 'Mode', 8, {
    strings: {
      1: 'symmetric active',
      2: 'symmetric passive',
      3: 'client',
      4: 'server',
      5: 'broadcast',
      6: 'reserved for NTP control message',
      7: 'reserved for private use',
    },
  }),
  stratum: uint('ntp.stratum', 'Peer Clock Stratum', 8),
  ppoll: uint('ntp.ppoll', 'Peer Polling Interval', 8),
  // Wireshark 4.0 keeps the precision's raw octet (an unsigned 8-bit field) and shows 2^x seconds beside it.
  precision: uint('ntp.precision', 'Peer Clock Precision', 8),
};
defineProtocol({
  abbrev: 'ntp',
  name: 'Network Time Protocol',
  registerIn: { 'udp.port': 123 },
  dissect(ctx) {
    const b = ctx.view.u8(0);
    const vn = (b >> 3) & 7;
    const mode = b & 7;
    ctx.add(ntp.li, 0, 1, b >> 6);
    ctx.add(ntp.vn, 0, 1, vn);
    ctx.add(ntp.mode, 0, 1, mode);
    ctx.add(ntp.stratum, 1, 1, ctx.view.u8(1));
    const poll = ctx.view.u8(2);
    ctx.add(ntp.ppoll, 2, 1, poll, { label: `Peer Polling Interval: ${poll} (${2 ** poll} seconds)` });
    const prec = ctx.view.u8(3);
    const exp = prec > 127 ? prec - 256 : prec;
    ctx.add(ntp.precision, 3, 1, prec, {
      label: `Peer Clock Precision: ${(2 ** exp).toFixed(6)} seconds`,
    });
    const modes = [
      'reserved',
      'symmetric active',
      'symmetric passive',
      'client',
      'server',
      'broadcast',
      'NTP control',
      'private',
    ];
    ctx.columns.protocol = 'NTP';
    ctx.columns.info = `NTP Version ${vn}, ${modes[mode]}`;
  },
});

const DHCP_TYPES: Record<number, string> = {
  1: 'Discover',
  2: 'Offer',
  3: 'Request',
  4: 'Decline',
  5: 'ACK',
  6: 'NAK',
  7: 'Release',
  8: 'Inform',
};
const dh = {
  type: uint('dhcp.type', 'Message type', 8, { strings: { 1: 'Boot Request', 2: 'Boot Reply' } }),
  id: uint('dhcp.id', 'Transaction ID', 32, { base: 'hex' }),
  ciaddr: ipv4Field('dhcp.ip.client', 'Client IP address'),
  yiaddr: ipv4Field('dhcp.ip.your', 'Your (client) IP address'),
  chaddr: bytesField('dhcp.hw.mac_addr', 'Client MAC address'),
  msgType: uint('dhcp.option.dhcp', 'DHCP', 8, { strings: DHCP_TYPES }),
  hostname: str('dhcp.option.hostname', 'Host Name'),
};
defineProtocol({
  abbrev: 'dhcp',
  name: 'Dynamic Host Configuration Protocol',
  registerIn: { 'udp.port': [67, 68] },
  dissect(ctx) {
    const v = ctx.view;
    const op = v.u8(0);
    const xid = v.u32be(4);
    ctx.add(dh.type, 0, 1, op);
    ctx.add(dh.id, 4, 4, xid);
    ctx.add(dh.ciaddr, 12, 4, v.u32be(12));
    ctx.add(dh.yiaddr, 16, 4, v.u32be(16));
    ctx.add(dh.chaddr, 28, 6, v.slice(28, 6));
    ctx.columns.protocol = op === 1 || op === 2 ? 'DHCP' : 'BOOTP';
    let msg: number | undefined;
    if (v.length >= 240 && v.u32be(236) === 0x63825363) {
      let o = 240;
      while (o < v.length) {
        const code = v.u8(o);
        if (code === 255) break;
        if (code === 0) {
          o++;
          continue;
        }
        const len = v.u8(o + 1);
        if (code === 53) {
          msg = v.u8(o + 2);
          ctx.add(dh.msgType, o + 2, 1, msg);
        } else if (code === 12) ctx.add(dh.hostname, o + 2, len, v.latin1(o + 2, len));
        o += 2 + len;
      }
    }
    const name =
      msg !== undefined ? `DHCP ${DHCP_TYPES[msg] ?? msg}` : op === 1 ? 'Boot Request' : 'Boot Reply';
    ctx.columns.info = `${name.padEnd(13)} - Transaction ID 0x${xid.toString(16)}`;
  },
});
