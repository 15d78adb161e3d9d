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
  type FieldDef,
} from '../fields/registry.js';
import { defineProtocol, lookupTable, wsText, type DissectCtx } from '../dissect/engine.js';
import { formatIPv4, formatIPv6, secondsText, timeDiff } from '../fields/format.js';
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
export const WIRESHARK_UDP_PORTS: ReadonlySet<number> = new Set([
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
/** The type's meaning, as Wireshark words it (the field's value strings: filters match them too). */
const DNS_TYPE_DESCR: Record<number, string> = {
  1: 'A (Host Address)',
  2: 'NS (authoritative Name Server)',
  5: 'CNAME (Canonical NAME for an alias)',
  6: 'SOA (Start Of a zone of Authority)',
  12: 'PTR (domain name PoinTeR)',
  13: 'HINFO (host information)',
  15: 'MX (Mail eXchange)',
  16: 'TXT (Text strings)',
  28: 'AAAA (IPv6 Address)',
  33: 'SRV (Server Selection)',
  35: 'NAPTR (Naming Authority Pointer)',
  41: 'OPT',
  43: 'DS (Delegation Signer)',
  46: 'RRSIG (Resource Record Signature)',
  47: 'NSEC (Next Secure)',
  48: 'DNSKEY (DNS Public Key)',
  64: 'SVCB (General Purpose Service Endpoints)',
  65: 'HTTPS (HTTPS Specific Service Endpoints)',
  250: 'TSIG (Transaction Signature)',
  252: 'AXFR (transfer of an entire zone)',
  255: '* (A request for all records the server/cache has available)',
  257: 'CAA (Certification Authority Restriction)',
};
export const RCODES: Record<number, string> = {
  0: 'No error',
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
  6: 'Name exists',
  7: 'RRset exists',
  8: 'RRset does not exist',
  9: 'Not authoritative',
  10: 'Name out of zone',
  11: 'DSO-Type not implemented',
};
const OPCODES: Record<number, string> = {
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
  6: 'DNS Stateful operations (DSO)',
};
const CLASSES: Record<number, string> = { 1: 'IN', 2: 'CS', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

/** A DNS flag bit of the 16-bit flags word, shown as Wireshark does ("...1 .... = Recursion desired: …"). */
const flagBit = (abbrev: string, name: string, bitmask: number, trueFalse: readonly [string, string]) =>
  bool(abbrev, name, { bits: 16, bitmask, trueFalse });

const d = {
  id: uint('dns.id', 'Transaction ID', 16, { base: 'hex' }),
  flags: uint('dns.flags', 'Flags', 16, { base: 'hex' }),
  response: flagBit('dns.flags.response', 'Response', 0x8000, [
    'Message is a response',
    'Message is a query',
  ]),
  opcode: uint('dns.flags.opcode', 'Opcode', 16, { bitmask: 0x7800, strings: OPCODES }),
  authoritative: flagBit('dns.flags.authoritative', 'Authoritative', 0x0400, [
    'Server is an authority for domain',
    'Server is not an authority for domain',
  ]),
  truncated: flagBit('dns.flags.truncated', 'Truncated', 0x0200, [
    'Message is truncated',
    'Message is not truncated',
  ]),
  recdesired: flagBit('dns.flags.recdesired', 'Recursion desired', 0x0100, [
    'Do query recursively',
    "Don't do query recursively",
  ]),
  conflict: flagBit('dns.flags.conflict', 'Conflict', 0x0400, ['The name is not considered unique', 'None']),
  tentative: flagBit('dns.flags.tentative', 'Tentative', 0x0100, ['Tentative', 'Not tentative']),
  recavail: flagBit('dns.flags.recavail', 'Recursion available', 0x0080, [
    'Server can do recursive queries',
    "Server can't do recursive queries",
  ]),
  z: uint('dns.flags.z', 'Z', 16, { bitmask: 0x0040, strings: { 0: 'reserved' } }),
  authenticated: flagBit('dns.flags.authenticated', 'Answer authenticated', 0x0020, [
    'Answer/authority portion was authenticated by the server',
    'Answer/authority portion was not authenticated by the server',
  ]),
  checkdisable: flagBit('dns.flags.checkdisable', 'Non-authenticated data', 0x0010, [
    'Acceptable',
    'Unacceptable',
  ]),
  rcode: uint('dns.flags.rcode', 'Reply code', 16, { bitmask: 0x000f, strings: RCODES }),
  qdcount: uint('dns.count.queries', 'Questions', 16),
  ancount: uint('dns.count.answers', 'Answer RRs', 16),
  nscount: uint('dns.count.auth_rr', 'Authority RRs', 16),
  arcount: uint('dns.count.add_rr', 'Additional RRs', 16),
  qryName: str('dns.qry.name', 'Name'),
  qryNameLen: uint('dns.qry.name.len', 'Name Length', 16),
  labels: uint('dns.count.labels', 'Label Count', 16),
  qryType: uint('dns.qry.type', 'Type', 16, { strings: DNS_TYPE_DESCR }),
  qryClass: uint('dns.qry.class', 'Class', 16, { base: 'hex', strings: CLASSES }),
  respName: str('dns.resp.name', 'Name'),
  respType: uint('dns.resp.type', 'Type', 16, { strings: DNS_TYPE_DESCR }),
  respClass: uint('dns.resp.class', 'Class', 16, { base: 'hex', strings: CLASSES }),
  respTtl: uint('dns.resp.ttl', 'Time to live', 32),
  respLen: uint('dns.resp.len', 'Data length', 16),
  a: ipv4Field('dns.a', 'Address'),
  aaaa: ipv6Field('dns.aaaa', 'AAAA Address'),
  cname: str('dns.cname', 'CNAME'),
  ptr: str('dns.ptr.domain_name', 'Domain Name'),
  ns: str('dns.ns', 'Name Server'),
  mxPref: uint('dns.mx.preference', 'Preference', 16),
  mx: str('dns.mx.mail_exchange', 'Mail Exchange'),
  txtLen: uint('dns.txt.length', 'TXT Length', 8),
  txt: str('dns.txt', 'TXT'),
  srvService: str('dns.srv.service', 'Service'),
  srvProto: str('dns.srv.proto', 'Protocol'),
  srvName: str('dns.srv.name', 'Name'),
  srvPriority: uint('dns.srv.priority', 'Priority', 16),
  srvWeight: uint('dns.srv.weight', 'Weight', 16),
  srvPort: uint('dns.srv.port', 'Port', 16),
  srvTarget: str('dns.srv.target', 'Target'),
  hinfoCpuLen: uint('dns.hinfo.cpu_length', 'CPU Length', 8),
  hinfoCpu: str('dns.hinfo.cpu', 'CPU'),
  hinfoOsLen: uint('dns.hinfo.os_length', 'OS Length', 8),
  hinfoOs: str('dns.hinfo.os', 'OS'),
  soaMname: str('dns.soa.mname', 'Primary name server'),
  soaRname: str('dns.soa.rname', "Responsible authority's mailbox"),
  soaSerial: uint('dns.soa.serial_number', 'Serial Number', 32),
  soaRefresh: uint('dns.soa.refresh_interval', 'Refresh Interval', 32),
  soaRetry: uint('dns.soa.retry_interval', 'Retry Interval', 32),
  soaExpire: uint('dns.soa.expire_limit', 'Expire limit', 32),
  soaMinimum: uint('dns.soa.minimum_ttl', 'Minimum TTL', 32),
  respIn: uint('dns.response_in', 'Response In', 32),
  respTo: uint('dns.response_to', 'Request In', 32),
  time: relTime('dns.time', 'Time'),
  unsolicited: bool('dns.unsolicited', 'Unsolicited'),
  retransmission: bool('dns.retransmission', 'Retransmission'),
  retransmitRequestIn: uint('dns.retransmit_request_in', 'Retransmitted request. Original request in', 32),
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

/** An RR's data: its items, the Info text and the summary the RR's tree line ends with (", addr 1.2.3.4"). */
function rrData(
  ctx: DissectCtx,
  v: ByteView,
  type: number,
  off: number,
  rdlen: number,
  parent: ReturnType<DissectCtx['add']>,
): { info: string; summary: string } {
  switch (type) {
    case 1: {
      const a = v.u32be(off);
      ctx.add(d.a, off, 4, a, { parent });
      const t = formatIPv4(a);
      return { info: t, summary: `, addr ${t}` };
    }
    case 28: {
      const a = v.slice(off, 16);
      ctx.add(d.aaaa, off, 16, a, { parent });
      const t = formatIPv6(a);
      return { info: t, summary: `, addr ${t}` };
    }
    case 5:
    case 12:
    case 2: {
      const n = readName(v, off).name;
      ctx.add(type === 5 ? d.cname : type === 12 ? d.ptr : d.ns, off, rdlen, n, { parent });
      return { info: n, summary: type === 5 ? `, cname ${n}` : type === 2 ? `, ns ${n}` : `, ${n}` };
    }
    case 15: {
      const pref = v.u16be(off);
      const n = readName(v, off + 2).name;
      ctx.add(d.mxPref, off, 2, pref, { parent });
      ctx.add(d.mx, off + 2, rdlen - 2, n, { parent });
      return { info: `${pref} ${n}`, summary: `, preference ${pref}, mx ${n}` };
    }
    case 6: {
      const m = readName(v, off);
      const r = readName(v, off + m.len);
      ctx.add(d.soaMname, off, m.len, m.name, { parent });
      ctx.add(d.soaRname, off + m.len, r.len, r.name, { parent });
      let p = off + m.len + r.len;
      ctx.add(d.soaSerial, p, 4, v.u32be(p), { parent });
      for (const f of [d.soaRefresh, d.soaRetry, d.soaExpire, d.soaMinimum]) {
        p += 4;
        const secs = v.u32be(p);
        ctx.add(f, p, 4, secs, { parent, label: () => `${f.name}: ${secs} (${secondsText(secs)})` });
      }
      return { info: m.name, summary: `, mname ${m.name}` };
    }
    case 16: {
      // Every character-string of the record (tshark's Info shows none of them).
      for (let p = off; p < off + rdlen;) {
        const l = Math.min(v.u8(p), off + rdlen - p - 1);
        ctx.add(d.txtLen, p, 1, v.u8(p), { parent });
        ctx.add(d.txt, p + 1, l, v.latin1(p + 1, l), { parent });
        p += 1 + l;
      }
      return { info: '', summary: '' };
    }
    case 13: {
      // HINFO: two character-strings, the CPU and the OS.
      const cpuLen = v.u8(off);
      const cpu = v.latin1(off + 1, cpuLen);
      const osAt = off + 1 + cpuLen;
      const osLen = v.u8(osAt);
      const os = v.latin1(osAt + 1, osLen);
      ctx.add(d.hinfoCpuLen, off, 1, cpuLen, { parent });
      ctx.add(d.hinfoCpu, off + 1, cpuLen, cpu, { parent });
      ctx.add(d.hinfoOsLen, osAt, 1, osLen, { parent });
      ctx.add(d.hinfoOs, osAt + 1, osLen, os, { parent });
      return { info: `${cpu} ${os}`, summary: `, CPU ${cpu}, OS ${os}` };
    }
    case 33: {
      const [priority, weight, port] = [v.u16be(off), v.u16be(off + 2), v.u16be(off + 4)];
      const target = readName(v, off + 6).name;
      ctx.add(d.srvPriority, off, 2, priority, { parent });
      ctx.add(d.srvWeight, off + 2, 2, weight, { parent });
      ctx.add(d.srvPort, off + 4, 2, port, { parent });
      ctx.add(d.srvTarget, off + 6, rdlen - 6, target, { parent });
      return {
        info: `${priority} ${weight} ${port} ${target}`,
        summary: `, priority ${priority}, weight ${weight}, port ${port}, target ${target}`,
      };
    }
    default:
      return { info: '', summary: '' };
  }
}

/** An SRV owner name's service, protocol and name, when it has three parts. */
function srvParts(name: string): [string, string, string] | undefined {
  const a = name.indexOf('.');
  const b = a < 0 ? -1 : name.indexOf('.', a + 1);
  return b < 0 ? undefined : [name.slice(0, a), name.slice(a + 1, b), name.slice(b + 1)];
}

interface DnsState {
  /** The last query by transaction ID and addresses: its frame, time, and whether a response came. */
  queries: Map<string, { frame: number; s: number; ns: number; answered: boolean }>;
}

/** The flags word: its summary ("0x8180 Standard query response, No error") and its bits, as tshark shows them. */
function flagItems(ctx: DissectCtx, flags: number, llmnr: boolean): void {
  const isResp = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  const rcode = flags & 15;
  const kind = OPCODES[opcode] ?? `Unknown operation (${opcode})`;
  const label = () =>
    `Flags: 0x${flags.toString(16).padStart(4, '0')} ${kind}${isResp ? ` response, ${RCODES[rcode] ?? `Unknown error (${rcode})`}` : ''}`;
  const fl = ctx.add(d.flags, 2, 2, flags, { label });
  const bit = (f: FieldDef, mask: number) => ctx.add(f, 2, 2, (flags & mask) !== 0, { parent: fl });
  bit(d.response, 0x8000);
  ctx.add(d.opcode, 2, 2, opcode, { parent: fl });
  // LLMNR (RFC 4795) has Conflict and Tentative bits where DNS has AA and RD, and none of RA, Z, AD, CD.
  if (llmnr) bit(d.conflict, 0x0400);
  else if (isResp) bit(d.authoritative, 0x0400);
  bit(d.truncated, 0x0200);
  bit(llmnr ? d.tentative : d.recdesired, 0x0100);
  if (!llmnr) {
    if (isResp) bit(d.recavail, 0x0080);
    ctx.add(d.z, 2, 2, (flags >> 6) & 1, { parent: fl });
    if (isResp) bit(d.authenticated, 0x0020);
    bit(d.checkdisable, 0x0010);
  }
  if (isResp) ctx.add(d.rcode, 2, 2, rcode, { parent: fl });
}

const classText = (cls: number) => CLASSES[cls] ?? `0x${cls.toString(16).padStart(4, '0')}`;

function dissectDns(ctx: DissectCtx, proto: string): void {
  const v = ctx.view;
  const id = v.u16be(0);
  const flags = v.u16be(2);
  const isResp = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 15;
  const rcode = flags & 15;
  ctx.columns.protocol = proto;
  const idItem = ctx.add(d.id, 0, 2, id);
  flagItems(ctx, flags, proto === 'LLMNR');
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
  const tree = ctx.fullTree;
  const kind = OPCODES[opcode] ?? `Unknown operation (${opcode})`;
  let info = cols ? `${kind}${isResp ? ' response' : ''} 0x${id.toString(16).padStart(4, '0')}` : '';
  if (cols && isResp && rcode !== 0) info += ` ${RCODES[rcode] ?? `Unknown error (${rcode})`}`;
  ctx.columns.info = info;
  let off = 12;
  if (qd) {
    const start = off;
    const list = ctx.text('Queries', off, 0);
    for (let i = 0; i < qd && i < 256; i++) {
      const { name, len } = readName(v, off);
      const type = v.u16be(off + len);
      const cls = v.u16be(off + len + 2);
      const q = ctx.text(
        tree ? `${name}: type ${DNS_TYPES[type] ?? `Unknown (${type})`}, class ${classText(cls)}` : '',
        off,
        len + 4,
        list,
      );
      ctx.add(d.qryName, off, len, name, { parent: q });
      ctx.add(d.qryNameLen, off, len, name === '<Root>' ? 6 : name.length, { parent: q, generated: true });
      ctx.add(d.labels, off, len, name === '<Root>' ? 0 : name.split('.').length, {
        parent: q,
        generated: true,
      });
      ctx.add(d.qryType, off + len, 2, type, { parent: q });
      ctx.add(d.qryClass, off + len + 2, 2, cls, { parent: q });
      if (cols) info += ` ${DNS_TYPES[type] ?? `Unknown (${type})`} ${name}`;
      off += len + 4;
    }
    ctx.setLength(list, off - start);
  }
  ctx.columns.info = info;
  const sections: [number, string][] = [
    [an, 'Answers'],
    [ns, 'Authoritative nameservers'],
    [ar, 'Additional records'],
  ];
  for (const [count, title] of sections) {
    if (!count) continue;
    const start = off;
    const list = ctx.text(title, off, 0);
    for (let i = 0; i < count && i < 1024; i++) {
      const { name, len } = readName(v, off);
      const type = v.u16be(off + len);
      const cls = v.u16be(off + len + 2);
      const ttl = v.u32be(off + len + 4);
      const rdlen = v.u16be(off + len + 8);
      const rdOff = off + len + 10;
      v.check(rdOff, rdlen);
      const typeName = DNS_TYPES[type] ?? `Unknown (${type})`;
      const rr = ctx.text('', off, len + 10 + rdlen, list);
      // An SRV record's owner name is _service._proto.name (RFC 2782): Wireshark shows its three parts.
      const srv = type === 33 ? srvParts(name) : undefined;
      if (srv) {
        ctx.add(d.srvService, off, len, srv[0], { parent: rr });
        ctx.add(d.srvProto, off, len, srv[1], { parent: rr });
        ctx.add(d.srvName, off, len, srv[2], { parent: rr });
      } else ctx.add(d.respName, off, len, name, { parent: rr });
      ctx.add(d.respType, off + len, 2, type, { parent: rr });
      if (type !== 41) {
        ctx.add(d.respClass, off + len + 2, 2, cls, { parent: rr });
        ctx.add(d.respTtl, off + len + 4, 4, ttl, {
          parent: rr,
          label: () => `Time to live: ${ttl} (${secondsText(ttl)})`,
        });
      }
      ctx.add(d.respLen, off + len + 8, 2, rdlen, { parent: rr });
      const data = rrData(ctx, v, type, rdOff, rdlen, rr);
      if (tree)
        ctx.setLabel(
          rr,
          type === 41
            ? `${name}: type OPT`
            : `${name}: type ${typeName}, class ${classText(cls)}${data.summary}`,
        );
      if (cols && type !== 41) info += data.info ? ` ${typeName} ${data.info}` : ` ${typeName}`;
      off = rdOff + rdlen;
    }
    ctx.setLength(list, off - start);
  }
  ctx.columns.info = info;
  // Request/response pairing, the time a response took, and a query sent again (same ID, within Wireshark's
  // 5 s retransmission window) before any response.
  const st = ctx.state.get<DnsState>(`${proto}.pairs`, () => ({ queries: new Map() }));
  const key = isResp
    ? `${id}|${ctx.pinfo.netDst}|${ctx.pinfo.netSrc}`
    : `${id}|${ctx.pinfo.netSrc}|${ctx.pinfo.netDst}`;
  if (!ctx.visited) {
    const q = st.queries.get(key);
    const now = { s: ctx.frame.tsSec, ns: ctx.frame.tsNsec };
    if (!isResp) {
      // A retransmission keeps the original as the request a response answers (as Wireshark pairs them).
      if (q && !q.answered && timeDiff(now, q).s < 5)
        ctx.state.setFrame(`${proto}.retransmit`, ctx.frame.number, q.frame);
      else st.queries.set(key, { frame: ctx.frame.number, ...now, answered: false });
    } else if (q !== undefined) {
      q.answered = true;
      ctx.state.setFrame(`${proto}.resp_to`, ctx.frame.number, q.frame);
      ctx.state.setFrame(`${proto}.resp_in`, q.frame, ctx.frame.number);
      ctx.state.setFrame(`${proto}.time`, ctx.frame.number, timeDiff(now, q));
    }
  }
  if (isResp) {
    const q = ctx.state.getFrame<number>(`${proto}.resp_to`, ctx.frame.number);
    if (q !== undefined) {
      ctx.add(d.respTo, 0, 0, q, { generated: true });
      const t = ctx.state.getFrame<{ s: number; ns: number }>(`${proto}.time`, ctx.frame.number);
      if (t) ctx.add(d.time, 0, 0, t, { generated: true });
    } else ctx.add(d.unsolicited, 0, 0, true, { generated: true });
  } else {
    const r = ctx.state.getFrame<number>(`${proto}.resp_in`, ctx.frame.number);
    if (r !== undefined) ctx.add(d.respIn, 0, 0, r, { generated: true });
    const orig = ctx.state.getFrame<number>(`${proto}.retransmit`, ctx.frame.number);
    if (orig !== undefined) {
      ctx.expert(idItem, 'warn', 'protocol', `DNS query retransmission. Original request in frame ${orig}`);
      ctx.add(d.retransmitRequestIn, 0, 0, orig, { generated: true });
      ctx.add(d.retransmission, 0, 0, true, { generated: true });
    }
  }
  ctx.setLabel(
    ctx.top,
    () => `${ctx.top.field.protocolName ?? 'Domain Name System'} (${isResp ? 'response' : 'query'})`,
  );
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
