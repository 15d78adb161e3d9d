/** Test reference: every frame of a capture dissected in order with the full tree (no selection, no cache). */
import { openCapture } from '../capture/index.js';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import type { Dissection } from '../dissect/types.js';
import '../protocols/index.js';

export async function dissectAll(path: string): Promise<Dissection[]> {
  const cap = await openCapture(path);
  const state = new CaptureState();
  state.readFrame = (n) => cap.readPacket(n - 1);
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
