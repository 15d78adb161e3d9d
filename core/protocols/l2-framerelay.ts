/**
 * Frame Relay (pcap link type 107): the Q.922 address (DLCI and congestion bits, 2 to 4 octets), the control
 * field and RFC 2427 multiprotocol encapsulation (NLPID, optional padding, SNAP), or Cisco's encapsulation (an
 * ethertype-like type right after the address). Columns, tree and field names follow Wireshark 4.0.
 */
import { bool, none, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { LINKTYPE } from '../capture/linktypes.js';
import { ETHERTYPES, SNAP_OUIS, eth, snapOuiLabel } from './l2-ethernet.js';

const NLPIDS: Record<number, string> = {
  0x00: 'NULL',
  0x01: 'T.70',
  0x0b: 'X.633',
  0x08: 'Q.933',
  0x09: 'LMI',
  0x0c: 'Q.2119',
  0x80: 'SNAP',
  0x81: 'CLNP',
  0x82: 'ESIS',
  0x83: 'ISIS',
  0x85: 'IDRP',
  0x8a: 'ESIS (X.25)',
  0x8c: 'ISO 10030',
  0x8d: 'ISO 11577',
  0xb0: 'Data compression protocol',
  0xcc: 'IP',
  0x8e: 'IPv6',
  0xcf: 'PPP',
};

/** Cisco HDLC types carried right after the address (only those whose payload we dissect). */
const CHDLC_TYPES: Record<number, string> = { 0x0800: 'IP', 0x86dd: 'IPv6' };

/** OUIs as Wireshark names them in the Info column (its manuf file) and in the tree. */
const f = {
  firstOctet: uint('fr.first_addr_octet', 'First address octet', 8, { base: 'hex' }),
  secondOctet: uint('fr.second_addr_octet', 'Second address octet', 8, { base: 'hex' }),
  thirdOctet: uint('fr.third_addr_octet', 'Third address octet', 8, { base: 'hex' }),
  upperDlci: uint('fr.upper_dlci', 'Upper DLCI', 8, { base: 'hex', bitmask: 0xfc }),
  cr: bool('fr.cr', 'CR', { bitmask: 0x02, trueFalse: ['Command', 'Response'] }),
  ea: bool('fr.ea', 'EA', { bitmask: 0x01, trueFalse: ['Last Octet', 'More Follows'] }),
  secondDlci: uint('fr.second_dlci', 'Second DLCI', 8, { base: 'hex', bitmask: 0xf0 }),
  fecn: bool('fr.fecn', 'FECN', { bitmask: 0x08 }),
  becn: bool('fr.becn', 'BECN', { bitmask: 0x04 }),
  de: bool('fr.de', 'DE', { bitmask: 0x02 }),
  thirdDlci: uint('fr.third_dlci', 'Third DLCI', 8, { base: 'hex', bitmask: 0xfe }),
  lowerDlci: uint('fr.lower_dlci', 'Lower DLCI', 8, { base: 'hex', bitmask: 0xfc }),
  dlcoreControl: uint('fr.dlcore_control', 'DL-CORE Control', 8, { base: 'hex', bitmask: 0xfc }),
  dc: bool('fr.dc', 'DC', { bitmask: 0x02, trueFalse: ['DLCI Address', 'Control'] }),
  dlci: uint('fr.dlci', 'DLCI', 32),
  control: uint('fr.control', 'Control Field', 8, { base: 'hex' }),
  modifierCmd: uint('fr.control.u_modifier_cmd', 'Command', 8, { base: 'hex', bitmask: 0xec }),
  modifierResp: uint('fr.control.u_modifier_resp', 'Response', 8, { base: 'hex', bitmask: 0xec }),
  ftype: uint('fr.control.ftype', 'Frame type', 8, { base: 'hex', bitmask: 0x03 }),
  nlpid: uint('fr.nlpid', 'NLPID', 8, { base: 'hex', strings: NLPIDS }),
  oui: uint('fr.snap.oui', 'Organization Code', 24, { base: 'oui' }),
  pid: uint('fr.snap.pid', 'Protocol ID', 16, { base: 'hex' }),
  snaptype: uint('fr.snaptype', 'Type', 16, { base: 'hex', strings: ETHERTYPES }),
  chdlctype: uint('fr.chdlctype', 'Type', 16, { base: 'hex', strings: CHDLC_TYPES }),
  bogusAddress: none('fr.bogus_address', 'Bogus address'),
  lapf: none('fr.frame_relay.lapf', 'Frame relay lapf not yet implemented'),
  xid: none('fr.frame_relay.xid', 'Frame relay xid not yet implemented'),
};

/** "0001 10.. = " — the bits of `mask` in `value`, the others as dots, in groups of four (`width` bits). */
function bitText(value: number, mask: number, width = 8): string {
  let s = '';
  for (let i = width - 1; i >= 0; i--) {
    s += mask & (1 << i) ? (value >> i) & 1 : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return `${s} = `;
}

const hex2 = (n: number, digits: number) => `0x${n.toString(16).padStart(digits, '0')}`;

/** A bit-field item under `parent`, labelled as Wireshark's bitmask subtrees are. */
function bits(
  ctx: DissectCtx,
  field: typeof f.ea,
  off: number,
  octet: number,
  parent: Item,
  width = 8,
): void {
  const mask = field.bitmask ?? 0xff;
  let shift = 0;
  while (!((mask >> shift) & 1)) shift++;
  const raw = (octet & mask) >> shift;
  if (field.kind === 'bool') {
    const on = raw !== 0;
    const [t, fl] = field.trueFalse ?? ['True', 'False'];
    ctx.add(field, off, 1, on, {
      parent,
      label: () => `${bitText(octet, mask, width)}${field.name}: ${on ? t : fl}`,
    });
  } else {
    const digits = Math.ceil((32 - Math.clz32(mask >> shift)) / 4);
    ctx.add(field, off, 1, raw, {
      parent,
      label: () => `${bitText(octet, mask, width)}${field.name}: ${hex2(raw, digits)}`,
    });
  }
}

/** An address octet item whose label names the flags that are set, as proto_tree_add_bitmask does. */
function octetItem(
  ctx: DissectCtx,
  field: typeof f.ea,
  off: number,
  octet: number,
  flags: readonly (typeof f.ea)[],
): Item {
  return ctx.add(field, off, 1, octet, {
    label: () => {
      const set = flags.filter((b) => octet & (b.bitmask ?? 0)).map((b) => b.name);
      return `${field.name}: ${hex2(octet, 2)}${set.map((n) => `, ${n}`).join('')}`;
    },
  });
}

const U_COMMANDS: Record<number, [string, string]> = {
  0x00: ['UI', 'Unnumbered Information'],
  0xac: ['XID', 'Exchange identification'],
};

/** The one-octet unnumbered control field (UI or XID), its items and its Info text. */
function controlField(ctx: DissectCtx, off: number, ctrl: number, isResponse: boolean): void {
  const modifier = ctrl & 0xec;
  const [short, long] = U_COMMANDS[modifier] ?? ['Unknown', 'Unknown'];
  const it = ctx.add(f.control, off, 1, ctrl, {
    label: () => `Control field: U, func=${short} (0x${ctrl.toString(16).toUpperCase().padStart(2, '0')})`,
  });
  const mod = isResponse ? f.modifierResp : f.modifierCmd;
  ctx.add(mod, off, 1, modifier >> 2, {
    parent: it,
    label: () => `${bitText(ctrl, 0xec)}${mod.name}: ${long} (${hex2(modifier >> 2, 2)})`,
  });
  ctx.add(f.ftype, off, 1, ctrl & 3, {
    parent: it,
    label: () => `${bitText(ctrl, 0x03)}Frame type: Unnumbered frame (0x3)`,
  });
  ctx.columns.info += `, U, func=${short}`;
}

/** An expert line of its own (bogus address, LAPF, XID), as Wireshark adds them. */
function expertLine(
  ctx: DissectCtx,
  field: typeof f.ea,
  off: number,
  len: number,
  message: string,
  group: string,
): void {
  const it = ctx.add(field, off, len, null, { label: message });
  ctx.expert(it, 'warn', group, message);
}

/** RFC 2427: optional padding, the NLPID, then the payload it names. */
function nlpidPayload(ctx: DissectCtx, start: number): void {
  let off = start;
  ctx.setLength(ctx.top, off);
  let nlpid = ctx.view.u8(off);
  if (nlpid === 0) {
    ctx.add(f.nlpid, off, 1, 0, { label: 'Padding' });
    off++;
    ctx.setLength(ctx.top, off);
    nlpid = ctx.view.u8(off);
  }
  // OSI network-layer protocols (CLNP, ES-IS, IS-IS, Q.933) count the NLPID as part of their PDU: Wireshark adds
  // it as a hidden item and hands it on with the payload. We dissect none of them: their bytes are data.
  if (nlpid === 0x81 || nlpid === 0x82 || nlpid === 0x83 || nlpid === 0x08) {
    ctx.add(f.nlpid, off, 1, nlpid, { hidden: true });
    ctx.data(off);
    return;
  }
  ctx.add(f.nlpid, off, 1, nlpid);
  off++;
  if (nlpid === 0x80) {
    ctx.setLength(ctx.top, off + 5);
    snap(ctx, off);
    return;
  }
  ctx.setLength(ctx.top, off);
  if (nlpid === 0xcc || nlpid === 0x8e) {
    // An IP datagram that is not there is malformed (Wireshark's IP dissector throws on it).
    ctx.view.check(off, 1);
    ctx.handoff('ethertype', nlpid === 0xcc ? 0x0800 : 0x86dd, off);
  } else ctx.data(off);
}

/**
 * A SNAP header (OUI, protocol id) of a UI frame: OUI 0 carries an ethertype; other OUIs' payloads (bridged
 * frames, vendor protocols) are shown as data.
 */
function snap(ctx: DissectCtx, off: number): void {
  const pid = ctx.view.u16be(off + 3);
  const oui = ctx.view.u24be(off);
  ctx.add(f.oui, off, 3, oui, { label: () => snapOuiLabel(oui) });
  const hex = (n: number, d: number) => n.toString(16).toUpperCase().padStart(d, '0');
  ctx.columns.info += `; SNAP, OUI 0x${hex(oui, 6)} (${SNAP_OUIS[oui]?.info ?? 'Unknown'}), PID 0x${hex(pid, 4)}`;
  if (oui === 0) {
    ctx.add(f.snaptype, off + 3, 2, pid);
    ctx.view.check(off + 5, 1);
    ctx.handoff('ethertype', pid, off + 5);
    return;
  }
  // Cisco's OUI has a PID field of its own in Wireshark (llc.cisco_pid, not ours): only a line of text here.
  if (oui === 0x00000c) ctx.text(`PID: Unknown (0x${hex(pid, 4)})`, off + 3, 2);
  else ctx.add(f.pid, off + 3, 2, pid);
  // RFC 2427 bridged Ethernet without its FCS (IEEE 802.1 OUI, PID 7).
  if (oui === 0x0080c2 && pid === 0x0007) ctx.call(eth, off + 5);
  else ctx.data(off + 5);
}

export const frameRelay = defineProtocol({
  abbrev: 'fr',
  name: 'Frame Relay',
  registerIn: { wtap_encap: LINKTYPE.FRELAY },
  dissect(ctx) {
    const v = ctx.view;
    ctx.columns.protocol = 'FR';
    ctx.columns.info = '';
    let off = 0;
    let dlci = 0;
    let isResponse = false;
    const first = v.u8(0);
    if (first & 1) {
      // At least two address octets are required (FRF.12 fragmentation would start like this).
      expertLine(ctx, f.bogusAddress, 0, 1, 'Bogus 1-octet address field', 'protocol');
      off = 1;
    } else {
      dlci = first >> 2;
      isResponse = (first & 0x02) !== 0;
      const o1 = octetItem(ctx, f.firstOctet, 0, first, [f.cr, f.ea]);
      bits(ctx, f.upperDlci, 0, first, o1);
      bits(ctx, f.cr, 0, first, o1);
      bits(ctx, f.ea, 0, first, o1);
      const second = v.u8(1);
      dlci = (dlci << 4) | (second >> 4);
      const o2 = octetItem(ctx, f.secondOctet, 1, second, [f.fecn, f.becn, f.de, f.ea]);
      for (const b of [f.secondDlci, f.fecn, f.becn, f.de, f.ea]) bits(ctx, b, 1, second, o2);
      off = 2;
      if (!(second & 1)) {
        // Three or four octets: a third DLCI octet when its EA bit is clear, then the final octet.
        let last = v.u8(off);
        if (!(last & 1)) {
          dlci = (dlci << 7) | (last >> 1);
          const o3 = octetItem(ctx, f.thirdOctet, off, last, [f.ea]);
          bits(ctx, f.thirdDlci, off, last, o3);
          bits(ctx, f.ea, off, last, o3);
          off++;
          last = v.u8(off);
          while (!(last & 1)) {
            expertLine(ctx, f.bogusAddress, off, 1, 'Bogus extra address octet', 'protocol');
            off++;
            last = v.u8(off);
          }
        }
        const fin = last;
        const o4 = ctx.text(`Final address octet: ${hex2(fin, 2)}`, off, 1);
        if (fin & 0x02) bits(ctx, f.dlcoreControl, off, fin, o4);
        else {
          dlci = (dlci << 6) | (fin >> 2);
          bits(ctx, f.lowerDlci, off, fin, o4);
        }
        const on = (fin & 0x02) !== 0;
        ctx.add(f.dc, off, 1, on, {
          parent: o4,
          label: () => `.... .... .... ..${on ? 1 : 0}. = DC: ${on ? 'DLCI Address' : 'Control'}`,
        });
        bits(ctx, f.ea, off, fin, o4);
        off++;
      }
    }
    ctx.add(f.dlci, 0, off, dlci);
    ctx.columns.info = `DLCI ${dlci}`;
    ctx.pinfo.data.set('fr.dlci', dlci);

    const ctrl = v.u8(off);
    if (ctrl === 0x03) {
      controlField(ctx, off, ctrl, isResponse);
      nlpidPayload(ctx, off + 1);
      return;
    }
    if (dlci === 0 || ctrl === 0xaf) {
      // DLCI 0 carries LAPF signalling; an XID frame negotiates parameters. Wireshark decodes neither.
      controlField(ctx, off, ctrl, isResponse);
      ctx.setLength(ctx.top, off + 1);
      if (dlci === 0) expertLine(ctx, f.lapf, off, 0, 'Frame relay lapf not yet implemented', 'undecoded');
      else expertLine(ctx, f.xid, off, 0, 'Frame relay xid not yet implemented', 'undecoded');
      ctx.data(off);
      return;
    }
    // Cisco encapsulation: a type (as in Cisco HDLC) right after the address.
    const type = off + 2 <= v.length ? v.u16be(off) : undefined;
    if (type !== undefined && CHDLC_TYPES[type] !== undefined) {
      ctx.add(f.chdlctype, off, 2, type);
      ctx.setLength(ctx.top, off + 2);
      ctx.handoff('ethertype', type, off + 2);
      return;
    }
    ctx.setLength(ctx.top, off);
    ctx.data(off);
  },
});
