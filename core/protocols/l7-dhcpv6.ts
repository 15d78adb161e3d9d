/**
 * DHCPv6 (RFC 8415, UDP ports 546/547): what an IPv6 host asks for and is given. For an investigator: the
 * client's DUID (often its MAC address and when it was first configured), the host name it sends (Client FQDN),
 * its vendor class ("MSFT 5.0") and the addresses and prefixes it leases. The options clients and servers send
 * in practice are dissected as Wireshark 4.0 shows them; others show their code and length.
 */
import { absTime, bool, bytes as bytesField, ipv6 as ipv6Field, str, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { formatIPv6 } from '../fields/format.js';
import { toHex, type ByteView } from '../bytes/byteview.js';

const MSG_TYPES: Record<number, string> = {
  1: 'Solicit',
  2: 'Advertise',
  3: 'Request',
  4: 'Confirm',
  5: 'Renew',
  6: 'Rebind',
  7: 'Reply',
  8: 'Release',
  9: 'Decline',
  10: 'Reconfigure',
  11: 'Information-request',
  12: 'Relay-forw',
  13: 'Relay-reply',
  14: 'Lease Query',
  15: 'Lease Query Reply',
};
const RELAY_FORW = 12;
const RELAY_REPLY = 13;

const OPTIONS: Record<number, string> = {
  1: 'Client Identifier',
  2: 'Server Identifier',
  3: 'Identity Association for Non-temporary Address',
  4: 'Identity Association for Temporary Address',
  5: 'IA Address',
  6: 'Option Request',
  7: 'Preference',
  8: 'Elapsed time',
  9: 'Relay Message',
  11: 'Authentication',
  12: 'Server unicast',
  13: 'Status code',
  14: 'Rapid Commit',
  15: 'User Class',
  16: 'Vendor Class',
  17: 'Vendor-specific Information',
  18: 'Interface-Id',
  19: 'Reconfigure Message',
  20: 'Reconfigure Accept',
  21: 'SIP Server Domain Name List',
  22: 'SIP Servers IPv6 Address List',
  23: 'DNS recursive name server',
  24: 'Domain Search List',
  25: 'Identity Association for Prefix Delegation',
  26: 'IA Prefix',
  27: 'NIS Servers',
  28: 'NISP Servers',
  29: 'NIS Domain Name',
  30: 'NISP Domain Name',
  31: 'SNTP Server List',
  32: 'Information Refresh Time',
  39: 'Client Fully Qualified Domain Name',
  56: 'NTP Server',
  82: 'SOL_MAX_RT',
  83: 'INF_MAX_RT',
};
const DUID_TYPES: Record<number, string> = {
  1: 'link-layer address plus time',
  2: 'assigned by vendor based on Enterprise number',
  3: 'link-layer address',
  4: 'universally unique identifier (UUID)',
};
const STATUS: Record<number, string> = {
  0: 'Success',
  1: 'UnspecFail',
  2: 'NoAddrAvail',
  3: 'NoBinding',
  4: 'NotOnLink',
  5: 'UseMulticast',
  6: 'NoPrefixAvail',
};
const HW_TYPES: Record<number, string> = { 1: 'Ethernet', 6: 'IEEE 802 Networks' };
/** Private enterprise numbers (IANA) seen in DUIDs and vendor options. */
const ENTERPRISES: Record<number, string> = {
  9: 'ciscoSystems',
  311: 'Microsoft',
  4491: 'Cable Television Laboratories, Inc.',
};

const d = {
  msgtype: uint('dhcpv6.msgtype', 'Message type', 8, { strings: MSG_TYPES }),
  hopcount: uint('dhcpv6.hopcount', 'Hopcount', 8),
  xid: uint('dhcpv6.xid', 'Transaction ID', 24, { base: 'hex' }),
  linkaddr: ipv6Field('dhcpv6.linkaddr', 'Link address'),
  peeraddr: ipv6Field('dhcpv6.peeraddr', 'Peer address'),
  optType: uint('dhcpv6.option.type', 'Option', 16, { strings: OPTIONS }),
  optLength: uint('dhcpv6.option.length', 'Length', 16),
  optTypeStr: str('dhcpv6.option.type_str', 'Option'),
  duid: bytesField('dhcpv6.duid.bytes', 'DUID'),
  duidType: uint('dhcpv6.duid.type', 'DUID Type', 16, { strings: DUID_TYPES }),
  lltHwtype: uint('dhcpv6.duidllt.hwtype', 'Hardware type', 16, { strings: HW_TYPES }),
  lltTime: absTime('dhcpv6.duidllt.time', 'DUID Time'),
  lltAddr: str('dhcpv6.duidllt.link_layer_addr', 'Link-layer address'),
  llHwtype: uint('dhcpv6.duidll.hwtype', 'Hardware type', 16, { strings: HW_TYPES }),
  llAddr: str('dhcpv6.duidll.link_layer_addr', 'Link-layer address'),
  enEnterprise: uint('dhcpv6.duiden.enterprise', 'Enterprise ID', 32, { strings: ENTERPRISES }),
  enIdentifier: bytesField('dhcpv6.duiden.identifier', 'Identifier'),
  uuid: bytesField('dhcpv6.duiduuid.bytes', 'UUID'),
  iaid: str('dhcpv6.iaid', 'IAID'),
  t1: uint('dhcpv6.iaid.t1', 'T1', 32),
  t2: uint('dhcpv6.iaid.t2', 'T2', 32),
  iaaddr: ipv6Field('dhcpv6.iaaddr.ip', 'IPv6 address'),
  iaaddrPref: uint('dhcpv6.iaaddr.pref_lifetime', 'Preferred lifetime', 32),
  iaaddrValid: uint('dhcpv6.iaaddr.valid_lifetime', 'Valid lifetime', 32),
  requested: uint('dhcpv6.requested_option_code', 'Requested Option code', 16, { strings: OPTIONS }),
  preference: uint('dhcpv6.option_preference', 'Pref-value', 8),
  elapsed: uint('dhcpv6.elapsed_time', 'Elapsed time', 16),
  statusCode: uint('dhcpv6.status_code', 'Status Code', 16, { strings: STATUS }),
  statusMsg: str('dhcpv6.status_msg', 'Status Message'),
  vcEnterprise: uint('dhcpv6.vendorclass.enterprise', 'Enterprise ID', 32, { strings: ENTERPRISES }),
  vcData: str('dhcpv6.vendorclass.data', 'vendor-class-data'),
  interfaceId: bytesField('dhcpv6.interface_id', 'Interface-ID'),
  dnsServer: ipv6Field('dhcpv6.dns_server', 'DNS server address'),
  searchEntry: str('dhcpv6.search_list_entry', 'List entry'),
  tld: str('dhcpv6.tld', 'Top Level Domain name'),
  prefixPref: uint('dhcpv6.iaprefix.pref_lifetime', 'Preferred lifetime', 32),
  prefixValid: uint('dhcpv6.iaprefix.valid_lifetime', 'Valid lifetime', 32),
  prefixLen: uint('dhcpv6.iaprefix.pref_len', 'Prefix length', 8),
  prefixAddr: ipv6Field('dhcpv6.iaprefix.pref_addr', 'Prefix address'),
  fqdnFlags: uint('dhcpv6.client_fqdn_flags', 'Flags', 8, { base: 'hex' }),
  fqdnN: bool('dhcpv6.clientfqdn.client.n', 'N bit', {
    bits: 8,
    bitmask: 0x04,
    trueFalse: ['Server SHOULD NOT perform PTR RR updates', 'Server SHOULD perform PTR RR updates'],
  }),
  fqdnS: bool('dhcpv6.clientfqdn.client.s', 'S bit', {
    bits: 8,
    bitmask: 0x01,
    trueFalse: ['Server SHOULD perform AAAA RR updates', 'Server SHOULD NOT perform AAAA RR updates'],
  }),
  clientDomain: str('dhcpv6.client_domain', 'Client Domain Name'),
};

/** DUID times count from 2000-01-01 00:00:00 UTC. */
const DUID_EPOCH = 946684800;

/** A DNS name in wire format (no compression in DHCPv6) with its trailing dot, and its label count. */
/**
 * A domain name in [off, end) (RFC 8415 §10: labels, no compression). Ended by the empty label it is fully
 * qualified and shown with its final dot ("host.example.com."); a partial name (option 39's "EasyShip31831")
 * ends with its option and has none, as in Wireshark.
 */
function fqdn(v: ByteView, off: number, end: number): { name: string; len: number; labels: number } {
  const labels: string[] = [];
  let pos = off;
  let full = false;
  while (pos < end) {
    const c = v.u8(pos);
    if (c === 0) {
      pos++;
      full = true;
      break;
    }
    // Label types other than a plain label have no place here: the name ends (Wireshark marks it malformed).
    if (c & 0xc0 || pos + 1 + c > end) break;
    labels.push(v.latin1(pos + 1, c));
    pos += 1 + c;
  }
  const name = labels.length ? labels.join('.') : '<Root>';
  return { name: full ? `${name}.` : name, len: Math.max(1, pos - off), labels: labels.length };
}

/** The Info pieces of a message, each followed by a space ("Solicit XID: 0x2b7102 CID: 0001… "). */
interface Info {
  text: string;
}

/** A client's or server's DUID. */
function duidItems(ctx: DissectCtx, off: number, len: number, parent: Item): string {
  const v = ctx.view;
  const raw = v.slice(off, len);
  ctx.add(d.duid, off, len, raw, { parent, label: () => `DUID: ${toHex(raw)}` });
  if (len < 2) return toHex(raw);
  const type = v.u16be(off);
  ctx.add(d.duidType, off, 2, type, { parent });
  if (type === 1 && len >= 8) {
    ctx.add(d.lltHwtype, off + 2, 2, v.u16be(off + 2), { parent });
    ctx.add(d.lltTime, off + 4, 4, { s: DUID_EPOCH + v.u32be(off + 4), ns: 0 }, { parent });
    ctx.add(d.lltAddr, off + 8, len - 8, toHex(v.slice(off + 8, len - 8), ':'), { parent });
  } else if (type === 2 && len >= 6) {
    ctx.add(d.enEnterprise, off + 2, 4, v.u32be(off + 2), { parent });
    ctx.add(d.enIdentifier, off + 6, len - 6, v.slice(off + 6, len - 6), { parent });
  } else if (type === 3 && len >= 4) {
    ctx.add(d.llHwtype, off + 2, 2, v.u16be(off + 2), { parent });
    ctx.add(d.llAddr, off + 4, len - 4, toHex(v.slice(off + 4, len - 4), ':'), { parent });
  } else if (type === 4) ctx.add(d.uuid, off + 2, len - 2, v.slice(off + 2, len - 2), { parent });
  return toHex(raw);
}

/** The Client FQDN flags: what the client wants the server to update. */
function fqdnFlagsText(flags: number): string {
  if (flags & 0x04) return 'CLIENT prefers that the server not perform *any* DNS updates';
  return flags & 0x01
    ? 'CLIENT wants SERVER to update both its AAAA and PTR RRs'
    : 'CLIENT wants to update its AAAA RRs and SERVER to update its PTR RRs';
}

/** The options in [off, end) under `parent`; `inIa` when they are an IA_NA's (whose addresses go to Info). */
function options(
  ctx: DissectCtx,
  off: number,
  end: number,
  parent: Item | undefined,
  info: Info,
  inIa = false,
): void {
  const v = ctx.view;
  while (off + 4 <= end) {
    const code = v.u16be(off);
    const len = v.u16be(off + 2);
    const name = OPTIONS[code];
    const o = ctx.text(name ?? `DHCP option ${code}`, off, 4 + len, parent);
    ctx.add(d.optType, off, 2, code, { parent: o });
    ctx.add(d.optLength, off + 2, 2, len, { parent: o });
    ctx.add(d.optTypeStr, off, 2, name ?? 'Unknown', { parent: o, hidden: true });
    const p = off + 4;
    v.check(p, len);
    option(ctx, code, p, len, o, info, inIa);
    off = p + len;
  }
}

function option(
  ctx: DissectCtx,
  code: number,
  p: number,
  len: number,
  o: Item,
  info: Info,
  inIa: boolean,
): void {
  const v = ctx.view;
  switch (code) {
    case 1:
    case 2: {
      const hex = duidItems(ctx, p, len, o);
      if (code === 1) info.text += `CID: ${hex} `;
      return;
    }
    case 3:
    case 25: {
      if (len < 12) return;
      ctx.add(d.iaid, p, 4, v.u32be(p).toString(16).padStart(8, '0'), { parent: o });
      ctx.add(d.t1, p + 4, 4, v.u32be(p + 4), { parent: o });
      ctx.add(d.t2, p + 8, 4, v.u32be(p + 8), { parent: o });
      options(ctx, p + 12, p + len, o, info, code === 3);
      return;
    }
    case 5: {
      if (len < 24) return;
      const addr = v.slice(p, 16);
      ctx.add(d.iaaddr, p, 16, addr, { parent: o });
      ctx.add(d.iaaddrPref, p + 16, 4, v.u32be(p + 16), { parent: o });
      ctx.add(d.iaaddrValid, p + 20, 4, v.u32be(p + 20), { parent: o });
      if (inIa) info.text += `IAA: ${formatIPv6(addr)} `;
      options(ctx, p + 24, p + len, o, info);
      return;
    }
    case 6:
      for (let q = p; q + 2 <= p + len; q += 2) ctx.add(d.requested, q, 2, v.u16be(q), { parent: o });
      return;
    case 7:
      if (len >= 1) ctx.add(d.preference, p, 1, v.u8(p), { parent: o });
      return;
    case 8: {
      if (len < 2) return;
      const ms = v.u16be(p) * 10;
      ctx.add(d.elapsed, p, 2, ms, { parent: o, label: () => `Elapsed time: ${ms}ms` });
      return;
    }
    case 9: {
      const inner = ctx.text('DHCPv6', p, len, o);
      message(ctx, p, p + len, inner, info);
      return;
    }
    case 13:
      if (len < 2) return;
      ctx.add(d.statusCode, p, 2, v.u16be(p), { parent: o });
      ctx.add(d.statusMsg, p + 2, len - 2, v.latin1(p + 2, len - 2), { parent: o });
      return;
    case 16: {
      if (len < 4) return;
      ctx.add(d.vcEnterprise, p, 4, v.u32be(p), { parent: o });
      for (let q = p + 4; q + 2 <= p + len;) {
        const l = v.u16be(q);
        ctx.add(d.vcData, q + 2, l, v.latin1(q + 2, l).split('\0')[0], { parent: o });
        q += 2 + l;
      }
      return;
    }
    case 18:
      ctx.add(d.interfaceId, p, len, v.slice(p, len), { parent: o });
      return;
    case 23:
      for (let q = p, i = 1; q + 16 <= p + len; q += 16, i++) {
        const a = v.slice(q, 16);
        ctx.add(d.dnsServer, q, 16, a, {
          parent: o,
          label: () => `${String(i).padStart(2)} DNS server address: ${formatIPv6(a)}`,
        });
      }
      return;
    case 24: {
      const list = ctx.text('Domain name suffix search list', p, len, o);
      for (let q = p; q < p + len;) {
        const n = fqdn(v, q, p + len);
        if (n.labels === 1) {
          const t = ctx.add(d.tld, q, n.len, n.name, {
            parent: list,
            label: () => `Top Level Domain name (TLD): ${n.name}`,
          });
          const w = ctx.text('WARNING: TLDs are rarely resolvable ', q, n.len, t);
          ctx.expert(w, 'warn', 'comment', 'WARNING: TLDs are rarely resolvable ');
        } else ctx.add(d.searchEntry, q, n.len, n.name, { parent: list });
        q += n.len;
      }
      return;
    }
    case 26:
      if (len < 25) return;
      ctx.add(d.prefixPref, p, 4, v.u32be(p), { parent: o });
      ctx.add(d.prefixValid, p + 4, 4, v.u32be(p + 4), { parent: o });
      ctx.add(d.prefixLen, p + 8, 1, v.u8(p + 8), { parent: o });
      ctx.add(d.prefixAddr, p + 9, 16, v.slice(p + 9, 16), { parent: o });
      options(ctx, p + 25, p + len, o, info);
      return;
    case 39: {
      if (len < 1) return;
      const flags = v.u8(p);
      const fl = ctx.add(d.fqdnFlags, p, 1, flags, {
        parent: o,
        label: () => `Flags: ${`0x${flags.toString(16).padStart(2, '0')}`}  [${fqdnFlagsText(flags)}]`,
      });
      ctx.add(d.fqdnN, p, 1, (flags & 0x04) !== 0, { parent: fl });
      ctx.add(d.fqdnS, p, 1, (flags & 0x01) !== 0, { parent: fl });
      if (len > 1) ctx.add(d.clientDomain, p + 1, len - 1, fqdn(v, p + 1, p + len).name, { parent: o });
      return;
    }
    default:
  }
}

/** A message in [off, end): its header, then its options (a relay's with the relayed message inside). */
function message(ctx: DissectCtx, off: number, end: number, parent: Item | undefined, info: Info): void {
  const v = ctx.view;
  const type = v.u8(off);
  ctx.add(d.msgtype, off, 1, type, { parent });
  info.text += `${MSG_TYPES[type] ?? `Unknown (${type})`} `;
  if (type === RELAY_FORW || type === RELAY_REPLY) {
    ctx.add(d.hopcount, off + 1, 1, v.u8(off + 1), { parent });
    const link = v.slice(off + 2, 16);
    ctx.add(d.linkaddr, off + 2, 16, link, { parent });
    ctx.add(d.peeraddr, off + 18, 16, v.slice(off + 18, 16), { parent });
    info.text += `L: ${formatIPv6(link)} `;
    options(ctx, off + 34, end, parent, info);
    return;
  }
  const xid = v.u24be(off + 1);
  ctx.add(d.xid, off + 1, 3, xid, {
    parent,
    label: () => `Transaction ID: 0x${xid.toString(16).padStart(6, '0')}`,
  });
  info.text += `XID: 0x${xid.toString(16).padStart(6, '0')} `;
  options(ctx, off + 4, end, parent, info);
}

defineProtocol({
  abbrev: 'dhcpv6',
  name: 'DHCPv6',
  registerIn: { 'udp.port': [546, 547] },
  dissect(ctx) {
    ctx.columns.protocol = 'DHCPv6';
    const info: Info = { text: '' };
    try {
      message(ctx, 0, ctx.view.length, undefined, info);
    } finally {
      if (ctx.columnsWanted) ctx.columns.info = info.text;
    }
  },
});
