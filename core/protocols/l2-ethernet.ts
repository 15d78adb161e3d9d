/** Ethernet II, 802.1Q VLAN, ARP, Linux cooked capture (SLL, SLL2), BSD loopback, raw IP link types. */
import {
  bool,
  bytes as bytesField,
  checksumStatus,
  ether,
  frameNum,
  ipv4,
  nameOnlyProtocols,
  none,
  proto,
  str,
  uint,
  type FieldDef,
} from '../fields/registry.js';
import { toHex } from '../bytes/byteview.js';
import { defineProtocol, wsText, type DissectCtx } from '../dissect/engine.js';
import { formatEther, formatIPv4 } from '../fields/format.js';
import { LINKTYPE } from '../capture/linktypes.js';
import { resolvedMac } from './l2-vendors.js';

/**
 * Names tshark gives SNAP organization codes (its OUI table's, word for word): `info` in a Frame Relay Info
 * column, `tree` in the Organization Code line, where 00:00:00's is cut short.
 */
export const SNAP_OUIS: Record<number, { info: string; tree: string }> = {
  0x000000: { info: 'Officially Xerox, but 0:0:0:0:0:0 is more common', tree: 'Officially Xerox, but' },
  0x00000c: { info: 'Cisco Systems, Inc', tree: 'Cisco Systems, Inc' },
  0x0080c2: { info: 'IEEE', tree: 'IEEE' },
};

/**
 * A SNAP header's "Organization Code: 00:00:0c (Cisco Systems, Inc)" line as tshark prints it (for 00:00:00,
 * "(Officially Xerox, but" without its closing parenthesis).
 */
export function snapOuiLabel(oui: number): string {
  const text = [oui >> 16, (oui >> 8) & 255, oui & 255].map((b) => b.toString(16).padStart(2, '0')).join(':');
  const name = SNAP_OUIS[oui]?.tree;
  return `Organization Code: ${text}${name === undefined ? '' : ` (${name}${oui === 0 ? '' : ')'}`}`;
}

export const ETHERTYPES: Record<number, string> = {
  0x0800: 'IPv4',
  0x0806: 'ARP',
  0x86dd: 'IPv6',
  0x8100: '802.1Q Virtual LAN',
  0x88a8: '802.1ad Provider Bridge (Q-in-Q)',
  0x888e: '802.1X Authentication',
  0x8863: 'PPPoE Discovery',
  0x8864: 'PPPoE Session',
  0x8847: 'MPLS label switched packet',
  0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
};

const f = {
  dst: ether('eth.dst', 'Destination'),
  src: ether('eth.src', 'Source'),
  addr: ether('eth.addr', 'Address'),
  dstRes: str('eth.dst_resolved', 'Destination (resolved)'),
  srcRes: str('eth.src_resolved', 'Source (resolved)'),
  addrRes: str('eth.addr_resolved', 'Address (resolved)'),
  lg: bool('eth.lg', 'LG bit', {
    bits: 24,
    bitmask: 0x020000,
    trueFalse: [
      'Locally administered address (this is NOT the factory default)',
      'Globally unique address (factory default)',
    ],
  }),
  ig: bool('eth.ig', 'IG bit', {
    bits: 24,
    bitmask: 0x010000,
    trueFalse: ['Group address (multicast/broadcast)', 'Individual address (unicast)'],
  }),
  dstLg: bool('eth.dst.lg', 'LG bit'),
  dstIg: bool('eth.dst.ig', 'IG bit'),
  srcLg: bool('eth.src.lg', 'LG bit'),
  srcIg: bool('eth.src.ig', 'IG bit'),
  type: uint('eth.type', 'Type', 16, { base: 'hex', strings: ETHERTYPES }),
  len: uint('eth.len', 'Length', 16),
  padding: bytesField('eth.padding', 'Padding'),
  trailer: bytesField('eth.trailer', 'Trailer'),
  fcs: uint('eth.fcs', 'Frame check sequence', 32, { base: 'hex' }),
  fcsStatus: checksumStatus('eth.fcs.status', 'FCS Status'),
};

function macItems(ctx: DissectCtx, off: number, isDst: boolean): Uint8Array {
  const m = ctx.view.slice(off, 6);
  const label = ctx.fullTree
    ? `${isDst ? 'Destination' : 'Source'}: ${resolvedMac(m)} (${formatEther(m)})`
    : undefined;
  const it = ctx.add(isDst ? f.dst : f.src, off, 6, m, { label });
  ctx.add(isDst ? f.dstRes : f.srcRes, off, 6, ctx.fullTree ? resolvedMac(m) : formatEther(m), {
    generated: true,
    hidden: true,
  });
  // tshark shows the address again under Destination / Source, above its two bits.
  ctx.add(f.addr, off, 6, m, {
    parent: it,
    label: () => `Address: ${resolvedMac(m)} (${formatEther(m)})`,
  });
  // As the source/destination ones: the vendor name in the full tree, the address itself for filters (tshark -n).
  ctx.add(f.addrRes, off, 6, ctx.fullTree ? resolvedMac(m) : formatEther(m), {
    generated: true,
    hidden: true,
  });
  ctx.add(isDst ? f.dstLg : f.srcLg, off, 3, (m[0] & 2) !== 0, { parent: it, hidden: true });
  ctx.add(f.lg, off, 3, (m[0] & 2) !== 0, { parent: it });
  ctx.add(isDst ? f.dstIg : f.srcIg, off, 3, (m[0] & 1) !== 0, { parent: it, hidden: true });
  ctx.add(f.ig, off, 3, (m[0] & 1) !== 0, { parent: it });
  return m;
}

/**
 * The trailer field of the layer carrying an ethertype, and whether its trailer may end with an FCS (only
 * Ethernet's: 802.1Q and Linux cooked captures have none), as Wireshark's ethertype_data gives them.
 */
interface TrailerKind {
  field: FieldDef;
  fcs: boolean;
  /** Padding, trailer, FCS: skipped as a whole (with the scan for zeros) when none is recorded. */
  items: readonly FieldDef[];
}
const trailerKind = (field: FieldDef, fcs: boolean): TrailerKind => ({
  field,
  fcs,
  items: fcs ? [f.padding, field, f.fcs, f.fcsStatus] : [f.padding, field],
});
const ETH_TRAILER = trailerKind(f.trailer, true);

/**
 * The length the protocol an ethertype handed to says it used (IP's total length, ARP's addresses), counted
 * from where it starts; the bytes after it are padding or a trailer. The outermost such layer sets it.
 */
export function reportUsedLength(ctx: DissectCtx, len: number): void {
  if (!ctx.pinfo.data.has('ethertype.used')) ctx.pinfo.data.set('ethertype.used', len);
}

/**
 * The bytes after what the payload at `start` used (`used`), as Wireshark's add_ethernet_trailer takes them
 * with its defaults (padding must be zeros, FCS unknown): zeros up to the 60-byte minimum frame are padding;
 * the rest is a trailer, its last four bytes a frame check sequence when the frame has 64 bytes or more; a
 * trailer where zero padding was expected gets a note. The items go in the tree of the layer that carries the
 * ethertype (Ethernet, or 802.1Q).
 */
function trailerItems(ctx: DissectCtx, start: number, used: number, kind: TrailerKind): void {
  const v = ctx.view;
  const at = start + used;
  const pktLen = ctx.frame.origLen;
  const reported = pktLen - ctx.base; // this layer's bytes on the wire
  let trailerRep = reported - at;
  let trailerLen = Math.max(0, v.length - at);
  if (trailerRep <= 0 || !ctx.wantsAny(kind.items)) return;
  const maybePadded = pktLen >= 60 && pktLen - trailerRep < 60;
  let padding = 0;
  if (maybePadded) {
    padding = 60 - (pktLen - trailerRep);
    if (padding > trailerLen) padding = 0;
    for (let i = 0; i < padding; i++) if (v.bytes[at + i] !== 0) padding = 0;
    if (padding > 0) {
      ctx.add(f.padding, at, padding, v.slice(at, padding));
      trailerLen -= padding;
      trailerRep -= padding;
    }
  }
  let hasFcs = false;
  if (kind.fcs && reported >= 64 && trailerRep >= 4) {
    trailerRep -= 4;
    trailerLen = Math.min(trailerLen, trailerRep);
    hasFcs = true;
  }
  if (trailerLen > 0) {
    const it = ctx.add(kind.field, at + padding, trailerLen, v.slice(at + padding, trailerLen));
    if (maybePadded && padding === 0)
      ctx.expert(
        it,
        'note',
        'protocol',
        "Didn't find padding of zeros, and an undecoded trailer exists. There may be padding of non-zeros.",
      );
  }
  const fcsAt = at + padding + trailerLen;
  if (hasFcs && fcsAt + 4 <= v.length) {
    const fcs = v.u32be(fcsAt);
    ctx.add(f.fcs, fcsAt, 4, fcs, {
      label: () => `Frame check sequence: 0x${fcs.toString(16).padStart(8, '0')} [unverified]`,
    });
    ctx.add(f.fcsStatus, fcsAt, 4, 2, { generated: true });
  }
}

const ETH_ITEMS = [
  f.dst,
  f.src,
  f.addr,
  f.dstRes,
  f.srcRes,
  f.addrRes,
  f.lg,
  f.ig,
  f.dstLg,
  f.dstIg,
  f.srcLg,
  f.srcIg,
];

/**
 * aa:bb:cc:dd:ee:ff of recently seen addresses (few distinct ones per capture; bounded). Keyed by the last four
 * bytes as a small integer (fast map keys), the first two checked on a hit.
 */
const macTexts = new Map<number, { hi: number; text: string }>();
function macText(b: Uint8Array, o: number): string {
  const key = (b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5];
  const hi = (b[o] << 8) | b[o + 1];
  const e = macTexts.get(key);
  if (e !== undefined && e.hi === hi) return e.text;
  if (macTexts.size >= 65536) macTexts.clear();
  const text = formatEther(b.subarray(o, o + 6));
  macTexts.set(key, { hi, text });
  return text;
}

// The pseudo-layer between Ethernet and its payload ("eth:ethertype:ip").
nameOnlyProtocols({ ethertype: 'Ethertype' });

/** Hands the payload to the ethertype table and marks the bytes after what it used as padding/trailer. */
export function ethertypeHandoff(ctx: DissectCtx, type: number, off: number, trailer = ETH_TRAILER): void {
  ctx.addLayerName('ethertype');
  ctx.pinfo.data.delete('ethertype.used');
  ctx.handoff('ethertype', type, off);
  const used = ctx.pinfo.data.get('ethertype.used') as number | undefined;
  // Taken by this layer: an outer one (Ethernet around 802.1Q) has no trailer of its own.
  ctx.pinfo.data.set('ethertype.used', Infinity);
  if (used !== undefined && used !== Infinity) trailerItems(ctx, off, used, trailer);
}

export const eth = defineProtocol({
  abbrev: 'eth',
  name: 'Ethernet II',
  registerIn: { wtap_encap: LINKTYPE.ETHERNET },
  dissect(ctx) {
    // The address items are skipped as a whole when none is recorded (the list, most filters).
    if (ctx.wantsAny(ETH_ITEMS)) {
      macItems(ctx, 0, true);
      macItems(ctx, 6, false);
    } else ctx.view.check(0, 12);
    const bytes = ctx.view.bytes;
    ctx.pinfo.dlDst = macText(bytes, 0);
    ctx.pinfo.dlSrc = macText(bytes, 6);
    const type = ctx.view.u16be(12);
    if (ctx.fullTree) {
      const dst = bytes.subarray(0, 6);
      const src = bytes.subarray(6, 12);
      // A length instead of a type: IEEE 802.3 (raw IPX when the payload starts with IPX's ffff checksum).
      const name =
        type > 1500
          ? 'Ethernet II, '
          : `IEEE 802.3 Ethernet ${ctx.view.length >= 16 && ctx.view.u16be(14) === 0xffff ? 'Raw ' : ''}`;
      ctx.setLabel(
        ctx.top,
        type > 1500
          ? `${name}Src: ${resolvedMac(src)} (${formatEther(src)}), Dst: ${resolvedMac(dst)} (${formatEther(dst)})`
          : name,
      );
    }
    if (type <= 1500) {
      ctx.add(f.len, 12, 2, type);
      ctx.setLength(ctx.top, 14);
      ctx.columns.protocol = 'LLC';
      // The 802.2 LLC header follows (raw IPX, starting with its ffff checksum, has none).
      const len = Math.min(type, ctx.view.length - 14);
      if (ctx.view.length >= 16 && ctx.view.u16be(14) === 0xffff) ctx.data(14, len);
      else ctx.handoff('llc', 0, 14, len);
      trailerItems(ctx, 14, type, ETH_TRAILER);
      return;
    }
    ctx.add(f.type, 12, 2, type);
    ctx.setLength(ctx.top, 14);
    ethertypeHandoff(ctx, type, 14);
  },
});

const vf = {
  priority: uint('vlan.priority', 'Priority', 16, {
    bitmask: 0xe000,
    strings: {
      0: 'Best Effort (default)',
      1: 'Background',
      2: 'Spare',
      3: 'Excellent Effort',
      4: 'Controlled Load',
      5: 'Video, < 100ms latency and jitter',
      6: 'Voice, < 10ms latency and jitter',
      7: 'Network Control',
    },
  }),
  dei: bool('vlan.dei', 'DEI', { bits: 16, bitmask: 0x1000, trueFalse: ['Eligible', 'Ineligible'] }),
  id: uint('vlan.id', 'ID', 16, { bitmask: 0x0fff }),
  etype: uint('vlan.etype', 'Type', 16, { base: 'hex', strings: ETHERTYPES }),
  len: uint('vlan.len', 'Length', 16),
  trailer: bytesField('vlan.trailer', 'Trailer'),
};

const VLAN_TRAILER = trailerKind(vf.trailer, false);

export const vlan = defineProtocol({
  abbrev: 'vlan',
  name: '802.1Q Virtual LAN',
  registerIn: { ethertype: [0x8100, 0x88a8, 0x9100] },
  dissect(ctx) {
    const tci = ctx.view.u16be(0);
    const pri = tci >> 13;
    const dei = (tci >> 12) & 1;
    const id = tci & 0xfff;
    ctx.add(vf.priority, 0, 2, pri);
    ctx.add(vf.dei, 0, 2, dei === 1);
    ctx.add(vf.id, 0, 2, id);
    const type = ctx.view.u16be(2);
    ctx.setLabel(ctx.top, () => `802.1Q Virtual LAN, PRI: ${pri}, DEI: ${dei}, ID: ${id}`);
    ctx.setLength(ctx.top, 4);
    ctx.columns.protocol = 'VLAN';
    ctx.columns.info = `PRI: ${pri}  DEI: ${dei}  ID: ${id}`;
    if (type <= 1500) {
      ctx.add(vf.len, 2, 2, type);
      ctx.data(4);
      return;
    }
    ctx.add(vf.etype, 2, 2, type);
    ethertypeHandoff(ctx, type, 4, VLAN_TRAILER);
  },
});

/** ARP hardware types (also DHCP's htype). */
export const ARP_HW_TYPES: Record<number, string> = {
  0: 'NET/ROM pseudo',
  1: 'Ethernet',
  2: 'Experimental Ethernet',
  3: 'AX.25',
  4: 'ProNET',
  5: 'Chaos',
  6: 'IEEE 802',
  7: 'ARCNET',
  8: 'Hyperchannel',
  9: 'Lanstar',
  10: 'Autonet Short Address',
  11: 'Localtalk',
  12: 'LocalNet',
  13: 'Ultra link',
  14: 'SMDS',
  15: 'Frame Relay DLCI',
  16: 'ATM',
  17: 'HDLC',
  18: 'Fibre Channel',
  19: 'ATM (RFC 2225)',
  20: 'Serial Line',
  21: 'ATM',
  24: 'IEEE 1394.1995',
  27: 'EUI-64',
  32: 'InfiniBand',
};

const ARP_OPCODES: Record<number, string> = {
  1: 'request',
  2: 'reply',
  3: 'reverse request',
  4: 'reverse reply',
  5: 'drarp request',
  6: 'drarp reply',
  7: 'drarp error',
  8: 'inverse request',
  9: 'inverse reply',
  10: 'arp nak',
  0: 'reserved',
  0xffff: 'reserved',
};

const af = {
  hwType: uint('arp.hw.type', 'Hardware type', 16, { strings: ARP_HW_TYPES }),
  protoType: uint('arp.proto.type', 'Protocol type', 16, { base: 'hex', strings: ETHERTYPES }),
  hwSize: uint('arp.hw.size', 'Hardware size', 8),
  protoSize: uint('arp.proto.size', 'Protocol size', 8),
  opcode: uint('arp.opcode', 'Opcode', 16, { strings: ARP_OPCODES }),
  isGratuitous: bool('arp.isgratuitous', 'Is gratuitous'),
  isAnnouncement: bool('arp.isannouncement', 'Is announcement'),
  isProbe: bool('arp.isprobe', 'Is probe'),
  srcHw: ether('arp.src.hw_mac', 'Sender MAC address'),
  srcHwBytes: bytesField('arp.src.hw', 'Sender hardware address'),
  srcProto: ipv4('arp.src.proto_ipv4', 'Sender IP address'),
  srcProtoBytes: bytesField('arp.src.proto', 'Sender protocol address'),
  dstHw: ether('arp.dst.hw_mac', 'Target MAC address'),
  dstHwBytes: bytesField('arp.dst.hw', 'Target hardware address'),
  dstProto: ipv4('arp.dst.proto_ipv4', 'Target IP address'),
  dstProtoBytes: bytesField('arp.dst.proto', 'Target protocol address'),
  drarpError: uint('arp.dst.drarp_error_status', 'DRARP error status', 16),
  dupFrame: frameNum('arp.duplicate-address-frame', 'Frame showing earlier use of IP address'),
  dupSeconds: uint('arp.seconds-since-duplicate-address-frame', 'Seconds since earlier frame seen', 32),
  dupDetected: none('arp.duplicate-address-detected', 'Duplicate IP address configured'),
};

/** Which MAC address an IPv4 address was last seen at in ARP, in which frame, at which second. */
interface ArpBinding {
  mac: string;
  frame: number;
  secs: number;
}

/** A frame's ARP sender or target claiming an address another MAC used before it. */
interface ArpDuplicate {
  ip: number;
  mac: string;
  earlier: ArpBinding;
  /** Whole seconds since the earlier frame (Wireshark subtracts the seconds of the two timestamps). */
  since: number;
}

/** What a frame's duplicate check found, kept for its re-dissection. */
interface ArpChecks {
  found: ArpDuplicate[];
  /** The address the Info column names: the last check's, when it found a duplicate. */
  infoIp?: number;
}

/**
 * Wireshark's duplicate IP address detection (on by default): every ARP request or reply binds its sender's IPv4
 * address (and a reply its target's) to the MAC address given, unless the MAC is a group or all-zero one or the
 * address is 0.0.0.0. An address already bound to another MAC in an earlier frame is a duplicate — two hosts
 * configured alike, or someone poisoning ARP caches — and the first binding stays. As in Wireshark, the Info
 * column reports only the frame's last check (a reply whose target check finds nothing hides its sender's
 * duplicate there; the tree shows both).
 */
function arpDuplicates(
  ctx: DissectCtx,
  op: number,
  sha: number,
  spa: number,
  tha: number,
  tpa: number,
): ArpChecks {
  const n = ctx.frame.number;
  if (ctx.visited) return ctx.state.getFrame<ArpChecks>('arp.duplicates', n) ?? { found: [] };
  const v = ctx.view;
  const table = ctx.state.get('arp.bindings', () => new Map<number, ArpBinding>());
  const out: ArpChecks = { found: [] };
  let detected = false;
  let lastIp = 0;
  const check = (macAt: number, ipAt: number) => {
    const mac = v.slice(macAt, 6);
    const ip = v.u32be(ipAt);
    if (mac[0] & 1 || mac.every((x) => x === 0) || ip === 0) return false;
    const text = formatEther(mac);
    const secs = ctx.frame.tsSec;
    const b = table.get(ip);
    detected = false;
    if (!b) table.set(ip, { mac: text, frame: n, secs });
    else if (n > b.frame) {
      if (b.mac === text) {
        b.frame = n;
        b.secs = secs;
      } else {
        out.found.push({ ip, mac: text, earlier: { ...b }, since: secs - b.secs });
        detected = true;
        lastIp = ip;
      }
    }
    return true;
  };
  check(sha, spa);
  // A request's target addresses mean nothing; a gratuitous reply's target is its sender, reported once.
  if (op !== 1 && !(detected && v.u32be(tpa) === lastIp)) check(tha, tpa);
  if (detected) out.infoIp = lastIp;
  if (out.found.length || out.infoIp !== undefined) ctx.state.setFrame('arp.duplicates', n, out);
  return out;
}

/** The top-level "[Duplicate IP address detected for …]" subtree Wireshark adds after the ARP layer. */
function duplicateTree(ctx: DissectCtx, d: ArpDuplicate): void {
  const ip = formatIPv4(d.ip);
  const sub = ctx.topItem(wsText, null, {
    label: `[Duplicate IP address detected for ${ip} (${d.mac}) - also in use by ${d.earlier.mac} (frame ${d.earlier.frame})]`,
    generated: true,
  });
  const frame = ctx.add(af.dupFrame, 0, 0, d.earlier.frame, { parent: sub, generated: true });
  ctx.add(af.dupDetected, 0, 0, null, { parent: frame, generated: true, hidden: true });
  ctx.expert(frame, 'warn', 'sequence', `Duplicate IP address configured (${ip})`);
  ctx.add(af.dupSeconds, 0, 0, d.since, { parent: sub, generated: true });
}

/** Protocol and Info columns of the other opcodes, as tshark 4.0 shows them (RFC 903 RARP, DRARP, RFC 2390 InARP). */
function otherOpcode(op: number, sha: string, spa: string, tha: string, tpa: string): [string, string] {
  switch (op) {
    case 3:
      return ['RARP', `Who is ${tha}? Tell ${sha}`];
    case 4:
      return ['RARP', `${tha} is at ${tpa}`];
    case 5:
      return ['DRARP', `Who is ${tha}? Tell ${sha}`];
    case 6:
      return ['DRARP', `${tha} is at ${tpa}`];
    case 7:
      return ['DRARP', 'DRARP Error'];
    case 8:
      return ['Inverse ARP', `Who is ${tha}? Tell ${sha}`];
    case 9:
      return ['Inverse ARP', `${sha} is at ${spa}`];
    case 10:
      return ['ARP', 'ARP NAK'];
    case 0:
    case 0xffff:
      return ['ARP', `Reserved opcode ${op}`];
    default:
      return ['ARP', `Unknown ARP opcode 0x${op.toString(16).padStart(4, '0')}`];
  }
}

export const arp = defineProtocol({
  abbrev: 'arp',
  name: 'Address Resolution Protocol',
  registerIn: { ethertype: 0x0806 },
  dissect(ctx) {
    const v = ctx.view;
    const hw = v.u16be(0);
    ctx.columns.protocol = 'ARP';
    ctx.columns.info = '';
    ctx.add(af.hwType, 0, 2, hw);
    const pt = v.u16be(2);
    ctx.add(af.protoType, 2, 2, pt);
    const hs = v.u8(4);
    ctx.add(af.hwSize, 4, 1, hs);
    const ps = v.u8(5);
    ctx.add(af.protoSize, 5, 1, ps);
    const op = v.u16be(6);
    ctx.add(af.opcode, 6, 2, op);
    ctx.setLength(ctx.top, 8 + 2 * hs + 2 * ps);
    reportUsedLength(ctx, 8 + 2 * hs + 2 * ps);
    // Addresses are MACs only for Ethernet / IEEE 802 hardware of size 6, IPv4 only for IP of size 4; any other
    // (a Frame Relay DLCI, say) is shown as hex digits, as Wireshark does.
    const isMac = (hw === 1 || hw === 6) && hs === 6;
    // IPv4, or IP over AX.25 (its protocol id 0xcc), as Wireshark's ARP_PRO_IS_IPv4.
    const isIp = (pt === 0x0800 || pt === 0xcc) && ps === 4;
    const sha = 8;
    const spa = sha + hs;
    const tha = spa + ps;
    const tpa = tha + hs;
    const hwText = (o: number) =>
      hs === 0 ? '<No address>' : isMac ? formatEther(v.slice(o, 6)) : toHex(v.slice(o, hs));
    const protoText = (o: number) =>
      ps === 0 ? '<No address>' : isIp ? formatIPv4(v.u32be(o)) : toHex(v.slice(o, ps));
    // RFC 5227: a probe asks from 0.0.0.0 with no target MAC, an announcement is a gratuitous request with none.
    // As in Wireshark, each flag is an item only when it is true.
    let probe = false;
    let gratuitous = false;
    let announcement = false;
    if (op === 1 || op === 2) {
      v.check(tpa, ps);
      // Wireshark compares six bytes at the target hardware address and reads four at the sender's protocol
      // address whatever the sizes say (a comparison past the end is false).
      const noTargetMac = tha + 6 <= v.length && v.slice(tha, 6).every((x) => x === 0);
      probe = op === 1 && noTargetMac && v.u32be(spa) === 0;
      gratuitous = !probe && v.slice(spa, ps).every((x, i) => x === v.u8(tpa + i));
      announcement = gratuitous && op === 1 && noTargetMac;
    }
    if (op === 1) {
      const tp = protoText(tpa);
      ctx.columns.info = probe
        ? `Who has ${tp}? (ARP Probe)`
        : announcement
          ? `ARP Announcement for ${tp}`
          : gratuitous
            ? `Gratuitous ARP for ${tp} (Request)`
            : `Who has ${tp}? Tell ${protoText(spa)}`;
    } else if (op === 2) {
      ctx.columns.info = gratuitous
        ? `Gratuitous ARP for ${protoText(spa)} (Reply)`
        : `${protoText(spa)} is at ${hwText(sha)}`;
    } else {
      const [protocol, info] = otherOpcode(op, hwText(sha), protoText(spa), hwText(tha), protoText(tpa));
      ctx.columns.protocol = protocol;
      ctx.columns.info = info;
    }
    const opName = ARP_OPCODES[op];
    ctx.setLabel(
      ctx.top,
      () =>
        `Address Resolution Protocol (${
          opName === undefined
            ? `opcode 0x${op.toString(16).padStart(4, '0')}`
            : probe
              ? 'ARP Probe'
              : announcement
                ? 'ARP Announcement'
                : gratuitous
                  ? `${opName}/gratuitous ARP`
                  : opName
        })`,
    );
    if (gratuitous) ctx.add(af.isGratuitous, 0, 0, true, { generated: true });
    if (probe) ctx.add(af.isProbe, 0, 0, true, { generated: true });
    if (announcement) ctx.add(af.isAnnouncement, 0, 0, true, { generated: true });
    const hwItem = (field: FieldDef, bytesDef: FieldDef, o: number) => {
      if (hs === 0) return;
      // tshark -V names a MAC address as the Ethernet layer does (vendor and the last three bytes).
      if (isMac) {
        const m = v.slice(o, 6);
        ctx.add(field, o, 6, m, { label: () => `${field.name}: ${resolvedMac(m)} (${formatEther(m)})` });
      } else ctx.add(bytesDef, o, hs, v.slice(o, hs));
    };
    const protoItem = (field: FieldDef, bytesDef: FieldDef, o: number) => {
      if (ps === 0) return;
      if (isIp) ctx.add(field, o, 4, v.u32be(o));
      else ctx.add(bytesDef, o, ps, v.slice(o, ps));
    };
    hwItem(af.srcHw, af.srcHwBytes, sha);
    protoItem(af.srcProto, af.srcProtoBytes, spa);
    hwItem(af.dstHw, af.dstHwBytes, tha);
    if (op === 7 && ps !== 0) ctx.add(af.drarpError, tpa, 1, v.u8(tpa));
    else protoItem(af.dstProto, af.dstProtoBytes, tpa);
    if ((op === 1 || op === 2) && isMac && isIp) {
      const dup = arpDuplicates(ctx, op, sha, spa, tha, tpa);
      for (const d of dup.found) duplicateTree(ctx, d);
      if (dup.infoIp !== undefined)
        ctx.columns.info += ` (duplicate use of ${formatIPv4(dup.infoIp)} detected!)`;
    }
  },
});

const sll = {
  pkttype: uint('sll.pkttype', 'Packet type', 16, {
    strings: {
      0: 'Unicast to us',
      1: 'Broadcast',
      2: 'Multicast',
      3: 'Unicast to another host',
      4: 'Sent by us',
    },
  }),
  hatype: uint('sll.hatype', 'Link-layer address type', 16),
  halen: uint('sll.halen', 'Link-layer address length', 16),
  src: ether('sll.src.eth', 'Source'),
  srcOther: bytesField('sll.src.other', 'Source'),
  etype: uint('sll.etype', 'Protocol', 16, { base: 'hex', strings: ETHERTYPES }),
  ifindex: uint('sll.ifindex', 'Interface index', 32),
  trailer: bytesField('sll.trailer', 'Trailer'),
};
const SLL_TRAILER = trailerKind(sll.trailer, false);
// Wireshark uses the same field names for both versions of the cooked header.
proto('sll2', 'Linux cooked capture v2');

function sllCommon(ctx: DissectCtx, halen: number, addrOff: number, etypeOff: number, hdrLen: number): void {
  const addr = ctx.view.slice(addrOff, Math.min(halen, 8));
  if (halen === 6) {
    ctx.add(sll.src, addrOff, 6, addr, { label: () => `Source: ${formatEther(addr)}` });
    ctx.pinfo.dlSrc = formatEther(addr);
  } else if (halen > 0) {
    ctx.add(sll.srcOther, addrOff, addr.length, addr);
  }
  const etype = ctx.view.u16be(etypeOff);
  ctx.add(sll.etype, etypeOff, 2, etype);
  ctx.setLength(ctx.top, hdrLen);
  ctx.columns.protocol = 'SLL';
  ethertypeHandoff(ctx, etype, hdrLen, SLL_TRAILER);
}

defineProtocol({
  abbrev: 'sll',
  name: 'Linux cooked capture v1',
  registerIn: { wtap_encap: LINKTYPE.LINUX_SLL },
  dissect(ctx) {
    const pkttype = ctx.view.u16be(0);
    const hatype = ctx.view.u16be(2);
    const halen = ctx.view.u16be(4);
    ctx.add(sll.pkttype, 0, 2, pkttype);
    ctx.add(sll.hatype, 2, 2, hatype);
    ctx.add(sll.halen, 4, 2, halen);
    sllCommon(ctx, halen, 6, 14, 16);
  },
});

defineProtocol({
  abbrev: 'sll2',
  name: 'Linux cooked capture v2',
  registerIn: { wtap_encap: LINKTYPE.LINUX_SLL2 },
  dissect(ctx) {
    const ifindex = ctx.view.u32be(4);
    const hatype = ctx.view.u16be(8);
    const pkttype = ctx.view.u8(10);
    const halen = ctx.view.u8(11);
    ctx.add(sll.ifindex, 4, 4, ifindex);
    ctx.add(sll.hatype, 8, 2, hatype);
    ctx.add(sll.pkttype, 10, 1, pkttype);
    ctx.add(sll.halen, 11, 1, halen);
    sllCommon(ctx, halen, 12, 0, 20);
  },
});

const nf = {
  family: uint('null.family', 'Family', 32, { strings: { 2: 'IP', 24: 'IPv6', 28: 'IPv6', 30: 'IPv6' } }),
};

defineProtocol({
  abbrev: 'null',
  name: 'Null/Loopback',
  registerIn: { wtap_encap: [LINKTYPE.NULL, LINKTYPE.LOOP] },
  dissect(ctx) {
    // The family is in host byte order of the capturing machine (LINKTYPE_NULL) or network order (LOOP).
    let fam = ctx.view.u32le(0);
    if (fam > 0xffff) fam = ctx.view.u32be(0);
    ctx.add(nf.family, 0, 4, fam);
    ctx.setLength(ctx.top, 4);
    ctx.columns.protocol = 'NULL';
    const type = fam === 2 ? 0x0800 : fam === 24 || fam === 28 || fam === 30 ? 0x86dd : undefined;
    if (type === undefined) ctx.data(4);
    else ctx.handoff('ethertype', type, 4);
  },
});

defineProtocol({
  abbrev: 'raw',
  name: 'Raw packet data',
  registerIn: { wtap_encap: [LINKTYPE.RAW, 12, 14] },
  dissect(ctx) {
    ctx.setLabel(ctx.top, 'Raw packet data');
    ctx.setLength(ctx.top, 0);
    ctx.columns.protocol = 'Raw';
    const ver = ctx.view.u8(0) >> 4;
    ctx.handoff('ethertype', ver === 6 ? 0x86dd : 0x0800, 0);
  },
});

// ── FDDI and Token Ring, carrying 802.2 LLC (l2-wlan.ts; the corpus has NFS over FDDI and TFTP over Token Ring) ──
const fddi = {
  fc: uint('fddi.fc', 'Frame Control', 8, { base: 'hex' }),
  dst: ether('fddi.dst', 'Destination'),
  src: ether('fddi.src', 'Source'),
  addr: ether('fddi.addr', 'Source or Destination Address'),
};

defineProtocol({
  abbrev: 'fddi',
  name: 'Fiber Distributed Data Interface',
  registerIn: { wtap_encap: LINKTYPE.FDDI },
  dissect(ctx) {
    ctx.add(fddi.fc, 0, 1, ctx.view.u8(0));
    const dst = ctx.view.slice(1, 6);
    const src = ctx.view.slice(7, 6);
    ctx.add(fddi.dst, 1, 6, dst);
    ctx.add(fddi.src, 7, 6, src);
    ctx.add(fddi.addr, 1, 6, dst, { hidden: true });
    ctx.add(fddi.addr, 7, 6, src, { hidden: true });
    ctx.pinfo.dlDst = formatEther(dst);
    ctx.pinfo.dlSrc = formatEther(src);
    ctx.setLength(ctx.top, 13);
    ctx.columns.protocol = 'FDDI';
    ctx.handoff('llc', 0, 13);
  },
});

const tr = {
  ac: uint('tr.ac', 'Access Control', 8, { base: 'hex' }),
  fc: uint('tr.fc', 'Frame Control', 8, { base: 'hex' }),
  dst: ether('tr.dst', 'Destination'),
  src: ether('tr.src', 'Source'),
  addr: ether('tr.addr', 'Source or Destination Address'),
};

defineProtocol({
  abbrev: 'tr',
  name: 'Token-Ring',
  registerIn: { wtap_encap: LINKTYPE.TOKEN_RING },
  dissect(ctx) {
    ctx.add(tr.ac, 0, 1, ctx.view.u8(0));
    ctx.add(tr.fc, 1, 1, ctx.view.u8(1));
    const dst = ctx.view.slice(2, 6);
    const srcRaw = ctx.view.slice(8, 6);
    const routed = (srcRaw[0] & 0x80) !== 0;
    const src = Uint8Array.from(srcRaw);
    src[0] &= 0x7f;
    ctx.add(tr.dst, 2, 6, dst);
    ctx.add(tr.src, 8, 6, src);
    ctx.add(tr.addr, 2, 6, dst, { hidden: true });
    ctx.add(tr.addr, 8, 6, src, { hidden: true });
    ctx.pinfo.dlDst = formatEther(dst);
    ctx.pinfo.dlSrc = formatEther(src);
    const rif = routed ? ctx.view.u8(14) & 0x1f : 0;
    ctx.setLength(ctx.top, 14 + rif);
    ctx.columns.protocol = 'TR';
    ctx.handoff('llc', 0, 14 + rif);
  },
});
