/** The "frame" pseudo-protocol: metadata of the capture record, then handoff by link type. */
import { absTime, bool, frameNum, int, proto, relTime, setBit, str, uint } from '../fields/registry.js';
import type { FieldDef, FieldValue } from '../fields/registry.js';
import { registry } from '../fields/registry.js';
import { setFrameDissector, wsText, type CaptureState, type DissectCtx } from '../dissect/engine.js';
import { bitFieldText, formatRelTime, maskShift, timeDiff } from '../fields/format.js';
import type { FrameMeta, Item } from '../dissect/types.js';
import { linkTypeName, wtapEncap } from '../capture/linktypes.js';

export const frameFields = {
  frame: proto('frame', 'Frame'),
  number: frameNum('frame.number', 'Frame Number'),
  time: absTime('frame.time', 'Arrival Time'),
  timeEpoch: absTime('frame.time_epoch', 'Epoch Time'),
  timeDelta: relTime('frame.time_delta', 'Time delta from previous captured frame'),
  timeRelative: relTime('frame.time_relative', 'Time since reference or first frame'),
  len: uint('frame.len', 'Frame Length', 32),
  capLen: uint('frame.cap_len', 'Capture Length', 32),
  marked: bool('frame.marked', 'Frame is marked'),
  ignored: bool('frame.ignored', 'Frame is ignored'),
  protocols: str('frame.protocols', 'Protocols in frame'),
  comment: str('frame.comment', 'Comment'),
  interfaceId: uint('frame.interface_id', 'Interface id', 32),
  sectionNumber: uint('frame.section_number', 'Section number', 32),
  offsetShift: relTime('frame.offset_shift', 'Time shift for this packet'),
  interfaceName: str('frame.interface_name', 'Interface name'),
  encapType: uint('frame.encap_type', 'Encapsulation type', 16),
  packetFlags: uint('frame.packet_flags', 'Packet flags', 32, { base: 'hex' }),
  p2pDir: int('frame.p2p_dir', 'Point-to-Point Direction', 8, { strings: { 0: 'Sent', 1: 'Received' } }),
  pktComment: proto('pkt_comment', 'Packet comments'),
};
/** The parts of the pcapng packet flags word, in tshark's order. */
const FLAG_PARTS: readonly FieldDef[] = [
  uint('frame.packet_flags_direction', 'Direction', 32, {
    base: 'hex',
    bitmask: 0x3,
    strings: { 0: 'Unknown', 1: 'Inbound', 2: 'Outbound' },
  }),
  uint('frame.packet_flags_reception_type', 'Reception type', 32, {
    bitmask: 0x1c,
    strings: { 0: 'Not specified', 1: 'Unicast', 2: 'Multicast', 3: 'Broadcast', 4: 'Promiscuous' },
  }),
  uint('frame.packet_flags_fcs_length', 'FCS length', 32, { bitmask: 0x1e0 }),
  uint('frame.packet_flags_reserved', 'Reserved', 32, { bitmask: 0xfe00 }),
  bool('frame.packet_flags_crc_error', 'CRC error', setBit(32, 0x1000000)),
  bool('frame.packet_flags_packet_too_error', 'Packet too long error', setBit(32, 0x2000000)),
  bool('frame.packet_flags_packet_too_short_error', 'Packet too short error', setBit(32, 0x4000000)),
  bool('frame.packet_flags_wrong_inter_frame_gap_error', 'Wrong interframe gap error', setBit(32, 0x8000000)),
  bool('frame.packet_flags_unaligned_frame_error', 'Unaligned frame error', setBit(32, 0x10000000)),
  bool(
    'frame.packet_flags_start_frame_delimiter_error',
    'Start frame delimiter error',
    setBit(32, 0x20000000),
  ),
  bool('frame.packet_flags_preamble_error', 'Preamble error', setBit(32, 0x40000000)),
  bool('frame.packet_flags_symbol_error', 'Symbol error', setBit(32, 0x80000000)),
];

/** The parts of a packet flags word under its item, each as its bits (no bytes of the packet carry them). */
function flagParts(ctx: DissectCtx, parent: Item, flags: number): void {
  for (const part of FLAG_PARTS) {
    const mask = part.bitmask ?? 0;
    const bits = (flags & mask) >>> 0;
    const value = part.kind === 'bool' ? bits !== 0 : bits / 2 ** maskShift(mask);
    ctx.add(part, 0, 0, value, { parent, label: () => bitFieldText(part, value, 4) });
  }
}

// Wireshark 4.0 spells the frame comment field this way too.
registry.register('frame.coloring_rule.name', 'Coloring Rule Name', 'string');

const NOT_IN_PROTOCOLS = new Set([
  '_ws.malformed',
  '_ws.short',
  '_ws.expert',
  'pkt_comment',
  'eap',
  'tcp.segments',
]);

function dissectFrame(root: DissectCtx): void {
  const m = root.frame;
  const f = frameFields;
  const ctx = root;
  if (m.comments?.length) {
    ctx.addLayerName('pkt_comment');
    const pc = ctx.add(f.pktComment, 0, 0, null, { label: 'Packet comments' });
    // Each comment is also an expert item of its own (Comment/Comment), as Wireshark makes it.
    for (const c of m.comments)
      ctx.expert(ctx.add(f.comment, 0, 0, c, { parent: pc, label: c }), 'comment', 'comment', c);
  }
  // The label only in the full tree (no closure per packet for the list and filters).
  const fr = ctx.add(
    f.frame,
    0,
    m.capLen,
    null,
    ctx.fullTree
      ? {
          label: `Frame ${m.number}: ${m.origLen} bytes on wire (${m.origLen * 8} bits), ${m.capLen} bytes captured (${m.capLen * 8} bits)${m.section !== undefined ? ` on interface ${m.interfaceName ?? 'unknown'}, id ${m.interfaceId}` : ''}${DIRECTION_TEXT[(m.flags ?? 0) & 3]}`,
        }
      : undefined,
  );
  // The list and most filters want none of the frame's items: skip building them (and their values).
  // (The flags word's parts come with it, but only from a real dissection: not in FRAME_ITEMS.)
  if (ctx.wantsAny(FRAME_ITEMS) || ctx.wantsAny(FLAG_PARTS)) frameItems(ctx, m, fr);
  const protocolsItem = ctx.wants(f.protocols)
    ? ctx.add(f.protocols, 0, 0, '', { parent: fr, generated: true })
    : undefined;
  ctx.handoff('wtap_encap', m.linkType, 0);
  if (protocolsItem) {
    // tshark 4.0 leaves packet comments, EAP and the reassembled-segments line out of this list (its protocol
    // hierarchy still counts them).
    const stack = ctx.layers.filter((l) => !NOT_IN_PROTOCOLS.has(l));
    protocolsItem.value = stack.join(':');
    protocolsItem.label = `[Protocols in frame: ${protocolsItem.value}]`;
  }
  if (!ctx.columns.protocol) ctx.columns.protocol = linkTypeName(m.linkType);
}

/** The frame title's note of the pcapng flags' direction (inbound 1, outbound 2). */
const DIRECTION_TEXT = ['', ' (inbound)', ' (outbound)', ''];

/**
 * Wireshark's point-to-point direction from the pcapng flags: 0 (Sent) for an outbound packet, 1 (Received) for
 * an inbound one; undefined when they say neither.
 */
function p2pDirection(flags: number | undefined): number | undefined {
  if (flags === undefined) return undefined;
  if (flags & 2) return 0;
  return flags & 1 ? 1 : undefined;
}

/** The items frameItemValues gives (filters reading none of them skip building them). */
export const FRAME_ITEMS: readonly FieldDef[] = [
  frameFields.packetFlags,
  frameFields.sectionNumber,
  frameFields.offsetShift,
  frameFields.interfaceId,
  frameFields.interfaceName,
  frameFields.encapType,
  frameFields.time,
  frameFields.timeEpoch,
  frameFields.timeDelta,
  frameFields.timeRelative,
  frameFields.number,
  frameFields.len,
  frameFields.capLen,
  frameFields.marked,
  frameFields.ignored,
  frameFields.p2pDir,
];

const ZERO = { s: 0, ns: 0 };

/** The frame's metadata items in tree order, as [field, value] (the frame summary's stand-in uses them too). */
export function frameItemValues(m: FrameMeta, state: CaptureState): [FieldDef, FieldValue][] {
  const f = frameFields;
  const t = { s: m.tsSec, ns: m.tsNsec };
  const prev = state.prevTime?.(m.number);
  const out: [FieldDef, FieldValue][] = [];
  if (m.section !== undefined) out.push([f.sectionNumber, m.section]);
  out.push([f.interfaceId, m.interfaceId]);
  // A pcapng interface without a name is "unknown" to tshark.
  if (m.interfaceName || m.section !== undefined) out.push([f.interfaceName, m.interfaceName ?? 'unknown']);
  if (m.flags !== undefined) out.push([f.packetFlags, m.flags]);
  out.push(
    // Wireshark's own encapsulation number (Frame Relay is 26 there, 107 in pcap).
    [f.encapType, wtapEncap(m.linkType)?.id ?? m.linkType],
    [f.time, t],
    [f.offsetShift, ZERO],
    [f.timeEpoch, t],
    [f.timeDelta, prev ? timeDiff(t, prev) : { s: 0, ns: 0 }],
    [f.timeRelative, timeDiff(t, state.timeRef ?? t)],
    [f.number, m.number],
    [f.len, m.origLen],
    [f.capLen, m.capLen],
    [f.marked, false],
    [f.ignored, false],
  );
  const dir = p2pDirection(m.flags);
  if (dir !== undefined) out.push([f.p2pDir, dir]);
  return out;
}

/** Items tshark shows in [brackets]: computed, not read from the capture record. */
const GENERATED = new Set<FieldDef>([
  frameFields.offsetShift,
  frameFields.timeDelta,
  frameFields.timeRelative,
  frameFields.marked,
  frameFields.ignored,
]);

const bytesAndBits = (n: number) => `${n} byte${n === 1 ? '' : 's'} (${n * 8} bits)`;

function frameItems(ctx: DissectCtx, m: FrameMeta, fr: Item): void {
  const f = frameFields;
  const full = ctx.fullTree;
  // A pcapng frame has its section and interface; tshark shows no interface for a pcap file (the item stays
  // for filters, hidden).
  const pcapng = m.section !== undefined;
  let iface: Item | undefined;
  for (const [field, value] of frameItemValues(m, ctx.state)) {
    if (!full) {
      const it = ctx.add(field, 0, 0, value, { parent: fr });
      if (field === f.packetFlags && ctx.wantsAny(FLAG_PARTS)) flagParts(ctx, it, value as number);
      continue;
    }
    const o: { parent: Item; label?: () => string; generated?: boolean; hidden?: boolean } = { parent: fr };
    if (GENERATED.has(field)) o.generated = true;
    if (field === f.interfaceId) {
      if (!pcapng) o.hidden = true;
      else o.label = () => `Interface id: ${m.interfaceId} (${m.interfaceName ?? 'unknown'})`;
    } else if (field === f.interfaceName && iface) o.parent = iface;
    else if (field === f.encapType)
      o.label = () =>
        `Encapsulation type: ${linkTypeName(m.linkType)} (${wtapEncap(m.linkType)?.id ?? m.linkType})`;
    else if (field === f.timeEpoch)
      o.label = () => `Epoch Time: ${m.tsSec}.${String(m.tsNsec).padStart(9, '0')} seconds`;
    else if (field === f.len) o.label = () => `Frame Length: ${bytesAndBits(m.origLen)}`;
    else if (field === f.capLen) o.label = () => `Capture Length: ${bytesAndBits(m.capLen)}`;
    else if (field === f.packetFlags)
      o.label = () => `Packet flags: 0x${(value as number).toString(16).padStart(8, '0')}`;
    const it = ctx.add(field, 0, 0, value, o);
    if (field === f.interfaceId) iface = it;
    if (field === f.packetFlags) flagParts(ctx, it, value as number);
    if (field === f.timeDelta) {
      // tshark's delta from the previous displayed frame: with every frame displayed, the captured one; in a
      // filtered one-shot pass, from the last frame that matched (none yet: 0).
      const shown = ctx.state.displayedBefore;
      const d =
        shown === undefined
          ? (value as { s: number; ns: number })
          : shown === null
            ? { s: 0, ns: 0 }
            : timeDiff({ s: m.tsSec, ns: m.tsNsec }, shown);
      ctx.add(wsText, 0, 0, null, {
        parent: fr,
        generated: true,
        label: `[Time delta from previous displayed frame: ${formatRelTime(d)}]`,
      });
    }
  }
}

setFrameDissector(dissectFrame);
