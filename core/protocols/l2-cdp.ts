/**
 * Cisco Discovery Protocol (LLC/SNAP, Cisco PID 0x2000): what a Cisco device says about itself to its
 * neighbours — name, port, platform, software, addresses, VLANs. For an investigator it maps a capture to the
 * switch and port it was taken on. The tree and Info column as Wireshark 4.0 shows them; TLVs it does not know
 * show their type, length and data.
 */
import {
  bool,
  bytes as bytesField,
  checksumStatus,
  ether,
  ipv4 as ipv4Field,
  str,
  uint,
  type FieldDef,
} from '../fields/registry.js';
import { defineProtocol, wsText, type DissectCtx } from '../dissect/engine.js';
import { formatEther, formatIPv4 } from '../fields/format.js';
import { toHex } from '../bytes/byteview.js';
import { resolvedMac } from './l2-vendors.js';
import { snapOuiLabel } from './l2-ethernet.js';

const TLV_TYPES: Record<number, string> = {
  0x01: 'Device ID',
  0x02: 'Addresses',
  0x03: 'Port ID',
  0x04: 'Capabilities',
  0x05: 'Software version',
  0x06: 'Platform',
  0x07: 'IP Prefix/Gateway (used for ODR)',
  0x08: 'Protocol Hello',
  0x09: 'VTP Management Domain',
  0x0a: 'Native VLAN',
  0x0b: 'Duplex',
  0x0e: 'VoIP VLAN Reply',
  0x0f: 'VoIP VLAN Query',
  0x10: 'Power consumption',
  0x11: 'MTU',
  0x12: 'Trust Bitmap',
  0x13: 'Untrusted Port CoS',
  0x14: 'System Name',
  0x15: 'System Object ID (Not Decoded)',
  0x16: 'Management Address',
  0x17: 'Location',
  0x19: 'Power Requested',
  0x1a: 'Power Available',
};

const CAPABILITIES: [string, string, number][] = [
  ['router', 'Router', 0x01],
  ['trans_bridge', 'Transparent Bridge', 0x02],
  ['src_bridge', 'Source Route Bridge', 0x04],
  ['switch', 'Switch', 0x08],
  ['host', 'Host', 0x10],
  ['igmp_capable', 'IGMP capable', 0x20],
  ['repeater', 'Repeater', 0x40],
  ['voip_phone', 'VoIP Phone', 0x80],
  ['remote', 'Remotely Managed Device', 0x100],
  ['cvta', 'CVTA/STP Dispute Resolution/Cisco VT Camera', 0x200],
  ['mac_relay', 'Two Port Mac Relay', 0x400],
];

const c = {
  version: uint('cdp.version', 'Version', 8),
  ttl: uint('cdp.ttl', 'TTL', 8),
  checksum: uint('cdp.checksum', 'Checksum', 16, { base: 'hex' }),
  checksumStatus: checksumStatus('cdp.checksum.status'),
  tlvType: uint('cdp.tlv.type', 'Type', 16, { base: 'hex', strings: TLV_TYPES }),
  tlvLen: uint('cdp.tlv.len', 'Length', 16),
  deviceId: str('cdp.deviceid', 'Device ID'),
  portId: str('cdp.portid', 'Sent through Interface'),
  software: str('cdp.software_version', 'Software version'),
  platform: str('cdp.platform', 'Platform'),
  addresses: uint('cdp.number_of_addresses', 'Number of addresses', 32),
  protoType: uint('cdp.protocol_type', 'Protocol type', 8, {
    base: 'hex',
    strings: { 1: 'NLPID', 2: '802.2' },
  }),
  protoLen: uint('cdp.protocol_length', 'Protocol length', 8),
  proto: bytesField('cdp.protocol', 'Protocol'),
  addrLen: uint('cdp.address_length', 'Address length', 16),
  ip: ipv4Field('cdp.nrgyz.ip_address', 'IP Address'),
  address: bytesField('cdp.address', 'Address'),
  capabilities: uint('cdp.capabilities', 'Capabilities', 32, { base: 'hex' }),
  caps: CAPABILITIES.map(([k, name, mask]) =>
    bool(`cdp.capabilities.${k}`, name, { bits: 32, bitmask: mask, trueFalse: ['Yes', 'No'] }),
  ),
  oui: uint('cdp.oui', 'OUI', 24, { base: 'oui' }),
  protocolId: uint('cdp.protocol_id', 'Protocol ID', 16, {
    base: 'hex',
    strings: { 0x0112: 'Cluster Management' },
  }),
  masterIp: ipv4Field('cdp.cluster.master_ip', 'Cluster Master IP'),
  clusterIp: ipv4Field('cdp.cluster.ip', 'IP?'),
  clusterVersion: uint('cdp.cluster.version', 'Version?', 8, { base: 'hex' }),
  subVersion: uint('cdp.cluster.sub_version', 'Sub Version?', 8, { base: 'hex' }),
  status: uint('cdp.cluster.status', 'Status?', 8, { base: 'hex' }),
  unknown: uint('cdp.cluster.unknown', 'UNKNOWN', 8, { base: 'hex' }),
  commander: ether('cdp.cluster.commander_mac', 'Cluster Commander MAC'),
  switchMac: ether('cdp.cluster.switch_mac', "Switch's MAC"),
  mgmtVlan: uint('cdp.cluster.management_vlan', 'Management VLAN', 16),
  vtpDomain: str('cdp.vtp_management_domain', 'VTP Management Domain'),
  nativeVlan: uint('cdp.native_vlan', 'Native VLAN', 16),
  duplex: uint('cdp.duplex', 'Duplex', 8, { strings: { 0: 'Half', 1: 'Full' } }),
  data: bytesField('cdp.data', 'Data'),
  voiceVlan: uint('cdp.voice_vlan', 'Voice VLAN', 16),
  power: uint('cdp.power_consumption', 'Power Consumption', 16),
  mtu: uint('cdp.mtu', 'MTU', 32),
  trust: uint('cdp.trust_bitmap', 'Trust Bitmap', 8, { base: 'hex' }),
  cos: uint('cdp.untrusted_port_cos', 'Untrusted port CoS', 8, { base: 'hex' }),
  systemName: str('cdp.system_name', 'System Name'),
  location: str('cdp.location', 'Location'),
  requestId: uint('cdp.request_id', 'Request-ID', 16),
  managementId: uint('cdp.management_id', 'Management-ID', 16),
  powerAvailable: uint('cdp.power_available', 'Power Available', 32),
  powerRequested: uint('cdp.power_requested', 'Power Requested', 32),
};

const text = (b: Uint8Array) => new TextDecoder('latin1').decode(b);

/**
 * CDP's checksum: the Internet checksum, except that Cisco pads an odd length its own way: the last byte is the
 * low half of a word that is its sign extension, less one when it is negative (as Wireshark checks it).
 */
function cdpChecksum(b: Uint8Array): number {
  let s = 0;
  const even = b.length & ~1;
  for (let i = 0; i < even; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length & 1) {
    const last = b[b.length - 1];
    s += last & 0x80 ? ((0xff00 | last) - 1) & 0xffff : last;
  }
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/** The Addresses and Management Address TLVs: a count, then protocol/address entries. */
function addressList(ctx: DissectCtx, parent: ReturnType<DissectCtx['add']>, off: number, end: number): void {
  const v = ctx.view;
  const n = v.u32be(off);
  ctx.add(c.addresses, off, 4, n, { parent });
  let o = off + 4;
  for (let i = 0; i < n && o < end; i++) {
    const pt = v.u8(o);
    const pl = v.u8(o + 1);
    const proto = v.slice(o + 2, pl);
    const al = v.u16be(o + 2 + pl);
    const at = o + 4 + pl;
    const isIp = pt === 1 && pl === 1 && proto[0] === 0xcc && al === 4;
    const entry = ctx.add(wsText, o, 4 + pl + al, null, {
      parent,
      label: isIp ? `IP address: ${formatIPv4(v.u32be(at))}` : `Address: ${toHex(v.slice(at, al))}`,
    });
    ctx.add(c.protoType, o, 1, pt, { parent: entry });
    ctx.add(c.protoLen, o + 1, 1, pl, { parent: entry });
    ctx.add(c.proto, o + 2, pl, proto, {
      parent: entry,
      label: `Protocol: ${isIp ? 'IP' : toHex(proto)}`,
    });
    ctx.add(c.addrLen, o + 2 + pl, 2, al, { parent: entry });
    if (isIp) ctx.add(c.ip, at, 4, v.u32be(at), { parent: entry });
    else ctx.add(c.address, at, al, v.slice(at, al), { parent: entry });
    o = at + al;
  }
}

const mac = (ctx: DissectCtx, field: FieldDef, off: number, parent: ReturnType<DissectCtx['add']>) => {
  const m = ctx.view.slice(off, 6);
  ctx.add(field, off, 6, m, { parent, label: () => `${field.name}: ${resolvedMac(m)} (${formatEther(m)})` });
};

/** One TLV at `off` (`len` bytes in all); returns what the Info column gets from it. */
function tlv(ctx: DissectCtx, type: number, off: number, len: number): string {
  const v = ctx.view;
  const body = off + 4;
  const size = len - 4;
  const s = (n = size) => text(v.slice(body, n));
  const typeName = TLV_TYPES[type];
  let label: string;
  let info = '';
  switch (type) {
    case 0x01:
      label = `Device ID: ${s()}`;
      info = `Device ID: ${s()}  `;
      break;
    case 0x03:
      label = `Port ID: ${s()}`;
      info = `Port ID: ${s()}  `;
      break;
    case 0x05:
      label = 'Software Version';
      break;
    case 0x06:
      label = `Platform: ${s()}`;
      break;
    case 0x02:
      label = 'Addresses';
      break;
    case 0x16:
      label = 'Management Addresses';
      break;
    case 0x04:
      label = 'Capabilities';
      break;
    case 0x08:
      label = `Protocol Hello: ${v.u16be(body + 3) === 0x0112 ? 'Cluster Management' : 'Unknown'}`;
      break;
    case 0x09:
      label = `VTP Management Domain: ${s()}`;
      break;
    case 0x0a:
      label = `Native VLAN: ${v.u16be(body)}`;
      break;
    case 0x0b:
      label = `Duplex: ${v.u8(body) ? 'Full' : 'Half'}`;
      break;
    case 0x0e:
    case 0x0f:
      label = `${typeName}: VLAN ${v.u16be(body + 1)}`;
      break;
    case 0x10:
      label = `Power Consumption: ${v.u16be(body)} mW`;
      break;
    case 0x11:
      label = `MTU: ${v.u32be(body)}`;
      break;
    case 0x12:
      label = `Trust Bitmap: 0x${v.u8(body).toString(16).padStart(2, '0')}`;
      break;
    case 0x13:
      label = `Untrusted port CoS: 0x${v.u8(body).toString(16).padStart(2, '0')}`;
      break;
    case 0x14:
      label = `System Name: ${s()}`;
      break;
    case 0x17:
      label = `Location: ${text(v.slice(body + 1, size - 1))}`;
      break;
    case 0x1a: {
      const values: string[] = [];
      for (let o = body + 4; o + 4 <= off + len; o += 4) values.push(`${v.u32be(o)} mW`);
      label = `Power Available: ${values.join(', ')}`;
      break;
    }
    default:
      label = `Type: ${typeName ?? 'Unknown'} (0x${type.toString(16).padStart(4, '0')}), length: ${len}`;
  }
  const t = ctx.add(wsText, off, len, null, { label });
  ctx.add(c.tlvType, off, 2, type, { parent: t });
  ctx.add(c.tlvLen, off + 2, 2, len, { parent: t });
  switch (type) {
    case 0x01:
      ctx.add(c.deviceId, body, size, s(), { parent: t });
      break;
    case 0x03:
      ctx.add(c.portId, body, size, s(), { parent: t });
      break;
    case 0x05: {
      // One item per line of the version text.
      let o = body;
      while (o < off + len) {
        let e = o;
        while (e < off + len && v.u8(e) !== 0x0a) e++;
        ctx.add(c.software, o, e - o + (e < off + len ? 1 : 0), text(v.slice(o, e - o)), { parent: t });
        o = e + 1;
      }
      break;
    }
    case 0x06:
      ctx.add(c.platform, body, size, s(), { parent: t });
      break;
    case 0x02:
    case 0x16:
      addressList(ctx, t, body, off + len);
      break;
    case 0x04: {
      const caps = v.u32be(body);
      const item = ctx.add(c.capabilities, body, 4, caps, { parent: t });
      c.caps.forEach((f, i) => ctx.add(f, body, 4, (caps & CAPABILITIES[i][2]) !== 0, { parent: item }));
      break;
    }
    case 0x08: {
      const oui = v.u24be(body);
      ctx.add(c.oui, body, 3, oui, {
        parent: t,
        label: () => `OUI: ${snapOuiLabel(oui).replace(/^Organization Code: /, '')}`,
      });
      const pid = v.u16be(body + 3);
      ctx.add(c.protocolId, body + 3, 2, pid, { parent: t });
      if (pid === 0x0112 && size >= 31) {
        const o = body + 5;
        ctx.add(c.masterIp, o, 4, v.u32be(o), { parent: t });
        ctx.add(c.clusterIp, o + 4, 4, v.u32be(o + 4), { parent: t });
        ctx.add(c.clusterVersion, o + 8, 1, v.u8(o + 8), { parent: t });
        ctx.add(c.subVersion, o + 9, 1, v.u8(o + 9), { parent: t });
        ctx.add(c.status, o + 10, 1, v.u8(o + 10), { parent: t });
        ctx.add(c.unknown, o + 11, 1, v.u8(o + 11), { parent: t });
        mac(ctx, c.commander, o + 12, t);
        mac(ctx, c.switchMac, o + 18, t);
        ctx.add(c.unknown, o + 24, 1, v.u8(o + 24), { parent: t });
        ctx.add(c.mgmtVlan, o + 25, 2, v.u16be(o + 25), { parent: t });
      } else if (size > 5) ctx.add(c.data, body + 5, size - 5, v.slice(body + 5, size - 5), { parent: t });
      break;
    }
    case 0x09:
      ctx.add(c.vtpDomain, body, size, s(), { parent: t });
      break;
    case 0x0a:
      ctx.add(c.nativeVlan, body, 2, v.u16be(body), { parent: t });
      break;
    case 0x0b:
      ctx.add(c.duplex, body, 1, v.u8(body), { parent: t, label: `Duplex: ${v.u8(body) ? 'Full' : 'Half'}` });
      break;
    case 0x0e:
    case 0x0f:
      ctx.add(c.data, body, 1, v.slice(body, 1), { parent: t });
      ctx.add(c.voiceVlan, body + 1, 2, v.u16be(body + 1), { parent: t });
      break;
    case 0x10:
      ctx.add(c.power, body, 2, v.u16be(body), {
        parent: t,
        label: `Power Consumption: ${v.u16be(body)}mW`,
      });
      break;
    case 0x11:
      ctx.add(c.mtu, body, 4, v.u32be(body), { parent: t });
      break;
    case 0x12:
      ctx.add(c.trust, body, 1, v.u8(body), { parent: t });
      break;
    case 0x13:
      ctx.add(c.cos, body, 1, v.u8(body), { parent: t });
      break;
    case 0x14:
      ctx.add(c.systemName, body, size, s(), { parent: t });
      break;
    case 0x1a:
      ctx.add(c.requestId, body, 2, v.u16be(body), { parent: t });
      ctx.add(c.managementId, body + 2, 2, v.u16be(body + 2), { parent: t });
      for (let o = body + 4; o + 4 <= off + len; o += 4)
        ctx.add(c.powerAvailable, o, 4, v.u32be(o), { parent: t, label: `Power Available: ${v.u32be(o)}mW` });
      break;
    default:
      if (size > 0) ctx.add(c.data, body, size, v.slice(body, size), { parent: t });
  }
  return info;
}

defineProtocol({
  abbrev: 'cdp',
  name: 'Cisco Discovery Protocol',
  registerIn: { 'llc.cisco_pid': 0x2000 },
  dissect(ctx) {
    const v = ctx.view;
    ctx.columns.protocol = 'CDP';
    ctx.columns.info = 'Cisco Discovery Protocol';
    const version = v.u8(0);
    ctx.add(c.version, 0, 1, version);
    ctx.add(c.ttl, 1, 1, v.u8(1), { label: `TTL: ${v.u8(1)} seconds` });
    const sum = v.u16be(2);
    const good = cdpChecksum(v.slice(0, v.length)) === 0;
    const hex = `0x${sum.toString(16).padStart(4, '0')}`;
    ctx.add(c.checksum, 2, 2, sum, { label: `Checksum: ${hex} ${good ? '[correct]' : '[incorrect]'}` });
    ctx.add(c.checksumStatus, 2, 0, good ? 1 : 0, { generated: true });
    let info = '';
    for (let o = 4; o + 4 <= v.length;) {
      const type = v.u16be(o);
      const len = v.u16be(o + 2);
      if (len < 4) break;
      info += tlv(ctx, type, o, Math.min(len, v.length - o));
      o += len;
    }
    if (info) ctx.columns.info = info;
  },
});
