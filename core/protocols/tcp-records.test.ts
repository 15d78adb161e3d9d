import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_ORDER,
  FrameRecords,
  NO_OPS,
  OP_FENCE,
  OP_ILLEGAL,
  OP_SEGNOTE,
  OP_TCPCOL,
  type FrameRecord,
  type Op,
} from './tcp-records.js';

const irtt = { s: 0, ns: 1500 };

function record(over: Partial<FrameRecord> = {}): FrameRecord {
  return {
    stream: 3,
    dir: 1,
    relSeq: 4294967295,
    relAck: 17,
    winScale: -2,
    analysis: [],
    relS: 12345678901,
    relNs: 999999999,
    deltaS: -1,
    deltaNs: 5,
    ops: NO_OPS,
    completeness: 31,
    ...over,
  };
}

/** The record as get() gives it back: optional fields present (undefined when unset). */
function decoded(r: FrameRecord): FrameRecord {
  return {
    dupAckNum: undefined,
    dupAckFrame: undefined,
    reassembledIn: undefined,
    acksFrame: undefined,
    ackRttNs: undefined,
    irtt: undefined,
    bytesInFlight: undefined,
    pushBytes: undefined,
    ...r,
  };
}

describe('FrameRecords', () => {
  it('gives back every field of a stored record, once the next frame is stored', () => {
    const store = new FrameRecords((id) => (id === 3 ? irtt : undefined));
    const pdu: Op = { op: 'pdu', pieces: [[1, 54, 10]], frags: [], nfrags: 0, len: 10, canDesegment: true };
    const ops: Op[] = [
      { op: 'direct', off: 54, len: 100, canDesegment: true },
      { op: 'direct', off: 54, len: 10, canDesegment: false, rlen: 1460 },
      OP_TCPCOL,
      OP_SEGNOTE,
      { op: 'segdata', off: 64, len: 90 },
      pdu,
      { op: 'data', off: 54, len: 1 },
      OP_FENCE,
      OP_ILLEGAL,
      { op: 'error', msg: 'New fragment overlaps old data (retransmission?)' },
    ];
    const a = record({
      analysis: ['keep_alive', 'ack_lost_segment', 'zero_window'],
      dupAckNum: 2,
      dupAckFrame: 7,
      acksFrame: 9,
      ackRttNs: 0,
      irtt,
      bytesInFlight: 1460,
      pushBytes: 2920,
    });
    store.put(10, a);
    a.ops = ops; // steps come while the payload is dissected
    expect(store.get(10)).toBe(a); // the live record itself
    store.put(2_000_000, record({ stream: 0, dir: 0 }));
    const back = store.get(10)!;
    expect(back).not.toBe(a);
    expect(back).toEqual(decoded({ ...a, ops }));
    expect(back.ops[5]).toBe(pdu); // a PDU step keeps its pieces by reference
    expect(store.streamOf(10)).toBe(3);
    expect(store.streamOf(11)).toBeUndefined();
    expect(store.get(11)).toBeUndefined();
  });

  it('returns analysis flags in the order the first pass finds them', () => {
    const store = new FrameRecords(() => undefined);
    const all = [...ANALYSIS_ORDER];
    store.put(1, record({ analysis: all }));
    store.put(2, record());
    expect(store.get(1)!.analysis).toEqual(all);
    expect(store.get(2)!.analysis).toEqual([]);
  });

  it('marks a frame reassembled in a later one, stored or live', () => {
    const store = new FrameRecords(() => undefined);
    store.put(1, record());
    const live = record();
    store.put(2, live);
    store.setReassembledIn(1, 5);
    store.setReassembledIn(2, 5);
    store.setReassembledIn(3, 5); // no record: nothing to mark
    expect(live.reassembledIn).toBe(5);
    store.put(3, record());
    expect(store.get(1)!.reassembledIn).toBe(5);
    expect(store.get(2)!.reassembledIn).toBe(5);
    expect(store.get(3)!.reassembledIn).toBeUndefined();
  });

  it('keeps a frame with very many steps whole', () => {
    const store = new FrameRecords(() => undefined);
    const many: Op[] = Array.from({ length: 300 }, (_, i) => ({ op: 'segdata', off: i, len: 1 }));
    store.put(1, record({ ops: many }));
    store.put(2, record());
    expect(store.get(1)!.ops).toEqual(many);
  });
});
