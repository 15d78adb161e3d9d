/**
 * Spanning Tree Protocol BPDUs (802.1D STP, 802.1w RSTP; LLC SAP 0x42): which bridge is root, at what cost, on
 * which port — and topology changes, which an investigator may correlate with a device plugged in or a loop. As
 * Wireshark 4.0 shows them; an MSTP BPDU's MST extension shows as data.
 */
import { bool, ether, float, uint, type FieldDef } from '../fields/registry.js';
import { defineProtocol, wsText, type DissectCtx } from '../dissect/engine.js';
import { formatEther } from '../fields/format.js';
import { resolvedMac } from './l2-vendors.js';

const ROLES: Record<number, string> = { 0: 'Unknown', 1: 'Alternate or Backup', 2: 'Root', 3: 'Designated' };

const s = {
  protocol: uint('stp.protocol', 'Protocol Identifier', 16, {
    base: 'hex',
    strings: { 0: 'Spanning Tree Protocol' },
  }),
  version: uint('stp.version', 'Protocol Version Identifier', 8, {
    strings: {
      0: 'Spanning Tree',
      2: 'Rapid Spanning Tree',
      3: 'Multiple Spanning Tree',
      4: 'Shortest Path Tree',
    },
  }),
  type: uint('stp.type', 'BPDU Type', 8, {
    base: 'hex',
    strings: {
      0x00: 'Configuration',
      0x02: 'Rapid/Multiple Spanning Tree',
      0x80: 'Topology Change Notification',
    },
  }),
  flags: uint('stp.flags', 'BPDU flags', 8, { base: 'hex' }),
  tcack: bool('stp.flags.tcack', 'Topology Change Acknowledgment', {
    bits: 8,
    bitmask: 0x80,
    trueFalse: ['Yes', 'No'],
  }),
  agreement: bool('stp.flags.agreement', 'Agreement', { bits: 8, bitmask: 0x40, trueFalse: ['Yes', 'No'] }),
  forwarding: bool('stp.flags.forwarding', 'Forwarding', {
    bits: 8,
    bitmask: 0x20,
    trueFalse: ['Yes', 'No'],
  }),
  learning: bool('stp.flags.learning', 'Learning', { bits: 8, bitmask: 0x10, trueFalse: ['Yes', 'No'] }),
  role: uint('stp.flags.port_role', 'Port Role', 8, { bitmask: 0x0c, strings: ROLES }),
  proposal: bool('stp.flags.proposal', 'Proposal', { bits: 8, bitmask: 0x02, trueFalse: ['Yes', 'No'] }),
  tc: bool('stp.flags.tc', 'Topology Change', { bits: 8, bitmask: 0x01, trueFalse: ['Yes', 'No'] }),
  rootPrio: uint('stp.root.prio', 'Root Bridge Priority', 16),
  rootExt: uint('stp.root.ext', 'Root Bridge System ID Extension', 16),
  rootHw: ether('stp.root.hw', 'Root Bridge System ID'),
  cost: uint('stp.root.cost', 'Root Path Cost', 32),
  bridgePrio: uint('stp.bridge.prio', 'Bridge Priority', 16),
  bridgeExt: uint('stp.bridge.ext', 'Bridge System ID Extension', 16),
  bridgeHw: ether('stp.bridge.hw', 'Bridge System ID'),
  port: uint('stp.port', 'Port identifier', 16, { base: 'hex' }),
  msgAge: float('stp.msg_age', 'Message Age'),
  maxAge: float('stp.max_age', 'Max Age'),
  hello: float('stp.hello', 'Hello Time'),
  forward: float('stp.forward', 'Forward Delay'),
  v1len: uint('stp.version_1_length', 'Version 1 Length', 8),
};

/** A bridge identifier at `off` (priority, system ID extension, MAC): its subtree; returns "prio/ext/mac". */
function bridgeId(
  ctx: DissectCtx,
  off: number,
  name: string,
  [prio, ext, hw]: readonly [FieldDef, FieldDef, FieldDef],
): string {
  const v = ctx.view;
  const id = v.u16be(off);
  const mac = v.slice(off + 2, 6);
  const text = `${id & 0xf000} / ${id & 0x0fff} / ${formatEther(mac)}`;
  const item = ctx.add(wsText, off, 8, null, { label: `${name}: ${text}` });
  ctx.add(prio, off, 2, id & 0xf000, { parent: item });
  ctx.add(ext, off, 2, id & 0x0fff, { parent: item });
  ctx.add(hw, off + 2, 6, mac, {
    parent: item,
    label: () => `${hw.name}: ${resolvedMac(mac)} (${formatEther(mac)})`,
  });
  return `${id & 0xf000}/${id & 0x0fff}/${formatEther(mac)}`;
}

defineProtocol({
  abbrev: 'stp',
  name: 'Spanning Tree Protocol',
  registerIn: { 'llc.dsap': 0x42 },
  dissect(ctx) {
    const v = ctx.view;
    ctx.columns.protocol = 'STP';
    ctx.add(s.protocol, 0, 2, v.u16be(0));
    const version = v.u8(2);
    ctx.add(s.version, 2, 1, version);
    const type = v.u8(3);
    ctx.add(s.type, 3, 1, type);
    if (type === 0x80) {
      ctx.columns.info = 'Topology Change Notification';
      ctx.setLength(ctx.top, 4);
      return;
    }
    const flags = v.u8(4);
    const rapid = type === 0x02;
    const fields = rapid
      ? [s.tcack, s.agreement, s.forwarding, s.learning, s.role, s.proposal, s.tc]
      : [s.tcack, s.tc];
    // The flags line names the set flags (and a rapid BPDU's port role) in field order.
    const names = fields.flatMap((f) =>
      f === s.role ? [`Port Role: ${ROLES[(flags >> 2) & 3]}`] : flags & (f.bitmask ?? 0) ? [f.name] : [],
    );
    const fi = ctx.add(s.flags, 4, 1, flags, {
      label: `BPDU flags: 0x${flags.toString(16).padStart(2, '0')}${names.map((n) => `, ${n}`).join('')}`,
    });
    for (const f of fields)
      ctx.add(f, 4, 1, f === s.role ? (flags >> 2) & 3 : (flags & (f.bitmask ?? 0)) !== 0, { parent: fi });
    const root = bridgeId(ctx, 5, 'Root Identifier', [s.rootPrio, s.rootExt, s.rootHw]);
    const cost = v.u32be(13);
    ctx.add(s.cost, 13, 4, cost);
    bridgeId(ctx, 17, 'Bridge Identifier', [s.bridgePrio, s.bridgeExt, s.bridgeHw]);
    const port = v.u16be(25);
    ctx.add(s.port, 25, 2, port);
    const time = (f: FieldDef, off: number) => {
      const t = v.u16be(off) / 256;
      ctx.add(f, off, 2, t, { label: `${f.name}: ${t}` });
    };
    time(s.msgAge, 27);
    time(s.maxAge, 29);
    time(s.hello, 31);
    time(s.forward, 33);
    let end = 35;
    if (rapid) {
      ctx.add(s.v1len, 35, 1, v.u8(35));
      end = 36;
      if (version >= 3 && v.length > end) ctx.data(end);
    }
    ctx.setLength(ctx.top, end);
    const kind = rapid ? (version >= 3 ? 'MST' : 'RST') : 'Conf';
    ctx.columns.info =
      `${kind}. ${flags & 0x01 ? 'TC + ' : ''}Root = ${root}  Cost = ${cost}  ` +
      `Port = 0x${port.toString(16).padStart(4, '0')}`;
  },
});
