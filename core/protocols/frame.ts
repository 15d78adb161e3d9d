/** The "frame" pseudo-protocol: metadata of the capture record, then handoff by link type. */
import { absTime, bool, frameNum, proto, relTime, str, uint } from '../fields/registry.js';
import { registry } from '../fields/registry.js';
import { setFrameDissector, type DissectCtx } from '../dissect/engine.js';
import type { Item } from '../dissect/types.js';
import { linkTypeName } from '../capture/linktypes.js';

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
  interfaceName: str('frame.interface_name', 'Interface name'),
  encapType: uint('frame.encap_type', 'Encapsulation type', 16),
  pktComment: proto('pkt_comment', 'Packet comments'),
};
// Wireshark 4.0 spells the frame comment field this way too.
registry.register('frame.coloring_rule.name', 'Coloring Rule Name', 'string');

function sub(a: { s: number; ns: number }, b: { s: number; ns: number }): { s: number; ns: number } {
  let s = a.s - b.s;
  let ns = a.ns - b.ns;
  if (ns < 0) {
    ns += 1e9;
    s -= 1;
  }
  return { s, ns };
}

function dissectFrame(root: DissectCtx): void {
  const m = root.frame;
  const f = frameFields;
  const ctx = root;
  if (m.comments?.length) {
    ctx.addLayerName('pkt_comment');
    const pc = ctx.add(f.pktComment, 0, 0, null, { label: 'Packet comments' });
    for (const c of m.comments) ctx.add(f.comment, 0, 0, c, { parent: pc, label: c });
  }
  // The label only in the full tree (no closure per packet for the list and filters).
  const fr = ctx.add(
    f.frame,
    0,
    m.capLen,
    null,
    ctx.fullTree
      ? {
          label: `Frame ${m.number}: ${m.origLen} bytes on wire (${m.origLen * 8} bits), ${m.capLen} bytes captured (${m.capLen * 8} bits)${m.interfaceName ? ` on interface ${m.interfaceName}, id ${m.interfaceId}` : ''}`,
        }
      : undefined,
  );
  // The list and most filters want none of the frame's items: skip building them (and their values).
  if (ctx.wantsAny(FRAME_ITEMS)) frameItems(ctx, m, fr);
  const protocolsItem = ctx.wants(f.protocols)
    ? ctx.add(f.protocols, 0, 0, '', { parent: fr, generated: true })
    : undefined;
  ctx.handoff('wtap_encap', m.linkType, 0);
  if (protocolsItem) {
    const stack = ctx.layers.filter((l) => l !== '_ws.malformed' && l !== '_ws.short' && l !== '_ws.expert');
    protocolsItem.value = stack.join(':');
    protocolsItem.label = `[Protocols in frame: ${protocolsItem.value}]`;
  }
  if (!ctx.columns.protocol) ctx.columns.protocol = linkTypeName(m.linkType);
}

const FRAME_ITEMS = [
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
];

function frameItems(ctx: DissectCtx, m: DissectCtx['frame'], fr: Item): void {
  const f = frameFields;
  const o = { parent: fr };
  ctx.add(f.interfaceId, 0, 0, m.interfaceId, o);
  if (m.interfaceName) ctx.add(f.interfaceName, 0, 0, m.interfaceName, o);
  ctx.add(f.encapType, 0, 0, m.linkType, {
    ...o,
    label: () => `Encapsulation type: ${linkTypeName(m.linkType)} (${m.linkType})`,
  });
  const t = { s: m.tsSec, ns: m.tsNsec };
  ctx.add(f.time, 0, 0, t, o);
  ctx.add(f.timeEpoch, 0, 0, t, o);
  const prev = ctx.state.prevTime?.(m.number);
  ctx.add(f.timeDelta, 0, 0, prev ? sub(t, prev) : { s: 0, ns: 0 }, o);
  const ref = ctx.state.timeRef ?? t;
  ctx.add(f.timeRelative, 0, 0, sub(t, ref), o);
  ctx.add(f.number, 0, 0, m.number, o);
  ctx.add(f.len, 0, 0, m.origLen, o);
  ctx.add(f.capLen, 0, 0, m.capLen, o);
  ctx.add(f.marked, 0, 0, false, o);
  ctx.add(f.ignored, 0, 0, false, o);
}

setFrameDissector(dissectFrame);
