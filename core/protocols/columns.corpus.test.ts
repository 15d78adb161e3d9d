/**
 * Differential test of the packet-list columns against tshark's own output (../shared/corpus/oracle/*\/frames.tsv):
 * Source, Destination, Protocol, Length and Info, per capture and in total. Floors apply to frames whose
 * protocol (as tshark names it) is one Wirelens dissects; the rest are counted and printed, not dropped.
 */
import { describe, expect, it } from 'vitest';
import { openCapture, tlsKeyLog } from '../capture/index.js';
import { CaptureState, dissectFrame } from '../dissect/engine.js';
import { capturePath, hasCorpus, oracleCaptures, oracleFile, OURS, readTsv } from '../testing/corpus.js';
import './index.js';

interface Tally {
  frames: number;
  ours: number;
  length: number;
  source: number;
  destination: number;
  protocol: number;
  info: number;
}

const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(1)}%`);

describe.skipIf(!hasCorpus)('packet-list columns vs tshark', () => {
  it('agrees with tshark on counts, lengths and the columns of the protocols we dissect', async () => {
    const total: Tally = { frames: 0, ours: 0, length: 0, source: 0, destination: 0, protocol: 0, info: 0 };
    const lines: string[] = [];
    const samples: string[] = [];
    for (const name of oracleCaptures()) {
      const rows = readTsv(oracleFile(name, 'frames.tsv'));
      const cap = await openCapture(capturePath(name));
      expect(cap.index.count, `${name}: packet count`).toBe(rows.length);
      const state = new CaptureState();
      state.readFrame = (n) => cap.readPacket(n - 1);
      state.keyLog = () => tlsKeyLog(cap);
      if (cap.index.count) state.timeRef = { s: cap.index.tsSec(0), ns: cap.index.tsNsec(0) };
      const t: Tally = { frames: 0, ours: 0, length: 0, source: 0, destination: 0, protocol: 0, info: 0 };
      cap.forEach(0, cap.index.count, (i, bytes) => {
        const d = dissectFrame(cap.meta(i), bytes, state, { selection: 'columns' });
        const r = rows[i];
        t.frames++;
        if (String(d.frame.origLen) === r['frame.len']) t.length++;
        if (!OURS.has(r['_ws.col.Protocol'])) return;
        t.ours++;
        if (d.columns.source === r['_ws.col.Source']) t.source++;
        if (d.columns.destination === r['_ws.col.Destination']) t.destination++;
        if (d.columns.protocol === r['_ws.col.Protocol']) t.protocol++;
        if (d.columns.info === r['_ws.col.Info']) t.info++;
        else if (samples.length < 25)
          samples.push(
            `${name}#${i + 1}: ${JSON.stringify(d.columns.info)} ≠ ${JSON.stringify(r['_ws.col.Info'])}`,
          );
      });
      cap.close();
      for (const k of Object.keys(total) as (keyof Tally)[]) total[k] += t[k];
      lines.push(
        `${name.padEnd(40)} frames ${String(t.frames).padStart(5)}  ours ${String(t.ours).padStart(5)}  protocol ${pct(t.protocol, t.ours).padStart(6)}  info ${pct(t.info, t.ours).padStart(6)}  src ${pct(t.source, t.ours).padStart(6)}  dst ${pct(t.destination, t.ours).padStart(6)}`,
      );
    }
    console.log(
      [
        ...lines,
        `TOTAL: frames ${total.frames}, length ${total.length}/${total.frames}; over ${total.ours} frames of our protocols: ` +
          `protocol ${total.protocol}/${total.ours} (${pct(total.protocol, total.ours)}), info ${total.info}/${total.ours} (${pct(total.info, total.ours)}), ` +
          `source ${pct(total.source, total.ours)}, destination ${pct(total.destination, total.ours)}; ` +
          `${total.frames - total.ours} frames of protocols we do not dissect`,
        'first disagreements:',
        ...samples,
      ].join('\n'),
    );
    expect(total.length).toBe(total.frames);
    expect(total.protocol / total.ours).toBeGreaterThanOrEqual(0.99);
    expect(total.info / total.ours).toBeGreaterThanOrEqual(0.97);
    // Every column of every frame of our protocols agrees today: a new disagreement is a regression.
    expect(samples).toEqual([]);
    expect([total.protocol, total.info, total.source, total.destination]).toEqual(Array(4).fill(total.ours));
  });
});
