/**
 * HTTP/3 (RFC 9114) on decrypted QUIC STREAM data: the unidirectional stream type and the frames (type,
 * length, payload; SETTINGS' identifiers and values). QUIC calls it once per STREAM frame with what its first
 * pass found of the stream (pinfo.data 'http3.plan'); the frame names go back for QUIC's Info column
 * ('http3.names'). Header blocks are QPACK-compressed and not decoded.
 */
import { bytes as bytesField, uint } from '../fields/registry.js';
import { defineProtocol } from '../dissect/engine.js';
import type { H3Plan } from './l7-quic.js';
import { exact, varint } from './quic-varint.js';

const STREAM_TYPES: Record<number, string> = {
  0: 'Control Stream',
  1: 'Push Stream',
  2: 'QPACK Encoder Stream',
  3: 'QPACK Decoder Stream',
};
/** HTTP/3 frame names as QUIC's Info column gives them (reserved and unknown types are left out). */
export const H3_FRAME_NAMES: Record<number, string> = {
  0x0: 'DATA',
  0x1: 'HEADERS',
  0x3: 'CANCEL_PUSH',
  0x4: 'SETTINGS',
  0x5: 'PUSH_PROMISE',
  0x7: 'GOAWAY',
  0xd: 'MAX_PUSH_ID',
  0xf0700: 'PRIORITY_UPDATE',
  0xf0701: 'PRIORITY_UPDATE',
};

const FRAME_TYPES = H3_FRAME_NAMES;
const SETTINGS: Record<number, string> = {
  0x1: 'Max Table Capacity',
  0x6: 'Max Field Section Size',
  0x7: 'Blocked Streams',
  0x8: 'Extended CONNECT',
};

const f = {
  streamType: uint('http3.stream_type', 'Stream Type', 64, { base: 'hex', strings: STREAM_TYPES }),
  frameType: uint('http3.frame_type', 'Type', 64, { base: 'hex', strings: FRAME_TYPES }),
  frameLength: uint('http3.frame_length', 'Length', 64),
  framePayload: bytesField('http3.frame_payload', 'Frame Payload'),
  settingsId: uint('http3.settings.id', 'Settings Identifier', 64, { base: 'hex', strings: SETTINGS }),
  settingsValue: uint('http3.settings.value', 'Settings Value', 64),
};

export const http3 = defineProtocol({
  abbrev: 'http3',
  name: 'Hypertext Transfer Protocol Version 3',
  dissect(ctx) {
    const plan = ctx.pinfo.data.get('http3.plan') as H3Plan | undefined;
    const v = ctx.view;
    const names: string[] = [];
    if (plan?.typeLen) {
      const [t] = varint(v, 0);
      ctx.add(f.streamType, 0, plan.typeLen, t);
    }
    if (plan)
      for (let p = plan.start; p < v.length;) {
        const [type, tn] = varint(v, p);
        const [len, ln] = varint(v, p + tn);
        ctx.add(f.frameType, p, tn, type);
        ctx.add(f.frameLength, p + tn, ln, len);
        const body = p + tn + ln;
        const avail = Math.max(0, Math.min(len, v.length - body));
        if (avail) ctx.add(f.framePayload, body, avail, v.slice(body, avail));
        if (type === 0x4)
          for (let q = body; q < body + avail;) {
            const [id, il] = varint(v, q);
            const [val, vl] = varint(v, q + il);
            ctx.add(f.settingsId, q, il, id);
            ctx.add(f.settingsValue, q + il, vl, exact(v, q + il, vl, val));
            q += il + vl;
          }
        // Only a frame complete here is named (one cut by the STREAM frame's end is named where it completes).
        const name = FRAME_TYPES[type];
        if (name && body + len <= v.length) names.push(name);
        p = body + len;
      }
    ctx.pinfo.data.set('http3.names', names);
    return true;
  },
});
