/** IPv4, IPv6 (with common extension headers), ICMP and ICMPv6. */
import {
  absTime,
  bool,
  bytes as bytesField,
  checksumStatus,
  ether,
  float,
  ipv4 as ipv4Field,
  ipv6 as ipv6Field,
  none,
  proto,
  relTime,
  setBit,
  str,
  uint,
  type FieldDef,
} from '../fields/registry.js';
import { declareWithin, defineProtocol, wsText, type DissectCtx } from '../dissect/engine.js';
import { LINKTYPE } from '../capture/linktypes.js';
import { concatBytes } from '../bytes/byteview.js';
import { reportUsedLength } from './l2-ethernet.js';
import type { Item } from '../dissect/types.js';
import {
  bitFieldText,
  bitPattern,
  formatEther,
  formatIPv4,
  formatIPv6,
  maskShift,
} from '../fields/format.js';

export const IP_PROTOS: Record<number, string> = {
  0: 'IPv6 Hop-by-Hop Option',
  1: 'ICMP',
  2: 'IGMP',
  4: 'IPIP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  43: 'Routing Header for IPv6',
  44: 'Fragment Header for IPv6',
  46: 'Reservation Protocol',
  47: 'Generic Routing Encapsulation',
  50: 'Encap Security Payload',
  51: 'Authentication Header',
  58: 'ICMPv6',
  59: 'IPv6 No Next Header',
  60: 'Destination Options for IPv6',
  89: 'OSPF IGP',
  103: 'PIM',
  112: 'Virtual Router Redundancy Protocol',
  132: 'SCTP',
};

/** DSCP code points, long (the tree's value strings) and short (the DS field's summary). */
const DSCP: Record<number, [string, string]> = {
  0: ['Default', 'CS0'],
  1: ['Lower Effort', 'LE'],
  8: ['Class Selector 1', 'CS1'],
  10: ['Assured Forwarding 11', 'AF11'],
  12: ['Assured Forwarding 12', 'AF12'],
  14: ['Assured Forwarding 13', 'AF13'],
  16: ['Class Selector 2', 'CS2'],
  18: ['Assured Forwarding 21', 'AF21'],
  20: ['Assured Forwarding 22', 'AF22'],
  22: ['Assured Forwarding 23', 'AF23'],
  24: ['Class Selector 3', 'CS3'],
  26: ['Assured Forwarding 31', 'AF31'],
  28: ['Assured Forwarding 32', 'AF32'],
  30: ['Assured Forwarding 33', 'AF33'],
  32: ['Class Selector 4', 'CS4'],
  34: ['Assured Forwarding 41', 'AF41'],
  36: ['Assured Forwarding 42', 'AF42'],
  38: ['Assured Forwarding 43', 'AF43'],
  40: ['Class Selector 5', 'CS5'],
  44: ['Voice Admit', 'VA'],
  46: ['Expedited Forwarding', 'EF'],
  48: ['Class Selector 6', 'CS6'],
  56: ['Class Selector 7', 'CS7'],
};
const DSCP_NAMES = new Map(Object.entries(DSCP).map(([k, v]) => [Number(k), v[0]] as const));
const ECN: Record<number, [string, string]> = {
  0: ['Not ECN-Capable Transport', 'Not-ECT'],
  1: ["ECN-Capable Transport codepoint '01'", 'ECT(1)'],
  2: ["ECN-Capable Transport codepoint '10'", 'ECT(0)'],
  3: ['Congestion Experienced', 'CE'],
};
const ECN_NAMES = new Map(Object.entries(ECN).map(([k, v]) => [Number(k), v[0]] as const));

/** "(DSCP: CS0, ECN: Not-ECT)": the summary of a DS field (IPv4) or traffic class (IPv6). */
export function dsSummary(ds: number): string {
  const dscp = ds >> 2;
  return `(DSCP: ${DSCP[dscp]?.[1] ?? 'Unknown'}, ECN: ${ECN[ds & 3][1]})`;
}

const f = {
  version: uint('ip.version', 'Version', 8, { bitmask: 0xf0 }),
  hdrLen: uint('ip.hdr_len', 'Header Length', 8),
  dsfield: uint('ip.dsfield', 'Differentiated Services Field', 8, { base: 'hex' }),
  dscp: uint('ip.dsfield.dscp', 'Differentiated Services Codepoint', 8, {
    bitmask: 0xfc,
    strings: DSCP_NAMES,
  }),
  ecn: uint('ip.dsfield.ecn', 'Explicit Congestion Notification', 8, { bitmask: 0x03, strings: ECN_NAMES }),
  len: uint('ip.len', 'Total Length', 16),
  id: uint('ip.id', 'Identification', 16, { base: 'hex_dec' }),
  flags: uint('ip.flags', 'Flags', 8, { base: 'hex', bitmask: 0xe0 }),
  rb: bool('ip.flags.rb', 'Reserved bit', { bits: 8, bitmask: 0x80, trueFalse: ['Set', 'Not set'] }),
  df: bool('ip.flags.df', "Don't fragment", { bits: 8, bitmask: 0x40, trueFalse: ['Set', 'Not set'] }),
  mf: bool('ip.flags.mf', 'More fragments', { bits: 8, bitmask: 0x20, trueFalse: ['Set', 'Not set'] }),
  fragOffset: uint('ip.frag_offset', 'Fragment Offset', 16),
  ttl: uint('ip.ttl', 'Time to Live', 8),
  proto: uint('ip.proto', 'Protocol', 8, { strings: IP_PROTOS }),
  checksum: uint('ip.checksum', 'Header Checksum', 16, { base: 'hex' }),
  checksumStatus: checksumStatus('ip.checksum.status', 'Header checksum status'),
  src: ipv4Field('ip.src', 'Source Address'),
  dst: ipv4Field('ip.dst', 'Destination Address'),
  addr: ipv4Field('ip.addr', 'Source or Destination Address'),
  srcHost: str('ip.src_host', 'Source Host'),
  dstHost: str('ip.dst_host', 'Destination Host'),
  host: str('ip.host', 'Source or Destination Host'),
  options: bytesField('ip.options', 'Options'),
};

/** The Internet checksum of bytes [from, to) of `b` (0 when a checksum among them verifies). */
function checksum16(b: Uint8Array, from = 0, to = b.length): number {
  let s = 0;
  let i = from;
  for (; i + 1 < to; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < to) s += b[i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

const hex4 = (x: number) => `0x${x.toString(16).padStart(4, '0')}`;

/**
 * The label Wireshark gives a verified Internet checksum (status 0 bad, 1 good, 2 not verified): "[correct]",
 * or the value it should have.
 */
function checksumLabel(sum: number, status: number, should: number): string {
  if (status === 2) return `Checksum: ${hex4(sum)} [unverified]`;
  if (status === 1) return `Checksum: ${hex4(sum)} [correct]`;
  return `Checksum: ${hex4(sum)} incorrect, should be ${hex4(should)}`;
}

/**
 * The checksum at offset 2 of an ICMP or ICMPv6 message and its verdict, verified as Wireshark does: over
 * `pseudo` (ICMPv6's pseudo-header; nothing for ICMP) and the whole message. A message the snaplen cut, or
 * one whose pseudo-header is not known (undefined), is not verified.
 */
function checksumItems(
  ctx: DissectCtx,
  items: readonly [checksum: FieldDef, status: FieldDef],
  pseudo: Uint8Array | undefined,
): void {
  // (Any pass but the list's verifies it: a bad one is an expert item, which filters may ask for.)
  if (ctx.listOnly) return;
  const v = ctx.view;
  const sum = v.u16be(2);
  const reported = ctx.pinfo.data.get('ip.payload_len') as number | undefined;
  const whole = pseudo !== undefined && (reported === undefined || v.length >= reported);
  const msg = whole ? concatBytes(pseudo, v.bytes) : v.bytes;
  const status = !whole ? 2 : checksum16(msg) === 0 ? 1 : 0;
  // The value it should have: the sum over the message with its checksum field zeroed.
  let should = sum;
  if (status === 0) {
    const zeroed = msg.slice();
    zeroed.fill(0, msg.length - v.length + 2, msg.length - v.length + 4);
    should = checksum16(zeroed);
  }
  const [checksum, statusField] = items;
  const it = ctx.add(checksum, 2, 2, sum, { label: () => checksumLabel(sum, status, should) });
  // A bad one is a warning too, in Wireshark's words ("Bad checksum [should be 0x2104]").
  if (status === 0) ctx.expert(it, 'warn', 'checksum', `Bad checksum [should be ${hex4(should)}]`);
  ctx.add(statusField, 2, 2, status, { generated: true });
}

/** Sets the network-layer addresses and hands the payload to the ip.proto table. */
function ipPayload(ctx: DissectCtx, protoNum: number, off: number, len: number, reported = len): void {
  // The payload length the header claims, even when the capture kept fewer bytes (snaplen).
  ctx.pinfo.data.set('ip.payload_len', reported);
  ctx.handoff('ip.proto', protoNum, off, len);
}

const IPV4_ITEMS: readonly FieldDef[] = Object.values(f);

/** Dotted-quad text of recently seen addresses (a capture has few distinct ones; bounded). */
const ipv4Texts = new Map<number, string>();
export function ipv4Text(a: number): string {
  const key = a | 0; // a small integer: much faster as a map key than a heap number
  let t = ipv4Texts.get(key);
  if (t === undefined) {
    if (ipv4Texts.size >= 65536) ipv4Texts.clear();
    t = formatIPv4(a);
    ipv4Texts.set(key, t);
  }
  return t;
}

interface V4Header {
  hl: number;
  totalLen: number;
  ident: number;
  flags: number;
  fragOff: number;
  p: number;
  s: string;
  d: string;
}

/** The IPv4 header with its tree items (as Wireshark adds them: a truncated header keeps the items before). */
function ipv4Header(ctx: DissectCtx): V4Header | undefined {
  const v = ctx.view;
  const b0 = v.u8(0);
  const version = b0 >> 4;
  const hl = (b0 & 15) * 4;
  ctx.add(f.version, 0, 1, version);
  if (version !== 4 || hl < 20) {
    ctx.columns.protocol = 'IPv4';
    // Wireshark 4.0's texts: the version first, then the header length.
    ctx.columns.info =
      version !== 4
        ? `Bogus IPv4 version (${version}, must be 4)`
        : `Bogus IP header length (${hl}, must be at least 20)`;
    ctx.expert(undefined, 'error', 'malformed', ctx.columns.info);
    return undefined;
  }
  ctx.add(f.hdrLen, 0, 1, hl, {
    label: () => `.... ${(b0 & 15).toString(2).padStart(4, '0')} = Header Length: ${hl} bytes (${b0 & 15})`,
  });
  const ds = v.u8(1);
  const dsItem = ctx.add(f.dsfield, 1, 1, ds, {
    label: () => `Differentiated Services Field: 0x${ds.toString(16).padStart(2, '0')} ${dsSummary(ds)}`,
  });
  ctx.add(f.dscp, 1, 1, ds >> 2, { parent: dsItem });
  ctx.add(f.ecn, 1, 1, ds & 3, { parent: dsItem });
  const totalLen = v.u16be(2);
  ctx.add(f.len, 2, 2, totalLen);
  ctx.add(f.id, 4, 2, v.u16be(4));
  const fl = v.u16be(6);
  const flags = fl >> 13;
  const fi = ctx.add(f.flags, 6, 1, flags, {
    label: () =>
      bitFieldText(f.flags, flags, 1) +
      [f.rb, f.df, f.mf]
        .filter((_, i) => flags & (4 >> i))
        .map((b) => `, ${b.name}`)
        .join(''),
  });
  ctx.add(f.rb, 6, 1, (flags & 4) !== 0, { parent: fi });
  ctx.add(f.df, 6, 1, (flags & 2) !== 0, { parent: fi });
  ctx.add(f.mf, 6, 1, (flags & 1) !== 0, { parent: fi });
  const fragOff = (fl & 0x1fff) * 8;
  ctx.add(f.fragOffset, 6, 2, fragOff, {
    label: () => `${bitPattern(16, 0x1fff, fl)} = Fragment Offset: ${fragOff}`,
  });
  const ttl = v.u8(8);
  ctx.add(f.ttl, 8, 1, ttl);
  const p = v.u8(9);
  if (p !== 6 && p !== 17) ctx.pinfo.data.set('ip.ttl', ttl); // see ipv4Values
  ctx.add(f.proto, 9, 1, p);
  const ck = v.u16be(10);
  ctx.add(f.checksum, 10, 2, ck, {
    label: () => `Header Checksum: 0x${ck.toString(16).padStart(4, '0')} [validation disabled]`,
  });
  ctx.add(f.checksumStatus, 10, 2, 2, { generated: true });
  const src = v.u32be(12);
  const dst = v.u32be(16);
  const s = ipv4Text(src);
  const d = ipv4Text(dst);
  ctx.add(f.src, 12, 4, src);
  ctx.add(f.addr, 12, 4, src, { hidden: true });
  ctx.add(f.srcHost, 12, 4, s, { hidden: true });
  ctx.add(f.host, 12, 4, s, { hidden: true });
  ctx.add(f.dst, 16, 4, dst);
  ctx.add(f.addr, 16, 4, dst, { hidden: true });
  ctx.add(f.dstHost, 16, 4, d, { hidden: true });
  ctx.add(f.host, 16, 4, d, { hidden: true });
  if (hl > 20) ipv4Options(ctx, hl);
  return { hl, totalLen, ident: v.u16be(4), flags, fragOff, p, s, d };
}

/** IPv4 option numbers (the low five bits of the type), as Wireshark names them. */
const IP_OPTION_NUMBERS: Record<number, string> = {
  0: 'End of Option List (EOL)',
  1: 'No-Operation (NOP)',
  2: 'Security',
  3: 'Loose source route',
  4: 'Time stamp',
  7: 'Record route',
  8: 'Stream identifier',
  9: 'Strict source route',
  11: 'MTU probe',
  12: 'MTU Reply',
  18: 'Traceroute',
  20: 'Router Alert',
  25: 'Quick-Start',
};

const ipo = {
  type: uint('ip.opt.type', 'Type', 8),
  copy: bool('ip.opt.type.copy', 'Copy on fragmentation', {
    bits: 8,
    bitmask: 0x80,
    trueFalse: ['Yes', 'No'],
  }),
  cls: uint('ip.opt.type.class', 'Class', 8, {
    bitmask: 0x60,
    strings: {
      0: 'Control',
      1: 'Reserved for future use',
      2: 'Debugging and measurement',
      3: 'Reserved for future use',
    },
  }),
  number: uint('ip.opt.type.number', 'Number', 8, { bitmask: 0x1f, strings: IP_OPTION_NUMBERS }),
  len: uint('ip.opt.len', 'Length', 8),
  ra: uint('ip.opt.ra', 'Router Alert', 16, { strings: { 0: 'Router shall examine packet' } }),
};
const IPV4_OPTION_ITEMS = [f.options, ...Object.values(ipo)];

/**
 * The options of an IPv4 header: one subtree each ("IP Option - Router Alert (4 bytes): …") with its type
 * (copy flag, class, number) and length; End of Options List ends them.
 */
function ipv4Options(ctx: DissectCtx, hl: number): void {
  const v = ctx.view;
  if (!ctx.wantsAny(IPV4_OPTION_ITEMS)) return;
  const opts: { type: number; off: number; len: number }[] = [];
  for (let at = 20; at < hl;) {
    const type = v.u8(at);
    let len = 1;
    if (type > 1) {
      if (at + 1 >= hl) break;
      len = v.u8(at + 1);
      if (len < 2 || at + len > hl) break;
    }
    opts.push({ type, off: at, len });
    at += len;
    if (type === 0) break;
  }
  const title = (type: number) =>
    type === 0
      ? 'End of Options List (EOL)'
      : (IP_OPTION_NUMBERS[type & 0x1f] ?? `Unknown (0x${type.toString(16)})`);
  const top = ctx.add(f.options, 20, hl - 20, v.slice(20, hl - 20), {
    // The summary names the options that say something (not No-Operation or End of Options List).
    label: () =>
      `Options: (${hl - 20} bytes)${opts
        .filter((o) => o.type > 1)
        .map((o) => `, ${title(o.type)}`)
        .join('')}`,
  });
  for (const o of opts) {
    const ra = o.type === 148 && o.len === 4 ? v.u16be(o.off + 2) : undefined;
    const raText =
      ra === undefined ? '' : `: ${ra === 0 ? 'Router shall examine packet' : 'Unknown'} (${ra})`;
    const sub = ctx.add(wsText, o.off, o.len, null, {
      parent: top,
      label: `IP Option - ${title(o.type)}${o.len > 1 ? ` (${o.len} bytes)` : ''}${raText}`,
    });
    const t = ctx.add(ipo.type, o.off, 1, o.type, { parent: sub });
    ctx.add(ipo.copy, o.off, 1, (o.type & 0x80) !== 0, { parent: t });
    ctx.add(ipo.cls, o.off, 1, (o.type >> 5) & 3, { parent: t });
    ctx.add(ipo.number, o.off, 1, o.type & 0x1f, { parent: t });
    if (o.len > 1) ctx.add(ipo.len, o.off + 1, 1, o.len, { parent: sub });
    if (ra !== undefined) ctx.add(ipo.ra, o.off + 2, 2, ra, { parent: sub });
  }
}

/** The same values without items. */
function ipv4Values(ctx: DissectCtx): V4Header | undefined {
  const v = ctx.view;
  const b0 = v.u8(0);
  const version = b0 >> 4;
  const hl = (b0 & 15) * 4;
  if (version !== 4 || hl < 20) {
    ctx.columns.protocol = 'IPv4';
    // Wireshark 4.0's texts: the version first, then the header length.
    ctx.columns.info =
      version !== 4
        ? `Bogus IPv4 version (${version}, must be 4)`
        : `Bogus IP header length (${hl}, must be at least 20)`;
    ctx.expert(undefined, 'error', 'malformed', ctx.columns.info);
    return undefined;
  }
  v.check(0, hl);
  const fl = v.u16be(6);
  // Read by ICMP's Info only: not set for TCP and UDP, which never lead to ICMP (one Map entry less per packet).
  const p = v.u8(9);
  if (p !== 6 && p !== 17) ctx.pinfo.data.set('ip.ttl', v.u8(8));
  return {
    hl,
    totalLen: v.u16be(2),
    ident: v.u16be(4),
    flags: fl >> 13,
    fragOff: (fl & 0x1fff) * 8,
    p,
    s: ipv4Text(v.u32be(12)),
    d: ipv4Text(v.u32be(16)),
  };
}

export const ipv4 = defineProtocol({
  abbrev: 'ip',
  name: 'Internet Protocol Version 4',
  // Raw IPv4 files (link type 228) start with the IP header: no "Raw packet data" layer, as in Wireshark.
  registerIn: { ethertype: 0x0800, 'ip.proto': 4, wtap_encap: LINKTYPE.IPV4 },
  dissect(ctx) {
    // With none of the header's items recorded (the list, most filters) only the values are read.
    const h = ctx.wantsAny(IPV4_ITEMS) ? ipv4Header(ctx) : ipv4Values(ctx);
    if (!h) return;
    const { hl, totalLen, ident, flags, fragOff, p, s, d } = h;
    const v = ctx.view;
    if (ctx.fullTree) ctx.setLabel(ctx.top, `Internet Protocol Version 4, Src: ${s}, Dst: ${d}`);
    ctx.setLength(ctx.top, hl);
    ctx.pinfo.netSrc = s;
    ctx.pinfo.netDst = d;
    ctx.columns.protocol = 'IPv4';
    if (totalLen < hl) {
      ctx.columns.info = `Bogus IP length (${totalLen}, less than header length ${hl})`;
      ctx.expert(undefined, 'error', 'malformed', ctx.columns.info);
      return;
    }
    reportUsedLength(ctx, totalLen);
    const avail = Math.min(totalLen, v.length) - hl;
    const mf = (flags & 1) !== 0;
    if (mf || fragOff > 0) {
      ctx.columns.info = `Fragmented IP protocol (proto=${IP_PROTOS[p] ?? p} ${p}, off=${fragOff}, ID=${ident.toString(16).padStart(4, '0')})`;
      if (fragOff > 0 || !mf) {
        ctx.data(hl, avail);
        return;
      }
    }
    if (totalLen > v.length && ctx.frame.capLen === ctx.frame.origLen) {
      // The datagram claims more bytes than the frame holds: dissect what is there, like tshark.
      ipPayload(ctx, p, hl, avail);
      return;
    }
    ipPayload(ctx, p, hl, Math.max(0, Math.min(totalLen, v.length) - hl), Math.max(0, totalLen - hl));
  },
});

const f6 = {
  version: uint('ipv6.version', 'Version', 8, { bitmask: 0xf0 }),
  tclass: uint('ipv6.tclass', 'Traffic Class', 32, { base: 'hex', bitmask: 0x0ff00000 }),
  tclassDscp: uint('ipv6.tclass.dscp', 'Differentiated Services Codepoint', 32, {
    bitmask: 0x0fc00000,
    strings: DSCP_NAMES,
  }),
  tclassEcn: uint('ipv6.tclass.ecn', 'Explicit Congestion Notification', 32, {
    bitmask: 0x00300000,
    strings: ECN_NAMES,
  }),
  flow: uint('ipv6.flow', 'Flow Label', 24, { base: 'hex', bitmask: 0x0fffff }),
  plen: uint('ipv6.plen', 'Payload Length', 16),
  nxt: uint('ipv6.nxt', 'Next Header', 8, { strings: IP_PROTOS }),
  hlim: uint('ipv6.hlim', 'Hop Limit', 8),
  src: ipv6Field('ipv6.src', 'Source Address'),
  dst: ipv6Field('ipv6.dst', 'Destination Address'),
  addr: ipv6Field('ipv6.addr', 'Source or Destination Address'),
  srcHost: str('ipv6.src_host', 'Source Host'),
  dstHost: str('ipv6.dst_host', 'Destination Host'),
  host: str('ipv6.host', 'Source or Destination Host'),
  srcSlaac: ether('ipv6.src_slaac_mac', 'Source SLAAC MAC'),
  dstSlaac: ether('ipv6.dst_slaac_mac', 'Destination SLAAC MAC'),
  slaac: ether('ipv6.slaac_mac', 'SLAAC MAC'),
  fragOffset: uint('ipv6.fraghdr.offset', 'Offset', 16),
  fragMore: bool('ipv6.fraghdr.more', 'More Fragments'),
  fragId: uint('ipv6.fraghdr.ident', 'Identification', 32, { base: 'hex' }),
};

/** Hop-by-hop and destination options (tshark's names and fields). */
const V6_OPT_NAMES: Record<number, string> = {
  0x00: 'Pad1',
  0x01: 'PadN',
  0x04: 'Tunnel Encapsulation Limit',
  0x05: 'Router Alert',
  0xc2: 'Jumbo Payload',
  0xc9: 'Home Address',
};
const v6opt = {
  opt: none('ipv6.opt', 'IPv6 Option'),
  type: uint('ipv6.opt.type', 'Type', 8, { base: 'hex', strings: V6_OPT_NAMES }),
  action: uint('ipv6.opt.type.action', 'Action', 8, {
    bitmask: 0xc0,
    strings: {
      0: 'Skip and continue',
      1: 'Discard',
      2: 'Discard and send ICMP Parameter Problem',
      3: 'Discard and send ICMP if not multicast',
    },
  }),
  change: bool('ipv6.opt.type.change', 'May Change', { bits: 8, bitmask: 0x20, trueFalse: ['Yes', 'No'] }),
  rest: uint('ipv6.opt.type.rest', 'Low-Order Bits', 8, { base: 'hex', bitmask: 0x1f }),
  length: uint('ipv6.opt.length', 'Length', 8),
  padn: bytesField('ipv6.opt.padn', 'PadN', { allowZero: true }),
  routerAlert: uint('ipv6.opt.router_alert', 'Router Alert', 16, {
    strings: { 0: 'MLD', 1: 'RSVP', 2: 'Active Networks' },
  }),
  unknown: bytesField('ipv6.opt.unknown', 'Unknown Option Payload'),
};
const V6_OPT_ITEMS = Object.values(v6opt);

/** The options of a hop-by-hop or destination options header, one subtree each, under `parent`. */
function v6Options(ctx: DissectCtx, start: number, end: number, parent: Item): void {
  if (!ctx.wantsAny(V6_OPT_ITEMS)) return;
  const v = ctx.view;
  for (let o = start; o < end;) {
    const t = v.u8(o);
    const len = t === 0 ? 0 : v.u8(o + 1);
    const size = t === 0 ? 1 : 2 + len;
    if (o + size > end) break;
    const it = ctx.add(v6opt.opt, o, size, null, {
      parent,
      label: () => V6_OPT_NAMES[t] ?? `Unknown IPv6 Option (0x${t.toString(16).padStart(2, '0')})`,
    });
    const ti = ctx.add(v6opt.type, o, 1, t, { parent: it });
    ctx.add(v6opt.action, o, 1, t >> 6, { parent: ti });
    ctx.add(v6opt.change, o, 1, (t & 0x20) !== 0, { parent: ti });
    ctx.add(v6opt.rest, o, 1, t & 0x1f, { parent: ti });
    if (t !== 0) {
      ctx.add(v6opt.length, o + 1, 1, len, { parent: it });
      if (t === 1)
        ctx.add(v6opt.padn, o + 2, len, v.slice(o + 2, len), {
          parent: it,
          label: () => `PadN: ${len ? toHexText(v.slice(o + 2, len)) : '<none>'}`,
        });
      else if (t === 5 && len === 2) ctx.add(v6opt.routerAlert, o + 2, 2, v.u16be(o + 2), { parent: it });
      else if (len) ctx.add(v6opt.unknown, o + 2, len, v.slice(o + 2, len), { parent: it });
    }
    o += size;
  }
}

const toHexText = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** IPv6 extension headers: each is a protocol of its own in Wireshark (a layer of frame.protocols). */
const ext = (abbrev: string, name: string, nxtName = 'Next Header') => ({
  proto: proto(abbrev, name),
  nxt: uint(`${abbrev}.nxt`, nxtName, 8, { strings: IP_PROTOS }),
  len: uint(`${abbrev}.len`, 'Length', 8),
  lenOct: uint(`${abbrev}.len_oct`, 'Length', 16),
});
const IPV6_EXT: Record<number, ReturnType<typeof ext>> = {
  0: ext('ipv6.hopopts', 'IPv6 Hop-by-Hop Option'),
  43: ext('ipv6.routing', 'Routing Header for IPv6'),
  44: ext('ipv6.fraghdr', 'Fragment Header for IPv6', 'Next header'),
  60: ext('ipv6.dstopts', 'Destination Options for IPv6'),
};

const IPV6_ITEMS = [
  f.version,
  f6.srcSlaac,
  f6.dstSlaac,
  f6.slaac,
  f6.version,
  f6.tclass,
  f6.tclassDscp,
  f6.tclassEcn,
  f6.flow,
  f6.plen,
  f6.nxt,
  f6.hlim,
  f6.src,
  f6.dst,
  f6.addr,
  f6.srcHost,
  f6.dstHost,
  f6.host,
];

/** Wireshark's "[Source SLAAC MAC: …]" of an address whose interface identifier is an EUI-64 (ff:fe). */
function slaacItems(ctx: DissectCtx, a: Uint8Array, off: number, field: FieldDef): void {
  if (a[11] !== 0xff || a[12] !== 0xfe) return;
  const mac = Uint8Array.of(a[8] ^ 0x02, a[9], a[10], a[13], a[14], a[15]);
  ctx.add(field, off + 8, 8, mac, { generated: true });
  ctx.add(f6.slaac, off + 8, 8, mac, { generated: true, hidden: true });
}

export const ipv6 = defineProtocol({
  abbrev: 'ipv6',
  name: 'Internet Protocol Version 6',
  registerIn: { ethertype: 0x86dd, 'ip.proto': 41, wtap_encap: LINKTYPE.IPV6 },
  dissect(ctx) {
    const v = ctx.view;
    // The header's items only when one is recorded (the values are read either way, for the bounds checks).
    const items = ctx.wantsAny(IPV6_ITEMS);
    const w = v.u32be(0);
    const version = w >>> 28;
    if (items) ctx.add(f6.version, 0, 1, version);
    // Wireshark adds IPv4's version field too, hidden (`ip.version == 6` finds IPv6 packets).
    if (items) ctx.add(f.version, 0, 1, version, { hidden: true });
    if (items) {
      const tc = (w >>> 20) & 0xff;
      const tci = ctx.add(f6.tclass, 0, 4, tc, {
        label: () => `${bitFieldText(f6.tclass, tc, 4)} ${dsSummary(tc)}`,
      });
      ctx.add(f6.tclassDscp, 0, 4, tc >> 2, { parent: tci });
      ctx.add(f6.tclassEcn, 0, 4, tc & 3, { parent: tci });
    }
    if (items) ctx.add(f6.flow, 1, 3, w & 0xfffff);
    const plen = v.u16be(4);
    if (items) ctx.add(f6.plen, 4, 2, plen);
    let nxt = v.u8(6);
    if (items) ctx.add(f6.nxt, 6, 1, nxt);
    if (items) ctx.add(f6.hlim, 7, 1, v.u8(7));
    const hlim = v.u8(7);
    if (nxt !== 6 && nxt !== 17) ctx.pinfo.data.set('ipv6.hlim', hlim); // for ICMPv6 (see ipv4Values)
    const src = v.slice(8, 16);
    const dst = v.slice(24, 16);
    // ICMPv6 verifies its checksum over a pseudo-header of these addresses.
    if (nxt !== 6 && nxt !== 17) ctx.pinfo.data.set('ipv6.addrs', [src, dst]);
    const s = formatIPv6(src);
    const d = formatIPv6(dst);
    if (items) ctx.add(f6.src, 8, 16, src);
    if (items) ctx.add(f6.addr, 8, 16, src, { hidden: true });
    if (items) ctx.add(f6.srcHost, 8, 16, s, { hidden: true });
    if (items) ctx.add(f6.host, 8, 16, s, { hidden: true });
    if (items) ctx.add(f6.dst, 24, 16, dst);
    if (items) ctx.add(f6.addr, 24, 16, dst, { hidden: true });
    if (items) ctx.add(f6.dstHost, 24, 16, d, { hidden: true });
    if (items) ctx.add(f6.host, 24, 16, d, { hidden: true });
    // An interface identifier made from a MAC address (EUI-64: ff:fe in its middle) names that address.
    if (items) {
      slaacItems(ctx, src, 8, f6.srcSlaac);
      slaacItems(ctx, dst, 24, f6.dstSlaac);
    }
    if (ctx.fullTree) ctx.setLabel(ctx.top, `Internet Protocol Version 6, Src: ${s}, Dst: ${d}`);
    ctx.pinfo.netSrc = s;
    ctx.pinfo.netDst = d;
    ctx.columns.protocol = 'IPv6';
    let off = 40;
    const end = Math.min(v.length, 40 + plen);
    reportUsedLength(ctx, 40 + plen);
    // Extension headers: hop-by-hop (0), routing (43), fragment (44), destination options (60).
    for (
      let guard = 0;
      guard < 16 && (nxt === 0 || nxt === 43 || nxt === 44 || nxt === 60) && off + 8 <= end;
      guard++
    ) {
      const next = v.u8(off);
      const e = IPV6_EXT[nxt];
      const len = nxt === 44 ? 8 : (v.u8(off + 1) + 1) * 8;
      const item = ctx.layerItem(e.proto, off, len, undefined, ctx.top);
      ctx.add(e.nxt, off, 1, next, { parent: item });
      if (nxt === 44) {
        const fo = v.u16be(off + 2);
        ctx.add(f6.fragOffset, off + 2, 2, fo >> 3, { parent: item });
        ctx.add(f6.fragMore, off + 3, 1, (fo & 1) !== 0, { parent: item });
        ctx.add(f6.fragId, off + 4, 4, v.u32be(off + 4), { parent: item });
        off += 8;
        nxt = next;
        if (fo >> 3 !== 0 || fo & 1) {
          ctx.setLength(ctx.top, off);
          ctx.columns.info = `IPv6 fragment (off=${fo >> 3} more=${(fo & 1) !== 0 ? 'y' : 'n'} ident=0x${v
            .u32be(off - 4)
            .toString(16)
            .padStart(8, '0')} nxt=${nxt})`;
          ctx.data(off, end - off);
          return;
        }
        continue;
      }
      ctx.add(e.len, off + 1, 1, v.u8(off + 1), { parent: item });
      ctx.add(e.lenOct, off + 1, 1, len, {
        parent: item,
        generated: true,
        label: () => `[Length: ${len} bytes]`,
      });
      if (nxt === 0 || nxt === 60) v6Options(ctx, off + 2, Math.min(off + len, end), item);
      off += len;
      nxt = next;
    }
    ctx.setLength(ctx.top, off);
    if (nxt === 59) return;
    ctx.pinfo.data.set('ip.payload_len', Math.max(0, 40 + plen - off));
    ctx.handoff('ip.proto', nxt, off, Math.max(0, end - off));
  },
});
// ip.version comes with either IP header (see fieldOwners): a filter on it must not skip IPv6 packets.
declareWithin([ipv4.field, ipv6.field], [f.version]);

// ── ICMP ───────────────────────────────────────────────────────────────────────────────────────────────────
export const ICMP_TYPES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  4: 'Source quench (flow control)',
  5: 'Redirect',
  8: 'Echo (ping) request',
  9: 'Router advertisement',
  10: 'Router solicitation',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
};
const UNREACH: Record<number, string> = {
  0: 'Network unreachable',
  1: 'Host unreachable',
  2: 'Protocol unreachable',
  3: 'Port unreachable',
  4: 'Fragmentation needed',
  5: 'Source route failed',
  6: 'Destination network unknown',
  7: 'Destination host unknown',
  8: 'Source host isolated',
  9: 'Network administratively prohibited',
  10: 'Host administratively prohibited',
  11: 'Network unreachable for TOS',
  12: 'Host unreachable for TOS',
  13: 'Communication administratively filtered',
  14: 'Host precedence violation',
  15: 'Precedence cutoff in effect',
};
/** Code names by type, as Wireshark shows them after the code ("Code: 3 (Port unreachable)") and in Info. */
const ICMP_CODES: Record<number, Record<number, string>> = {
  3: UNREACH,
  5: {
    0: 'Redirect for network',
    1: 'Redirect for host',
    2: 'Redirect for TOS and network',
    3: 'Redirect for TOS and host',
  },
  11: { 0: 'Time to live exceeded in transit', 1: 'Fragment reassembly time exceeded' },
  12: { 0: 'Pointer indicates the error', 1: 'Required option missing', 2: 'Bad length' },
};

const fi = {
  type: uint('icmp.type', 'Type', 8, { strings: ICMP_TYPES }),
  code: uint('icmp.code', 'Code', 8),
  checksum: uint('icmp.checksum', 'Checksum', 16, { base: 'hex' }),
  checksumStatus: checksumStatus('icmp.checksum.status'),
  ident: uint('icmp.ident', 'Identifier (BE)', 16, { base: 'dec_hex' }),
  identLe: uint('icmp.ident_le', 'Identifier (LE)', 16, { base: 'dec_hex' }),
  seq: uint('icmp.seq', 'Sequence Number (BE)', 16, { base: 'dec_hex' }),
  seqLe: uint('icmp.seq_le', 'Sequence Number (LE)', 16, { base: 'dec_hex' }),
  respIn: uint('icmp.resp_in', 'Response frame', 32),
  respTo: uint('icmp.resp_to', 'Request frame', 32),
  respTime: float('icmp.resptime', 'Response time'),
  respNotFound: none('icmp.resp_not_found', 'Response not found'),
  redirGw: ipv4Field('icmp.redir_gw', 'Gateway Address'),
  pointer: uint('icmp.pointer', 'Pointer', 8),
  unused: bytesField('icmp.unused', 'Unused'),
  mtu: uint('icmp.mtu', 'MTU of next hop', 16),
  dataTime: absTime('icmp.data_time', 'Timestamp from icmp data'),
  dataTimeRelative: relTime('icmp.data_time_relative', 'Timestamp from icmp data (relative)'),
};
const ICMP_ECHO: EchoFields = {
  ...fi,
  notSeen: () => 'No response seen to ICMP request',
};

const CHECKSUM_ITEMS = [fi.checksum, fi.checksumStatus] as const;
/** ICMP's checksum covers the message alone. */
const NO_PSEUDO = new Uint8Array(0);

interface EchoState {
  /** The latest request by identifier, sequence number and addresses: its frame and arrival time. */
  requests: Map<string, { frame: number; s: number; ns: number }>;
}

/** The fields of an echo pair, and the expert message of a request nobody answered (Wireshark's words). */
interface EchoFields {
  respIn: FieldDef;
  respTo: FieldDef;
  respTime: FieldDef;
  respNotFound: FieldDef;
  notSeen: (frame: number) => string;
}

/**
 * Pairs echo requests and replies (by id, sequence and addresses). On the first pass a request cannot know its
 * reply yet (tshark's one-pass output shows nothing); re-dissected later it shows "(reply in N)".
 */
function echoPair(
  ctx: DissectCtx,
  key: string,
  isRequest: boolean,
  id: number,
  seq: number,
  fields: EchoFields,
): string {
  const { respIn, respTo, respTime } = fields;
  const st = ctx.state.get<EchoState>(`${key}.echo`, () => ({ requests: new Map() }));
  const k = `${id}:${seq}:${isRequest ? `${ctx.pinfo.netSrc}>${ctx.pinfo.netDst}` : `${ctx.pinfo.netDst}>${ctx.pinfo.netSrc}`}`;
  const n = ctx.frame.number;
  if (!ctx.visited) {
    // A reply answers the latest request with its identifier and sequence number (a request sent twice: the
    // second), and a request is answered by its first reply, as in Wireshark.
    if (isRequest) st.requests.set(k, { frame: n, s: ctx.frame.tsSec, ns: ctx.frame.tsNsec });
    else {
      const req = st.requests.get(k);
      if (req !== undefined) {
        ctx.state.setFrame(`${key}.pair`, n, req.frame);
        // The response time in milliseconds (Wireshark's icmp.resptime).
        ctx.state.setFrame(
          `${key}.rtt`,
          n,
          (ctx.frame.tsSec - req.s) * 1e3 + (ctx.frame.tsNsec - req.ns) / 1e6,
        );
        if (ctx.state.getFrame(`${key}.reply`, req.frame) === undefined)
          ctx.state.setFrame(`${key}.reply`, req.frame, n);
      }
    }
  }
  if (isRequest) {
    if (!ctx.visited) return '';
    const reply = ctx.state.getFrame<number>(`${key}.reply`, n);
    if (reply === undefined) {
      const it = ctx.add(fields.respNotFound, 0, 0, null, { generated: true, label: '[No response seen]' });
      ctx.expert(it, 'warn', 'sequence', fields.notSeen(n));
      return ' (no response found!)';
    }
    ctx.add(respIn, 0, 0, reply, { generated: true });
    return ` (reply in ${reply})`;
  }
  const req = ctx.state.getFrame<number>(`${key}.pair`, n);
  if (req === undefined) return ' (no response found!)';
  ctx.add(respTo, 0, 0, req, { generated: true });
  const ms = ctx.state.getFrame<number>(`${key}.rtt`, n);
  if (ms !== undefined)
    ctx.add(respTime, 0, 0, ms, { generated: true, label: () => `[${respTime.name}: ${ms.toFixed(3)} ms]` });
  return ` (request in ${req})`;
}

export const icmp = defineProtocol({
  abbrev: 'icmp',
  name: 'Internet Control Message Protocol',
  registerIn: { 'ip.proto': 1 },
  dissect(ctx) {
    const v = ctx.view;
    const type = v.u8(0);
    const code = v.u8(1);
    const name = ICMP_TYPES[type] ?? `Unknown ICMP (obsolete or malformed?)`;
    // Wireshark labels the type number first ("Type: 8 (Echo (ping) request)").
    ctx.add(fi.type, 0, 1, type, { label: () => `Type: ${type} (${name})` });
    const codes = ICMP_CODES[type];
    const codeName = codes ? (codes[code] ?? `Unknown code: ${code}`) : undefined;
    ctx.add(fi.code, 1, 1, code, {
      label: () => `Code: ${code}${codeName === undefined ? '' : ` (${codeName})`}`,
    });
    checksumItems(ctx, CHECKSUM_ITEMS, NO_PSEUDO);
    ctx.columns.protocol = 'ICMP';
    if (type === 0 || type === 8) {
      const id = v.u16be(4);
      const seq = v.u16be(6);
      ctx.add(fi.ident, 4, 2, id);
      ctx.add(fi.identLe, 4, 2, ((id & 255) << 8) | (id >> 8));
      ctx.add(fi.seq, 6, 2, seq);
      ctx.add(fi.seqLe, 6, 2, ((seq & 255) << 8) | (seq >> 8));
      const leSeq = ((seq & 255) << 8) | (seq >> 8);
      let info = `${name}${type === 0 ? '  ' : ''}  id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}/${leSeq}, ttl=${ttlOf(ctx)}`;
      info += echoPair(ctx, 'icmp', type === 8, id, seq, ICMP_ECHO);
      ctx.columns.info = info;
      const at = echoTimestamp(ctx);
      ctx.data(at, v.length - at, ctx.top);
      return;
    }
    // Info: the type, then the code's name for the types that have them (Wireshark's "%-20s (%s)").
    ctx.columns.info = codeName === undefined ? name : `${name.padEnd(20)} (${codeName})`;
    // The second word of the error messages: the redirect's gateway, the problem's pointer, the next hop's MTU
    // (fragmentation needed), else unused.
    if (v.length >= 8) {
      if (type === 5) ctx.add(fi.redirGw, 4, 4, v.u32be(4));
      else if (type === 12) {
        ctx.add(fi.pointer, 4, 1, v.u8(4));
        ctx.add(fi.unused, 5, 3, v.slice(5, 3));
      } else if (type === 3 && code === 4) {
        ctx.add(fi.unused, 4, 2, v.slice(4, 2));
        ctx.add(fi.mtu, 6, 2, v.u16be(6));
      } else if (type === 3 || type === 11) ctx.add(fi.unused, 4, 4, v.slice(4, 4));
    }
    if ((type === 3 || type === 4 || type === 11 || type === 5 || type === 12) && v.length > 8) {
      // The quoted datagram: show it as an inner IP layer.
      quoted(ctx, 0x0800, 8);
    }
  },
});

/**
 * ping(8) puts its send time (a timeval, either byte order) at the start of the echoed data: Wireshark shows it
 * when it lies within a day of the packet's own time, and the Data layer starts after it. Returns where the
 * Data layer (in ICMP's tree; tshark has no icmp.data field) begins.
 */
function echoTimestamp(ctx: DissectCtx): number {
  const v = ctx.view;
  if (v.length < 16) return 8;
  const now = ctx.frame.tsSec;
  // Wireshark's abs((guint32)(secs - now)): the difference as a signed 32-bit number.
  const off = (s: number, us: number) => Math.abs((s - now) | 0) >= 86_400 || us >= 1_000_000;
  let s = v.u32be(8);
  let us = v.u32be(12);
  if (off(s, us)) {
    s = v.u32le(8);
    us = v.u32le(12);
    if (off(s, us)) return 8;
  }
  ctx.add(fi.dataTime, 8, 8, { s, ns: us * 1000 });
  let rs = ctx.frame.tsSec - s;
  let rns = ctx.frame.tsNsec - us * 1000;
  if (rns < 0 && rs > 0) {
    rs -= 1;
    rns += 1e9;
  } else if (rns > 0 && rs < 0) {
    rs += 1;
    rns -= 1e9;
  }
  ctx.add(fi.dataTimeRelative, 8, 8, { s: rs, ns: rns }, { generated: true });
  return 16;
}

/** Dissects the datagram quoted by an ICMP error without letting it change the frame's columns. */
function quoted(ctx: DissectCtx, ethertype: number, off: number): void {
  const cols = { ...ctx.columns };
  const { netSrc, netDst, srcPort, dstPort, ptype } = ctx.pinfo;
  // Wireshark's pinfo->flags.in_error_pkt: the quoted headers are not a conversation's traffic.
  ctx.pinfo.data.set('in_error_pkt', true);
  ctx.nestHeaders(ctx.top, () => ctx.handoff('ethertype', ethertype, off));
  ctx.pinfo.data.delete('in_error_pkt');
  Object.assign(ctx.columns, cols);
  Object.assign(ctx.pinfo, { netSrc, netDst, srcPort, dstPort, ptype });
}

function ttlOf(ctx: DissectCtx): number | string {
  return (ctx.pinfo.data.get('ip.ttl') as number | undefined) ?? '';
}

// ICMPv6
const ICMP6_TYPES: Record<number, string> = {
  1: 'Destination Unreachable',
  2: 'Packet Too Big',
  3: 'Time Exceeded',
  4: 'Parameter Problem',
  128: 'Echo (ping) request',
  129: 'Echo (ping) reply',
  130: 'Multicast Listener Query',
  131: 'Multicast Listener Report',
  133: 'Router Solicitation',
  134: 'Router Advertisement',
  135: 'Neighbor Solicitation',
  136: 'Neighbor Advertisement',
  137: 'Redirect',
  143: 'Multicast Listener Report Message v2',
};
/** ICMPv6 option types (RFC 4861). */
const OPTION_NAMES: Record<number, string> = {
  1: 'Source link-layer address',
  2: 'Target link-layer address',
  3: 'Prefix information',
  4: 'Redirected header',
  5: 'MTU',
};

const f6i = {
  type: uint('icmpv6.type', 'Type', 8, { strings: ICMP6_TYPES }),
  code: uint('icmpv6.code', 'Code', 8),
  checksum: uint('icmpv6.checksum', 'Checksum', 16, { base: 'hex' }),
  echoId: uint('icmpv6.echo.identifier', 'Identifier', 16, { base: 'hex' }),
  echoSeq: uint('icmpv6.echo.sequence_number', 'Sequence', 16),
  ndTarget: ipv6Field('icmpv6.nd.ns.target_address', 'Target Address'),
  naTarget: ipv6Field('icmpv6.nd.na.target_address', 'Target Address'),
  respIn: uint('icmpv6.resp_in', 'Response In', 32),
  respTo: uint('icmpv6.resp_to', 'Response To', 32),
  respTime: float('icmpv6.resptime', 'Response Time'),
  respNotFound: none('icmpv6.resp_not_found', 'Response not found'),
  checksumStatus: checksumStatus('icmpv6.checksum.status'),
  reserved: bytesField('icmpv6.reserved', 'Reserved'),
  mldDelay: uint('icmpv6.mld.maximum_response_delay', 'Maximum Response Delay [ms]', 16),
  mldAddr: ipv6Field('icmpv6.mld.multicast_address', 'Multicast Address'),
  naFlags: uint('icmpv6.nd.na.flag', 'Flags', 32, { base: 'hex' }),
  naRouter: bool('icmpv6.nd.na.flag.r', 'Router', setBit(32, 0x80000000)),
  naSolicited: bool('icmpv6.nd.na.flag.s', 'Solicited', setBit(32, 0x40000000)),
  naOverride: bool('icmpv6.nd.na.flag.o', 'Override', setBit(32, 0x20000000)),
  naReserved: uint('icmpv6.nd.na.flag.rsv', 'Reserved', 32, { bitmask: 0x1fffffff }),
  option: none('icmpv6.opt', 'ICMPv6 Option'),
  raHopLimit: uint('icmpv6.nd.ra.cur_hop_limit', 'Cur hop limit', 8),
  raFlags: uint('icmpv6.nd.ra.flag', 'Flags', 8, { base: 'hex' }),
  raM: bool('icmpv6.nd.ra.flag.m', 'Managed address configuration', setBit(8, 0x80)),
  raO: bool('icmpv6.nd.ra.flag.o', 'Other configuration', setBit(8, 0x40)),
  raH: bool('icmpv6.nd.ra.flag.h', 'Home Agent', setBit(8, 0x20)),
  raPrf: uint('icmpv6.nd.ra.flag.prf', 'Prf (Default Router Preference)', 8, {
    bitmask: 0x18,
    strings: { 0: 'Medium', 1: 'High', 2: 'Reserved', 3: 'Low' },
  }),
  raP: bool('icmpv6.nd.ra.flag.p', 'Proxy', setBit(8, 0x04)),
  raRsv: uint('icmpv6.nd.ra.flag.rsv', 'Reserved', 8, { bitmask: 0x03 }),
  raLifetime: uint('icmpv6.nd.ra.router_lifetime', 'Router lifetime (s)', 16),
  raReachable: uint('icmpv6.nd.ra.reachable_time', 'Reachable time (ms)', 32),
  raRetrans: uint('icmpv6.nd.ra.retrans_timer', 'Retrans timer (ms)', 32),
  optReserved: none('icmpv6.opt.reserved', 'Reserved'),
  prefixLength: uint('icmpv6.opt.prefix.length', 'Prefix Length', 8),
  prefixFlag: uint('icmpv6.opt.prefix.flag', 'Flag', 8, { base: 'hex' }),
  prefixL: bool('icmpv6.opt.prefix.flag.l', 'On-link flag(L)', setBit(8, 0x80)),
  prefixA: bool('icmpv6.opt.prefix.flag.a', 'Autonomous address-configuration flag(A)', setBit(8, 0x40)),
  prefixR: bool('icmpv6.opt.prefix.flag.r', 'Router address flag(R)', setBit(8, 0x20)),
  prefixRsv: uint('icmpv6.opt.prefix.flag.reserved', 'Reserved', 8, { bitmask: 0x1f }),
  prefixValid: uint('icmpv6.opt.prefix.valid_lifetime', 'Valid Lifetime', 32),
  prefixPreferred: uint('icmpv6.opt.prefix.preferred_lifetime', 'Preferred Lifetime', 32),
  prefix: ipv6Field('icmpv6.opt.prefix', 'Prefix'),
  mtu: uint('icmpv6.opt.mtu', 'MTU', 32),
  optType: uint('icmpv6.opt.type', 'Type', 8, { strings: OPTION_NAMES }),
  optLength: uint('icmpv6.opt.length', 'Length', 8),
  linkAddr: ether('icmpv6.opt.linkaddr', 'Link-layer address'),
  srcLinkAddr: ether('icmpv6.opt.src_linkaddr', 'Source Link-layer address'),
  targetLinkAddr: ether('icmpv6.opt.target_linkaddr', 'Target Link-layer address'),
};
const ICMPV6_ECHO: EchoFields = {
  ...f6i,
  notSeen: (frame) => `No response seen to ICMPv6 request in frame ${frame}`,
};

/** Code names Wireshark shows after the type (Info and tree) for the error messages. */
const ICMP6_CODES: Record<number, Record<number, string>> = {
  1: {
    0: 'no route to destination',
    1: 'Administratively prohibited',
    2: 'Beyond scope of source address',
    3: 'Address unreachable',
    4: 'Port unreachable',
    5: 'Source address failed ingress/egress policy',
    6: 'Reject route to destination',
    7: 'Error in Source Routing Header',
  },
  3: { 0: 'hop limit exceeded in transit', 1: 'fragment reassembly time exceeded' },
  4: {
    0: 'erroneous header field encountered',
    1: 'unrecognized Next Header type encountered',
    2: 'unrecognized IPv6 option encountered',
  },
};

/** Where the options of a Neighbor Discovery message start (RFC 4861), by type. */
const ND_OPTIONS_AT: Record<number, number> = { 133: 8, 134: 16, 135: 24, 136: 24, 137: 40 };

const CHECKSUM6_ITEMS = [f6i.checksum, f6i.checksumStatus] as const;

/**
 * The IPv6 pseudo-header ICMPv6's checksum covers (addresses, upper-layer length, next header 58), or undefined
 * when the addresses are not known.
 */
function icmp6Pseudo(ctx: DissectCtx): Uint8Array | undefined {
  const addrs = ctx.pinfo.data.get('ipv6.addrs') as [Uint8Array, Uint8Array] | undefined;
  if (!addrs) return undefined;
  const p = new Uint8Array(40);
  p.set(addrs[0], 0);
  p.set(addrs[1], 16);
  new DataView(p.buffer).setUint32(32, ctx.view.length);
  p[39] = 58;
  return p;
}

/**
 * A flags field of `width` bytes (1 or 4) at `at`: "Flags: 0x.." and the names of the flags set (then `extra`),
 * each of `bits` under it.
 */
function flagsWord(
  ctx: DissectCtx,
  at: number,
  width: 1 | 4,
  field: FieldDef,
  bits: readonly FieldDef[],
  parent: Item | undefined,
  extra: (w: number) => string[] = () => [],
): void {
  const w = width === 1 ? ctx.view.u8(at) : ctx.view.u32be(at);
  const set = bits.filter((x) => x.kind === 'bool' && w & (x.bitmask ?? 0)).map((x) => x.name);
  const it = ctx.add(field, at, width, w, {
    parent,
    label: () =>
      `${field.name}: 0x${w.toString(16).padStart(2 * width, '0')}${[...set, ...extra(w)].map((x) => `, ${x}`).join('')}`,
  });
  for (const x of bits) {
    const m = x.bitmask ?? 0;
    const part = (w & m) >>> 0;
    ctx.add(x, at, width, x.kind === 'bool' ? part !== 0 : part / 2 ** maskShift(m), { parent: it });
  }
}

/** Router Advertisement (RFC 4861 4.2): hop limit, flags, lifetimes; its options follow. */
function raItems(ctx: DissectCtx): void {
  const v = ctx.view;
  ctx.add(f6i.raHopLimit, 4, 1, v.u8(4));
  flagsWord(
    ctx,
    5,
    1,
    f6i.raFlags,
    [f6i.raM, f6i.raO, f6i.raH, f6i.raPrf, f6i.raP, f6i.raRsv],
    undefined,
    (b) => [`Prf (Default Router Preference): ${f6i.raPrf.strings?.get((b >> 3) & 3) ?? ''}`],
  );
  ctx.add(f6i.raLifetime, 6, 2, v.u16be(6));
  ctx.add(f6i.raReachable, 8, 4, v.u32be(8));
  ctx.add(f6i.raRetrans, 12, 4, v.u32be(12));
}

/**
 * Neighbor Discovery options from `off`: the link-layer address options (Ethernet's six bytes) add " from MAC"
 * (source) or " is at MAC" (target) to the Info text, as in Wireshark. Returns the text to append.
 */
function ndOptions(ctx: DissectCtx, off: number): string {
  const v = ctx.view;
  let info = '';
  while (off + 2 <= v.length) {
    const type = v.u8(off);
    const len = v.u8(off + 1) * 8;
    if (len === 0 || off + len > v.length) break; // malformed: a zero length would never end
    const name = OPTION_NAMES[type] ?? `Unknown (${type})`;
    const mac = (type === 1 || type === 2) && len === 8 ? v.slice(off + 2, 6) : undefined;
    const prefix = type === 3 && len === 32 ? v.slice(off + 16, 16) : undefined;
    const mtu = type === 5 && len === 8 ? v.u32be(off + 4) : undefined;
    const what = mac
      ? formatEther(mac)
      : prefix
        ? `${formatIPv6(prefix)}/${v.u8(off + 2)}`
        : mtu !== undefined
          ? String(mtu)
          : undefined;
    // One subtree per option, named after it (and what it carries), as Wireshark shows them.
    const opt = ctx.add(f6i.option, off, len, null, {
      label: () => `ICMPv6 Option (${name}${what !== undefined ? ` : ${what}` : ''})`,
    });
    ctx.add(f6i.optType, off, 1, type, { parent: opt });
    ctx.add(f6i.optLength, off + 1, 1, len / 8, {
      parent: opt,
      label: () => `Length: ${len / 8} (${len} bytes)`,
    });
    if (mac) {
      ctx.add(f6i.linkAddr, off + 2, 6, mac, { parent: opt });
      ctx.add(type === 1 ? f6i.srcLinkAddr : f6i.targetLinkAddr, off + 2, 6, mac, {
        parent: opt,
        hidden: true,
      });
      info += `${type === 1 ? ' from' : ' is at'} ${formatEther(mac)}`;
    } else if (prefix) {
      ctx.add(f6i.prefixLength, off + 2, 1, v.u8(off + 2), { parent: opt });
      flagsWord(ctx, off + 3, 1, f6i.prefixFlag, [f6i.prefixL, f6i.prefixA, f6i.prefixR, f6i.prefixRsv], opt);
      ctx.add(f6i.prefixValid, off + 4, 4, v.u32be(off + 4), { parent: opt });
      ctx.add(f6i.prefixPreferred, off + 8, 4, v.u32be(off + 8), { parent: opt });
      ctx.add(f6i.optReserved, off + 12, 4, null, { parent: opt });
      ctx.add(f6i.prefix, off + 16, 16, prefix, { parent: opt });
    } else if (mtu !== undefined) {
      ctx.add(f6i.optReserved, off + 2, 2, null, { parent: opt });
      ctx.add(f6i.mtu, off + 4, 4, mtu, { parent: opt });
    }
    off += len;
  }
  return info;
}

defineProtocol({
  abbrev: 'icmpv6',
  name: 'Internet Control Message Protocol v6',
  registerIn: { 'ip.proto': 58 },
  dissect(ctx) {
    const v = ctx.view;
    const type = v.u8(0);
    const code = v.u8(1);
    const codeName = ICMP6_CODES[type]?.[code];
    ctx.add(f6i.type, 0, 1, type);
    ctx.add(f6i.code, 1, 1, code, codeName ? { label: () => `Code: ${code} (${codeName})` } : undefined);
    checksumItems(ctx, CHECKSUM6_ITEMS, icmp6Pseudo(ctx));
    if (type === 1 || type === 3 || type === 133 || type === 135 || type === 137)
      ctx.add(f6i.reserved, 4, 4, v.slice(4, 4));
    else if (type >= 130 && type <= 132 && v.length >= 24) {
      // MLDv1 query, report, done.
      ctx.add(f6i.mldDelay, 4, 2, v.u16be(4));
      ctx.add(f6i.reserved, 6, 2, v.slice(6, 2));
      ctx.add(f6i.mldAddr, 8, 16, v.slice(8, 16));
    }
    ctx.columns.protocol = 'ICMPv6';
    let info = ICMP6_TYPES[type] ?? `Unknown ICMPv6 type ${type}`;
    if (codeName) info += ` (${codeName})`;
    if (type === 128 || type === 129) {
      const id = v.u16be(4);
      const seq = v.u16be(6);
      ctx.add(f6i.echoId, 4, 2, id);
      ctx.add(f6i.echoSeq, 6, 2, seq);
      info += ` id=0x${id.toString(16).padStart(4, '0')}, seq=${seq}, hop limit=${(ctx.pinfo.data.get('ipv6.hlim') as number | undefined) ?? ''}`;
      info += echoPair(ctx, 'icmpv6', type === 128, id, seq, ICMPV6_ECHO);
      ctx.data(8, v.length - 8, ctx.top);
    } else if (type === 135 && v.length >= 24) {
      const t = v.slice(8, 16);
      ctx.add(f6i.ndTarget, 8, 16, t);
      info += ` for ${formatIPv6(t)}`;
    } else if (type === 134 && v.length >= 16) {
      raItems(ctx);
    } else if (type === 136 && v.length >= 24) {
      const flags = v.u32be(4);
      const r = (flags & 0x80000000) !== 0;
      const sol = (flags & 0x40000000) !== 0;
      const o = (flags & 0x20000000) !== 0;
      flagsWord(
        ctx,
        4,
        4,
        f6i.naFlags,
        [f6i.naRouter, f6i.naSolicited, f6i.naOverride, f6i.naReserved],
        undefined,
      );
      const t = v.slice(8, 16);
      ctx.add(f6i.naTarget, 8, 16, t);
      info += ` ${formatIPv6(t)}`;
      const names = [r && 'rtr', sol && 'sol', o && 'ovr'].filter((x) => x);
      if (names.length) info += ` (${names.join(', ')})`;
    }
    const opts = ND_OPTIONS_AT[type];
    if (opts !== undefined && (type !== 135 && type !== 136 ? v.length >= opts : v.length >= 24))
      info += ndOptions(ctx, opts);
    ctx.columns.info = info;
    if (type >= 1 && type <= 4 && v.length > 8) {
      // The quoted datagram that caused the error, as an inner IPv6 layer.
      quoted(ctx, 0x86dd, 8);
    }
  },
});

export { checksum16 };
