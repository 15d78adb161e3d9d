/**
 * WebSocket (RFC 6455): after an HTTP "101 Switching Protocols" with "Upgrade: websocket", the stream carries
 * frames: FIN, opcode, mask, payload length, masking key and the payload, unmasked as its own data source.
 */
import { bool, bytes as bytesField, uint } from '../fields/registry.js';
import { defineProtocol, type DissectCtx } from '../dissect/engine.js';

const OPCODES: Record<number, string> = {
  0: 'Continuation',
  1: 'Text',
  2: 'Binary',
  8: 'Connection Close',
  9: 'Ping',
  10: 'Pong',
};

const f = {
  fin: bool('websocket.fin', 'Fin'),
  rsv: uint('websocket.rsv', 'Reserved', 8, { base: 'hex' }),
  opcode: uint('websocket.opcode', 'Opcode', 8, { strings: OPCODES }),
  mask: bool('websocket.mask', 'Mask'),
  payloadLength: uint('websocket.payload_length', 'Payload length', 8),
  payloadLengthExt16: uint('websocket.payload_length_ext_16', 'Extended Payload length (16 bits)', 16),
  payloadLengthExt64: uint('websocket.payload_length_ext_64', 'Extended Payload length (64 bits)', 64),
  maskingKey: bytesField('websocket.masking_key', 'Masking-Key'),
  payload: bytesField('websocket.payload', 'Payload'),
  unmasked: bytesField('websocket.unmasked_payload', 'Unmasked Payload'),
  text: bytesField('websocket.payload.text', 'Text'),
};

/** TCP streams upgraded to WebSocket: stream index → frame of the 101 response. */
export function websocketStreams(ctx: Pick<DissectCtx, 'state'>): Map<number, number> {
  return ctx.state.get<Map<number, number>>('websocket.streams', () => new Map());
}

export function isWebSocketData(ctx: DissectCtx): boolean {
  const stream = ctx.pinfo.data.get('tcp.stream') as number | undefined;
  if (stream === undefined) return false;
  const from = websocketStreams(ctx).get(stream);
  return from !== undefined && ctx.frame.number > from;
}

defineProtocol({
  abbrev: 'websocket',
  name: 'WebSocket',
  heuristicIn: ['tcp'],
  dissect(ctx) {
    if (!isWebSocketData(ctx)) return false;
    const v = ctx.view;
    const names: string[] = [];
    let off = 0;
    while (off < v.length) {
      if (!v.has(off, 2)) {
        ctx.pinfo.data.set('tcp.desegment', { offset: off, need: -1 });
        break;
      }
      const b0 = v.u8(off);
      const b1 = v.u8(off + 1);
      const masked = (b1 & 0x80) !== 0;
      let len = b1 & 0x7f;
      let p = off + 2;
      if (len === 126) {
        if (!v.has(p, 2)) break;
        len = v.u16be(p);
        p += 2;
      } else if (len === 127) {
        if (!v.has(p, 8)) break;
        len = Number(v.u64be(p));
        p += 8;
      }
      const keyOff = p;
      if (masked) p += 4;
      if (!v.has(off, p - off + len)) {
        ctx.pinfo.data.set('tcp.desegment', { offset: off, need: p - off + len });
        if (off === 0) return true;
        break;
      }
      const opcode = b0 & 0x0f;
      const parent = off === 0 ? ctx.top : ctx.layerItem(ctx.top.field, off, p - off + len);
      const o = { parent };
      ctx.add(f.fin, off, 1, (b0 & 0x80) !== 0, o);
      ctx.add(f.rsv, off, 1, (b0 >> 4) & 7, o);
      ctx.add(f.opcode, off, 1, opcode, o);
      ctx.add(f.mask, off + 1, 1, masked, o);
      ctx.add(f.payloadLength, off + 1, 1, b1 & 0x7f, o);
      if ((b1 & 0x7f) === 126) ctx.add(f.payloadLengthExt16, off + 2, 2, len, o);
      if ((b1 & 0x7f) === 127) ctx.add(f.payloadLengthExt64, off + 2, 8, BigInt(len), o);
      const payload = v.slice(p, len);
      if (masked) {
        const key = v.slice(keyOff, 4);
        ctx.add(f.maskingKey, keyOff, 4, key, o);
        ctx.add(f.payload, p, len, payload, o);
        const plain = payload.map((x, i) => x ^ key[i & 3]);
        const sub = ctx.withSource('Unmasked data', plain);
        sub.add(f.unmasked, 0, plain.length, plain, o);
        if (opcode === 1) sub.add(f.text, 0, plain.length, plain, o);
      } else {
        ctx.add(f.payload, p, len, payload, o);
        if (opcode === 1) ctx.add(f.text, p, len, payload, o);
      }
      names.push(
        `WebSocket ${OPCODES[opcode] ?? `Unknown (${opcode})`}${b0 & 0x80 ? ' [FIN]' : ''}${masked ? ' [MASKED]' : ''}`,
      );
      off = p + len;
    }
    ctx.columns.protocol = 'WebSocket';
    if (names.length) ctx.columns.info = names.join(' ');
    return true;
  },
});
