/** Test reference: every frame of a capture dissected in order with the full tree (no selection, no cache). */
import { openCapture, tlsKeyLog } from '../capture/index.js';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import type { Dissection } from '../dissect/types.js';
import type { SynthPacket } from './synth.js';
import '../protocols/index.js';

export async function dissectAll(path: string): Promise<Dissection[]> {
  const cap = await openCapture(path);
  const state = new CaptureState();
  state.readFrame = (n) => cap.readPacket(n - 1);
  state.keyLog = () => tlsKeyLog(cap);
  if (cap.index.count) state.timeRef = { s: cap.index.tsSec(0), ns: cap.index.tsNsec(0) };
  state.prevTime = (n) => (n > 1 ? { s: cap.index.tsSec(n - 2), ns: cap.index.tsNsec(n - 2) } : undefined);
  const out: Dissection[] = [];
  cap.forEach(
    0,
    cap.index.count,
    (i, b) => void out.push(dissectFrame(cap.meta(i), b, state, { selection: 'all' })),
  );
  cap.close();
  return out;
}

/** The same for generated packets (Ethernet unless told): dissected in order, re-reads served from the list. */
export function dissectPackets(pkts: readonly SynthPacket[], linkType = 1): Dissection[] {
  const state = new CaptureState();
  if (pkts.length) state.timeRef = { s: pkts[0].tsSec, ns: pkts[0].tsNsec };
  state.readFrame = (n) => pkts[n - 1].data;
  return pkts.map((p, i) =>
    dissectFrame(
      {
        number: i + 1,
        tsSec: p.tsSec,
        tsNsec: p.tsNsec,
        capLen: p.data.length,
        origLen: p.data.length,
        linkType,
        interfaceId: 0,
      },
      p.data,
      state,
    ),
  );
}
