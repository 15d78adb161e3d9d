import { describe, expect, it } from 'vitest';
import { CaptureState, defineProtocol, dissectFrame, itemLabel } from './engine.js';
import { uint } from '../fields/registry.js';
import type { FrameMeta } from './types.js';
import '../protocols/frame.js';

// Test-only link type and protocols (ids in the user range so they never clash with real ones).
const LT = 147;
const f = { a: uint('enginetest.a', 'A', 8), b: uint('enginetest.b', 'B', 16, { base: 'hex' }) };
defineProtocol({
  abbrev: 'enginetest',
  name: 'Engine Test',
  registerIn: { wtap_encap: LT },
  dissect(ctx) {
    const a = ctx.view.u8(0);
    ctx.add(f.a, 0, 1, a);
    ctx.add(f.b, 1, 2, ctx.view.u16be(1));
    ctx.columns.protocol = 'ET';
    ctx.columns.info = `a=${a}`;
    ctx.handoff('enginetest.next', [a], 3);
  },
});
defineProtocol({
  abbrev: 'enginetest_heur',
  name: 'Engine Heuristic',
  heuristicIn: ['enginetest.next'],
  dissect(ctx) {
    if (ctx.view.u8(0) !== 0x7e) return false;
    ctx.columns.protocol = 'HEUR';
    return true;
  },
});

const meta = (len: number, orig = len): FrameMeta => ({
  number: 1,
  tsSec: 1000,
  tsNsec: 5,
  capLen: len,
  origLen: orig,
  linkType: LT,
  interfaceId: 0,
});

describe('dissection engine', () => {
  it('builds a tree with frame and protocol items, labels and byte ranges', () => {
    const bytes = Uint8Array.of(5, 0x12, 0x34, 1, 2);
    const d = dissectFrame(meta(5), bytes, new CaptureState());
    expect(d.tree.map((i) => i.field.abbrev)).toEqual(['frame', 'enginetest', 'data']);
    const b = d.byField.get(f.b.id)![0];
    expect(itemLabel(b)).toBe('B: 0x1234');
    expect([b.off, b.len]).toEqual([1, 2]);
    expect(d.layers).toEqual(['enginetest', 'data']);
    expect(d.columns.protocol).toBe('ET');
    expect(d.malformed).toBe(false);
  });

  it('turns an out-of-bounds read into a Malformed Packet item, never an exception', () => {
    const d = dissectFrame(meta(2), Uint8Array.of(5, 1), new CaptureState());
    expect(d.malformed).toBe(true);
    expect(d.tree.some((i) => i.field.abbrev === '_ws.malformed')).toBe(true);
    expect(d.columns.info).toBe('[Malformed Packet]');
  });

  it('reports a snaplen cut as "Packet size limited during capture"', () => {
    const d = dissectFrame(meta(2, 100), Uint8Array.of(5, 1), new CaptureState());
    expect(d.tree.some((i) => i.field.abbrev === '_ws.short')).toBe(true);
  });

  it('rolls back a heuristic that rejects and accepts one that matches', () => {
    const no = dissectFrame(meta(4), Uint8Array.of(1, 0, 0, 0x00), new CaptureState());
    expect(no.layers).toEqual(['enginetest', 'data']);
    const yes = dissectFrame(meta(4), Uint8Array.of(1, 0, 0, 0x7e), new CaptureState());
    expect(yes.layers).toEqual(['enginetest', 'enginetest_heur']);
    expect(yes.columns.protocol).toBe('HEUR');
  });

  it('records only the selected fields (plus protocols) in a selective dissection', () => {
    const d = dissectFrame(meta(5), Uint8Array.of(5, 0x12, 0x34, 1, 2), new CaptureState(), {
      selection: new Set([f.a.id]),
    });
    expect(d.byField.get(f.a.id)?.length).toBe(1);
    expect(d.byField.get(f.b.id)).toBeUndefined();
    expect(d.columns.info).toBe('a=5');
  });
});
