/**
 * DHCP and BOOTP (RFC 951, 2131, 2132) as Wireshark 4.0 shows them: the fixed header (client, your, next
 * server and relay addresses, the client's MAC address, server and boot file names), then every option with
 * its code, length and value — and for the ones an investigator reads, the value as Wireshark reads it: host
 * name, vendor class (the client's OS family: "MSFT 5.0"), client identifier and FQDN, requested address,
 * parameter request list (a fingerprint of the client's DHCP stack), server identifier, lease times, routers,
 * DNS servers, domain name and search list, classless static routes, WPAD URL. The Info column and the tree
 * follow tshark's; `dhcp.option.hostname == "DESKTOP-7Q2K9"` or `dhcp.hw.mac_addr == 3c:52:82:1a:2b:3c`
 * filter as in Wireshark.
 */
import {
  bool,
  bytes as bytesField,
  ether,
  int,
  ipv4,
  registry,
  str,
  uint,
  type FieldDef,
} from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import type { ByteView } from '../bytes/byteview.js';
import { formatIPv4, secondsText } from '../fields/format.js';
import { ARP_HW_TYPES } from './l2-ethernet.js';
import { readName } from './l4-udp.js';

// DHCP was BOOTP in Wireshark before 3.0: `bootp` still filters.
registry.alias('bootp', 'dhcp');

const MESSAGE_TYPES: Record<number, string> = {
  1: 'Discover',
  2: 'Offer',
  3: 'Request',
  4: 'Decline',
  5: 'ACK',
  6: 'NAK',
  7: 'Release',
  8: 'Inform',
  9: 'Force Renew',
  10: 'Lease query',
  11: 'Lease Unassigned',
  12: 'Lease Unknown',
  13: 'Lease Active',
  14: 'Bulk Lease Query',
  15: 'Lease Query Done',
  16: 'Active LeaseQuery',
  17: 'Lease Query Status',
  18: 'TLS',
};

/** Option names (IANA's BOOTP/DHCP parameters registry), as Wireshark titles them (the rest: optionName). */
const OPTIONS: Record<number, string> = {
  0: 'Padding',
  1: 'Subnet Mask',
  2: 'Time Offset',
  3: 'Router',
  4: 'Time Server',
  5: 'Name Server',
  6: 'Domain Name Server',
  7: 'Log Server',
  8: 'Quotes Server',
  9: 'LPR Server',
  10: 'Impress Server',
  11: 'Resource Location Server',
  12: 'Host Name',
  13: 'Boot File Size',
  14: 'Merit Dump File',
  15: 'Domain Name',
  16: 'Swap Server',
  17: 'Root Path',
  18: 'Extensions Path',
  19: 'IP Forwarding',
  20: 'Non-Local Source Routing',
  21: 'Policy Filter',
  22: 'Maximum Datagram Reassembly Size',
  23: 'Default IP Time-to-Live',
  24: 'Path MTU Aging Timeout',
  25: 'Path MTU Plateau Table',
  26: 'Interface MTU',
  27: 'All Subnets are Local',
  28: 'Broadcast Address',
  29: 'Perform Mask Discovery',
  30: 'Mask Supplier',
  31: 'Perform Router Discover',
  32: 'Router Solicitation Address',
  33: 'Static Route',
  34: 'Trailer Encapsulation',
  35: 'ARP Cache Timeout',
  36: 'Ethernet Encapsulation',
  37: 'TCP Default TTL',
  38: 'TCP Keepalive Interval',
  39: 'TCP Keepalive Garbage',
  40: 'Network Information Service Domain',
  41: 'Network Information Service Servers',
  42: 'Network Time Protocol Servers',
  43: 'Vendor-Specific Information',
  44: 'NetBIOS over TCP/IP Name Server',
  45: 'NetBIOS over TCP/IP Datagram Distribution Name Server',
  46: 'NetBIOS over TCP/IP Node Type',
  47: 'NetBIOS over TCP/IP Scope',
  48: 'X Window System Font Server',
  49: 'X Window System Display Manager',
  50: 'Requested IP Address',
  51: 'IP Address Lease Time',
  52: 'Option Overload',
  53: 'DHCP Message Type',
  54: 'DHCP Server Identifier',
  55: 'Parameter Request List',
  56: 'Message',
  57: 'Maximum DHCP Message Size',
  58: 'Renewal Time Value',
  59: 'Rebinding Time Value',
  60: 'Vendor class identifier',
  61: 'Client identifier',
  62: 'Novell/Netware IP domain',
  63: 'Novell Options',
  64: 'Network Information Service+ Domain',
  65: 'Network Information Service+ Servers',
  66: 'TFTP Server Name',
  67: 'Bootfile name',
  68: 'Mobile IP Home Agent',
  69: 'SMTP Server',
  70: 'POP3 Server',
  71: 'NNTP Server',
  72: 'Default WWW Server',
  73: 'Default Finger Server',
  74: 'Default IRC Server',
  75: 'StreetTalk Server',
  76: 'StreetTalk Directory Assistance Server',
  77: 'User Class Information',
  78: 'Directory Agent Information',
  79: 'Service Location Agent Scope',
  80: 'Rapid commit',
  81: 'Client Fully Qualified Domain Name',
  82: 'Agent Information Option',
  83: 'iSNS',
  84: 'Removed/Unassigned',
  85: 'Novell Directory Services Servers',
  86: 'Novell Directory Services Tree Name',
  87: 'Novell Directory Services Context',
  88: 'BCMCS Controller Domain Name [TODO:RFC4280]',
  89: 'BCMCS Controller IPv4 address [TODO:RFC4280]',
  90: 'Authentication',
  91: 'Client last transaction time',
  92: 'Associated IP option',
  93: 'Client System Architecture',
  94: 'Client Network Device Interface',
  95: 'LDAP [TODO:RFC3679]',
  96: 'Removed/Unassigned',
  97: 'UUID/GUID-based Client Identifier',
  98: "Open Group's User Authentication [TODO:RFC2485]",
  99: 'Civic Addresses Configuration',
  100: 'PCode',
  101: 'TCode',
  102: 'Removed/unassigned',
  103: 'Removed/unassigned',
  104: 'Removed/unassigned',
  105: 'Removed/unassigned',
  106: 'Removed/unassigned',
  107: 'Removed/unassigned',
  108: 'IPv6-Only Preferred',
  110: 'Removed/Unassigned',
  112: 'NetInfo Parent Server Address',
  113: 'NetInfo Parent Server Tag',
  114: 'DHCP Captive-Portal',
  115: 'Removed/Unassigned',
  116: 'DHCP Auto-Configuration',
  117: 'Name Service Search',
  118: 'Subnet Selection Option',
  119: 'Domain Search',
  120: 'SIP Servers',
  121: 'Classless Static Route',
  122: 'CableLabs Client Configuration [TODO:RFC3495]',
  123: 'Coordinate-based Location Configuration',
  124: 'V-I Vendor Class',
  125: 'V-I Vendor-specific Information',
  126: 'Removed/Unassigned',
  127: 'Removed/Unassigned',
  128: 'DOCSIS full security server IP [TODO]',
  129: 'PXE - undefined (vendor specific)',
  130: 'PXE - undefined (vendor specific)',
  131: 'PXE - undefined (vendor specific)',
  132: 'PXE - undefined (vendor specific)',
  133: 'PXE - undefined (vendor specific)',
  134: 'PXE - undefined (vendor specific)',
  135: 'PXE - undefined (vendor specific)',
  136: 'PANA Authentication Agent',
  137: 'LoST Server Domain Name',
  138: 'CAPWAP Access Controllers',
  139: 'IPv4 Address-MoS',
  140: 'IPv4 FQDN-MoS',
  141: 'SIP UA Configuration Domains',
  142: 'IPv4 Address ANDSF',
  143: 'Zerotouch Redirect [TODO: draft-ietf-netconf-zerotouch]',
  144: 'Geospatial Location [TODO:RFC6225]',
  145: 'Forcerenew Nonce Capable',
  146: 'RDNSS Selection',
  150: 'TFTP Server Address',
  151: 'Leasequery Status code',
  152: 'Leasequery Base Time',
  153: 'Leasequery Start Time of State',
  154: 'Leasequery Query Start Time',
  155: 'Leasequery Query End Time',
  156: 'Leasequery Dhcp State',
  157: 'Leasequery Data Source',
  158: 'PCP Server',
  159: 'Portparams',
  160: 'Unassigned (ex DHCP Captive-Portal)',
  161: 'Manufacturer Usage Description',
  175: 'Etherboot',
  176: 'IP Telephone',
  177: 'Etherboot',
  208: 'PXELINUX Magic',
  209: 'PXE Configuration file',
  210: 'PXE Path Prefix',
  211: 'Reboot Time',
  212: '6RD',
  213: 'V4 Access Domain',
  220: 'Subnet Allocation',
  221: 'Virtual Subnet Selection',
  224: 'Private',
  225: 'Private',
  226: 'Private',
  227: 'Private',
  228: 'Private',
  229: 'Private',
  230: 'Private',
  231: 'Private',
  232: 'Private',
  233: 'Private',
  234: 'Private',
  235: 'Private',
  236: 'Private',
  237: 'Private',
  238: 'Private',
  239: 'Private',
  240: 'Private',
  241: 'Private',
  242: 'Private/Avaya IP Telephone',
  243: 'Private',
  244: 'Private',
  245: 'Private',
  246: 'Private',
  247: 'Private',
  248: 'Private',
  249: 'Private/Classless Static Route (Microsoft)',
  250: 'Private',
  251: 'Private',
  252: 'Private/Proxy autodiscovery',
  253: 'Private',
  254: 'Private',
  255: 'End',
};

/** Suboptions of the relay agent's option 82 (RFC 3046 and its successors). */
const AGENT_SUBOPTIONS: Record<number, string> = {
  0: 'Padding',
  1: 'Agent Circuit ID',
  2: 'Agent Remote ID',
  3: 'Reserved',
  4: 'DOCSIS Device Class',
  5: 'Link selection',
  6: 'Subscriber ID',
  7: 'RADIUS Attributes',
  8: 'Authentication',
  9: 'Vendor-Specific Information',
  10: 'Flags',
  11: 'Server ID Override',
  12: 'Relay Agent Identifier',
  13: 'Access Technology Type',
  14: 'Access Network Name',
  15: 'Access Point Name',
  16: 'Access Point BSSID',
  17: 'Access Network Operator ID',
  18: 'Access Network Operator Realm',
  19: 'Source Port',
  150: 'Link selection (Cisco proprietary)',
  151: 'VRF name/VPN ID',
  152: 'Server ID Override (Cisco proprietary)',
};

const f = {
  type: uint('dhcp.type', 'Message type', 8, { strings: { 1: 'Boot Request', 2: 'Boot Reply' } }),
  hwType: uint('dhcp.hw.type', 'Hardware type', 8, { base: 'hex', strings: ARP_HW_TYPES }),
  hwLen: uint('dhcp.hw.len', 'Hardware address length', 8),
  hops: uint('dhcp.hops', 'Hops', 8),
  id: uint('dhcp.id', 'Transaction ID', 32, { base: 'hex' }),
  secs: uint('dhcp.secs', 'Seconds elapsed', 16),
  flags: uint('dhcp.flags', 'Bootp flags', 16, { base: 'hex' }),
  flagsBc: bool('dhcp.flags.bc', 'Broadcast flag', {
    bits: 16,
    bitmask: 0x8000,
    trueFalse: ['Broadcast', 'Unicast'],
  }),
  flagsReserved: uint('dhcp.flags.reserved', 'Reserved flags', 16, { base: 'hex', bitmask: 0x7fff }),
  ciaddr: ipv4('dhcp.ip.client', 'Client IP address'),
  yiaddr: ipv4('dhcp.ip.your', 'Your (client) IP address'),
  siaddr: ipv4('dhcp.ip.server', 'Next server IP address'),
  giaddr: ipv4('dhcp.ip.relay', 'Relay agent IP address'),
  chaddr: ether('dhcp.hw.mac_addr', 'Client MAC address'),
  hwAddr: bytesField('dhcp.hw.addr', 'Client hardware address'),
  hwPadding: bytesField('dhcp.hw.addr_padding', 'Client hardware address padding'),
  server: str('dhcp.server', 'Server host name'),
  file: str('dhcp.file', 'Boot file name'),
  cookie: ipv4('dhcp.cookie', 'Magic cookie'),
  vendorOptions: bytesField('dhcp.vendor_specific_options', 'Bootp vendor specific options'),
  option: uint('dhcp.option.type', 'Option', 8),
  length: uint('dhcp.option.length', 'Length', 8),
  value: bytesField('dhcp.option.value', 'Value'),
  end: uint('dhcp.option.end', 'Option End', 8),
  padding: bytesField('dhcp.option.padding', 'Padding'),
  msgType: uint('dhcp.option.dhcp', 'DHCP', 8, { strings: MESSAGE_TYPES }),
  requestItem: uint('dhcp.option.request_list_item', 'Parameter Request List Item', 8),
  maxSize: uint('dhcp.option.dhcp_max_message_size', 'Maximum DHCP Message Size', 16),
  interfaceMtu: uint('dhcp.option.interface_mtu', 'Interface MTU', 16),
  timeOffset: int('dhcp.option.time_offset', 'Time Offset', 32),
  nodeType: uint('dhcp.option.netbios_over_tcpip_node_type', 'NetBIOS over TCP/IP Node Type', 8, {
    strings: { 1: 'B-node', 2: 'P-node', 4: 'M-node', 8: 'H-node' },
  }),
  searchFqdn: str('dhcp.option.dhcp_dns_domain_search_list_fqdn', 'FQDN'),
  staticRoute: bytesField('dhcp.option.classless_static_route', 'Subnet/MaskWidth-Router'),
  fqdnFlags: uint('dhcp.fqdn.flags', 'Flags', 8, { base: 'hex' }),
  fqdnMbz: uint('dhcp.fqdn.mbz', 'Reserved flags', 8, { base: 'hex', bitmask: 0xf0 }),
  fqdnN: bool('dhcp.fqdn.n', 'Server DDNS', {
    bits: 8,
    bitmask: 0x08,
    trueFalse: ['No server updates', 'Some server updates'],
  }),
  fqdnE: bool('dhcp.fqdn.e', 'Encoding', {
    bits: 8,
    bitmask: 0x04,
    trueFalse: ['Binary encoding', 'ASCII encoding'],
  }),
  fqdnO: bool('dhcp.fqdn.o', 'Server overrides', {
    bits: 8,
    bitmask: 0x02,
    trueFalse: ['Override', 'No override'],
  }),
  fqdnS: bool('dhcp.fqdn.s', 'Server', { bits: 8, bitmask: 0x01, trueFalse: ['Server', 'Client'] }),
  fqdnRcode1: uint('dhcp.fqdn.rcode1', 'A-RR result', 8),
  fqdnRcode2: uint('dhcp.fqdn.rcode2', 'PTR-RR result', 8),
  fqdnName: str('dhcp.fqdn.name', 'Client name'),
  agentSub: uint('dhcp.option.agent_information_option.suboption', 'Option 82 Suboption', 8),
  subLength: uint('dhcp.option.suboption_length', 'Length', 8),
  agentValue: bytesField('dhcp.option.agent_information_option.value', 'Value'),
  circuitId: bytesField('dhcp.option.agent_information_option.agent_circuit_id', 'Agent Circuit ID'),
  remoteId: bytesField('dhcp.option.agent_information_option.agent_remote_id', 'Agent Remote ID'),
  linkSelection: ipv4('dhcp.option.agent_information_option.link_selection', 'Link selection'),
  subscriberId: str('dhcp.option.agent_information_option.subscriber_id', 'Subscriber ID'),
  serverIdOverride: ipv4('dhcp.option.agent_information_option.server_id_override', 'Server ID Override'),
};

/** Options whose value is one IPv4 address, shown in the option's title too. */
const ADDRESS: Record<number, FieldDef> = {
  1: ipv4('dhcp.option.subnet_mask', 'Subnet Mask'),
  16: ipv4('dhcp.option.swap_server', 'Swap Server'),
  28: ipv4('dhcp.option.broadcast_address', 'Broadcast Address'),
  32: ipv4('dhcp.option.router_solicitation_address', 'Router Solicitation Address'),
  50: ipv4('dhcp.option.requested_ip_address', 'Requested IP Address'),
  54: ipv4('dhcp.option.dhcp_server_id', 'DHCP Server Identifier'),
};
/** Options whose value is a list of IPv4 addresses, an item each. */
const ADDRESSES: Record<number, FieldDef> = {
  3: ipv4('dhcp.option.router', 'Router'),
  4: ipv4('dhcp.option.time_server', 'Time Server'),
  5: ipv4('dhcp.option.name_server', 'Name Server'),
  6: ipv4('dhcp.option.domain_name_server', 'Domain Name Server'),
  7: ipv4('dhcp.option.log_server', 'Log Server'),
  42: ipv4('dhcp.option.ntp_server', 'Network Time Protocol Server'),
  44: ipv4('dhcp.option.netbios_over_tcpip_name_server', 'NetBIOS over TCP/IP Name Server'),
  69: ipv4('dhcp.option.smtp_server', 'SMTP Server'),
  70: ipv4('dhcp.option.pop3_server', 'POP3 Server'),
};
/** Options whose value is text. */
const TEXT: Record<number, FieldDef> = {
  12: str('dhcp.option.hostname', 'Host Name'),
  15: str('dhcp.option.domain_name', 'Domain Name'),
  47: str('dhcp.option.netbios_over_tcpip_scope', 'NetBIOS over TCP/IP Scope'),
  56: str('dhcp.option.message', 'Message'),
  60: str('dhcp.option.vendor_class_id', 'Vendor class identifier'),
  66: str('dhcp.option.tftp_server_name', 'TFTP Server Name'),
  67: str('dhcp.option.bootfile_name', 'Bootfile name'),
  252: str('dhcp.option.private_proxy_autodiscovery', 'Private/Proxy autodiscovery'),
};
/** Options whose value is a number of seconds: "(3600s) 1 hour". */
const TIMES: Record<number, FieldDef> = {
  51: uint('dhcp.option.ip_address_lease_time', 'IP Address Lease Time', 32),
  58: uint('dhcp.option.renewal_time_value', 'Renewal Time Value', 32),
  59: uint('dhcp.option.rebinding_time_value', 'Rebinding Time Value', 32),
};

const MAGIC = 0x63825363;

/** Text of [off, off+len) up to its first NUL, as Wireshark reads a C string field (FT_STRINGZ). */
function stringz(v: ByteView, off: number, len: number): string {
  let end = 0;
  while (end < len && v.u8(off + end) !== 0) end++;
  return v.latin1(off, end);
}

/** A NUL-terminated name field of the header: its text, or undefined when it is not given (empty). */
function headerName(ctx: DissectCtx, off: number, len: number): string | undefined {
  return stringz(ctx.view, off, len) || undefined;
}

/** An option's name; codes IANA has not assigned are "Unassigned". */
const optionName = (code: number): string => OPTIONS[code] ?? 'Unassigned';

defineProtocol({
  abbrev: 'dhcp',
  name: 'Dynamic Host Configuration Protocol',
  registerIn: { 'udp.port': [67, 68] },
  dissect(ctx) {
    const v = ctx.view;
    const op = v.u8(0);
    const hlen = v.u8(2);
    const xid = v.u32be(4);
    const flags = v.u16be(10);
    ctx.add(f.type, 0, 1, op);
    ctx.add(f.hwType, 1, 1, v.u8(1));
    ctx.add(f.hwLen, 2, 1, hlen);
    ctx.add(f.hops, 3, 1, v.u8(3));
    ctx.add(f.id, 4, 4, xid);
    ctx.add(f.secs, 8, 2, v.u16be(8));
    const fl = ctx.add(f.flags, 10, 2, flags, {
      label: () =>
        `Bootp flags: 0x${flags.toString(16).padStart(4, '0')}${flags & 0x8000 ? ', Broadcast flag (Broadcast)' : ' (Unicast)'}`,
    });
    ctx.add(f.flagsBc, 10, 2, (flags & 0x8000) !== 0, { parent: fl });
    ctx.add(f.flagsReserved, 10, 2, flags & 0x7fff, { parent: fl });
    ctx.add(f.ciaddr, 12, 4, v.u32be(12));
    ctx.add(f.yiaddr, 16, 4, v.u32be(16));
    ctx.add(f.siaddr, 20, 4, v.u32be(20));
    ctx.add(f.giaddr, 24, 4, v.u32be(24));
    if (v.u8(1) === 1 && hlen === 6) {
      ctx.add(f.chaddr, 28, 6, v.slice(28, 6));
      ctx.add(f.hwPadding, 34, 10, v.slice(34, 10));
    } else ctx.add(f.hwAddr, 28, 16, v.slice(28, Math.min(16, Math.max(hlen, 1))));
    const sname = headerName(ctx, 44, 64);
    ctx.add(
      f.server,
      44,
      64,
      sname ?? '',
      sname === undefined ? { label: 'Server host name not given' } : undefined,
    );
    const file = headerName(ctx, 108, 128);
    ctx.add(
      f.file,
      108,
      128,
      file ?? '',
      file === undefined ? { label: 'Boot file name not given' } : undefined,
    );
    let msg: number | undefined;
    if (v.length >= 240 && v.u32be(236) === MAGIC) {
      ctx.add(f.cookie, 236, 4, MAGIC, { label: 'Magic cookie: DHCP' });
      msg = options(ctx, 240);
    } else if (v.length > 236) ctx.add(f.vendorOptions, 236, v.length - 236, v.slice(236, v.length - 236));
    ctx.columns.protocol = msg !== undefined ? 'DHCP' : 'BOOTP';
    const name = msg !== undefined ? (MESSAGE_TYPES[msg] ?? `Unknown (${msg})`) : undefined;
    if (name !== undefined) ctx.setLabel(ctx.top, `Dynamic Host Configuration Protocol (${name})`);
    ctx.columns.info =
      name !== undefined
        ? `DHCP ${name.padEnd(8)} - Transaction ID 0x${xid.toString(16)}`
        : op === 1
          ? 'Boot Request'
          : 'Boot Reply';
  },
});

/** The options from `off` to the End option (then the padding); returns the DHCP message type. */
function options(ctx: DissectCtx, off: number): number | undefined {
  const v = ctx.view;
  let msg: number | undefined;
  while (off < v.length) {
    const code = v.u8(off);
    if (code === 255) {
      // (Wireshark's End option item carries 0 as its value: `dhcp.option.type == 255` matches nothing.)
      const end = ctx.add(f.option, off, 1, 0, { label: 'Option: (255) End' });
      ctx.add(f.end, off, 1, 255, { parent: end });
      off++;
      if (off < v.length) ctx.add(f.padding, off, v.length - off, v.slice(off, v.length - off));
      return msg;
    }
    if (code === 0) {
      ctx.add(f.option, off, 1, 0, { label: 'Option: (0) Padding' });
      off++;
      continue;
    }
    const len = v.u8(off + 1);
    const at = off + 2;
    v.check(at, len);
    const title = `Option: (${code}) ${optionName(code)}`;
    const opt = ctx.add(f.option, off, 2 + len, code, { label: title });
    ctx.add(f.length, off + 1, 1, len, { parent: opt });
    const known = optionValue(ctx, opt, code, at, len);
    ctx.add(f.value, at, len, v.slice(at, len), { parent: opt, hidden: known !== undefined });
    if (known) ctx.setLabel(opt, `${title} (${known})`);
    if (code === 53 && len >= 1) msg = v.u8(at);
    off = at + len;
  }
  return msg;
}

const secondsLabel = (field: FieldDef, n: number) =>
  `${field.name}: (${n}s) ${n === 0xffffffff ? 'infinity' : secondsText(n)}`;

/**
 * The items of option `code`'s value at [at, at+len) under `opt`. Returns undefined for an option shown as its
 * raw value, '' for one read here, or the text its title ends with in parentheses ("(Discover)").
 */
function optionValue(ctx: DissectCtx, opt: Item, code: number, at: number, len: number): string | undefined {
  const v = ctx.view;
  const o = { parent: opt };
  const single = ADDRESS[code];
  if (single && len === 4) {
    ctx.add(single, at, 4, v.u32be(at), o);
    return formatIPv4(v.u32be(at));
  }
  const list = ADDRESSES[code];
  if (list && len % 4 === 0) {
    for (let p = at; p < at + len; p += 4) ctx.add(list, p, 4, v.u32be(p), o);
    return '';
  }
  const text = TEXT[code];
  if (text) {
    ctx.add(text, at, len, stringz(v, at, len), o);
    return '';
  }
  const time = TIMES[code];
  if (time && len === 4) {
    const n = v.u32be(at);
    ctx.add(time, at, 4, n, { parent: opt, label: () => secondsLabel(time, n) });
    return '';
  }
  switch (code) {
    case 53:
      if (len !== 1) return undefined;
      ctx.add(f.msgType, at, 1, v.u8(at), o);
      return MESSAGE_TYPES[v.u8(at)] ?? 'Unknown';
    case 55:
      for (let p = at; p < at + len; p++) {
        const c = v.u8(p);
        ctx.add(f.requestItem, p, 1, c, {
          parent: opt,
          label: () => `Parameter Request List Item: (${c}) ${optionName(c)}`,
        });
      }
      return '';
    case 57:
    case 26:
      if (len !== 2) return undefined;
      ctx.add(code === 57 ? f.maxSize : f.interfaceMtu, at, 2, v.u16be(at), o);
      return '';
    case 46:
      if (len !== 1) return undefined;
      ctx.add(f.nodeType, at, 1, v.u8(at), o);
      return '';
    case 61:
      // A hardware type and address: for Ethernet, the client's MAC address (RFC 2132 §9.14).
      if (len !== 7 || v.u8(at) !== 1) return undefined;
      ctx.add(f.hwType, at, 1, 1, o);
      ctx.add(f.chaddr, at + 1, 6, v.slice(at + 1, 6), o);
      return '';
    case 81:
      return len >= 3 ? clientFqdn(ctx, opt, at, len) : undefined;
    case 119: {
      for (let p = at; p < at + len;) {
        const { name, len: n } = readName(v, p);
        ctx.add(f.searchFqdn, p, n, name, o);
        p += n;
      }
      return '';
    }
    case 121:
      return staticRoutes(ctx, opt, at, len);
    case 82:
      return agentInformation(ctx, opt, at, len);
    default:
      return undefined;
  }
}

/** Option 81, the client's FQDN (RFC 4702): flags, the two result codes, the name (ASCII or DNS-encoded). */
function clientFqdn(ctx: DissectCtx, opt: Item, at: number, len: number): string {
  const v = ctx.view;
  const flags = v.u8(at);
  // Wireshark's bitmask line names the bits that are set ("Flags: 0x0b, Server DDNS, Server overrides, Server").
  const set = [f.fqdnN, f.fqdnE, f.fqdnO, f.fqdnS].filter((b) => flags & (b.bitmask ?? 0)).map((b) => b.name);
  const fl = ctx.add(f.fqdnFlags, at, 1, flags, {
    parent: opt,
    label: () => `Flags: 0x${flags.toString(16).padStart(2, '0')}${set.map((n) => `, ${n}`).join('')}`,
  });
  ctx.add(f.fqdnMbz, at, 1, flags >> 4, { parent: fl });
  ctx.add(f.fqdnN, at, 1, (flags & 0x08) !== 0, { parent: fl });
  ctx.add(f.fqdnE, at, 1, (flags & 0x04) !== 0, { parent: fl });
  ctx.add(f.fqdnO, at, 1, (flags & 0x02) !== 0, { parent: fl });
  ctx.add(f.fqdnS, at, 1, (flags & 0x01) !== 0, { parent: fl });
  ctx.add(f.fqdnRcode1, at + 1, 1, v.u8(at + 1), { parent: opt });
  ctx.add(f.fqdnRcode2, at + 2, 1, v.u8(at + 2), { parent: opt });
  if (len > 3) {
    const name = flags & 0x04 ? readName(v, at + 3).name : v.latin1(at + 3, len - 3);
    ctx.add(f.fqdnName, at + 3, len - 3, name, { parent: opt });
  }
  return '';
}

/** Option 121 (RFC 3442): each route's destination (as many bytes as its width needs) and router. */
function staticRoutes(ctx: DissectCtx, opt: Item, at: number, len: number): string | undefined {
  const v = ctx.view;
  const end = at + len;
  for (let p = at; p < end;) {
    const width = v.u8(p);
    const n = Math.ceil(width / 8);
    if (width > 32 || p + 1 + n + 4 > end) return undefined;
    const net = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) net[i] = v.u8(p + 1 + i);
    const router = formatIPv4(v.u32be(p + 1 + n));
    const route = width === 0 ? `default-${router}` : `${net.join('.')}/${width}-${router}`;
    ctx.add(f.staticRoute, p, 1 + n + 4, v.slice(p, 1 + n + 4), { parent: opt, label: ` ${route}` });
    p += 1 + n + 4;
  }
  return '';
}

/**
 * Option 82, what a relay agent adds (RFC 3046): for an investigator, the switch port (circuit ID) and the
 * relay (remote ID) a client's request came through. Each suboption with its code and length; the common
 * ones read, the others as their value.
 */
function agentInformation(ctx: DissectCtx, opt: Item, at: number, len: number): string | undefined {
  const v = ctx.view;
  const end = at + len;
  for (let p = at; p + 2 <= end;) {
    const code = v.u8(p);
    const n = v.u8(p + 1);
    if (p + 2 + n > end) return undefined;
    const title = `Option 82 Suboption: (${code}) ${AGENT_SUBOPTIONS[code] ?? 'Unknown'}`;
    const sub = ctx.add(f.agentSub, p, 2 + n, code, { parent: opt, label: title });
    ctx.add(f.subLength, p + 1, 1, n, { parent: sub });
    const o = { parent: sub };
    const body = v.slice(p + 2, n);
    let shown = true;
    let suffix = '';
    if (code === 1) ctx.add(f.circuitId, p + 2, n, body, o);
    else if (code === 2) ctx.add(f.remoteId, p + 2, n, body, o);
    else if (code === 6) ctx.add(f.subscriberId, p + 2, n, stringz(v, p + 2, n), o);
    else if ((code === 5 || code === 11) && n === 4) {
      ctx.add(code === 5 ? f.linkSelection : f.serverIdOverride, p + 2, 4, v.u32be(p + 2), o);
      suffix = ` (${formatIPv4(v.u32be(p + 2))})`;
    } else shown = false;
    ctx.add(f.agentValue, p + 2, n, body, { parent: sub, hidden: shown });
    if (suffix) ctx.setLabel(sub, title + suffix);
    p += 2 + n;
  }
  return '';
}
