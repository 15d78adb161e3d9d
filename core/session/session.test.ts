import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { compileFilter } from '../dfilter/index.js';
import { httpGifScenario } from '../testing/scenarios.js';
import { CaptureSession } from './session.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-session-'));
const file = join(dir, 'http.pcap');
const packets = httpGifScenario();
writeFileSync(file, writePcap(packets, { linkType: 1 }));

describe('CaptureSession', () => {
  it('opens, counts and reports the capture identity', async () => {
    const s = new CaptureSession();
    const info = await s.open(file);
    expect(info.packets).toBe(packets.length);
    expect(info.format).toBe('pcap');
    expect(info.interfaces[0].linkTypeName).toBe('Ethernet');
    expect(await s.fileSha256()).toMatch(/^[0-9a-f]{64}$/);
    s.close();
  });

  it('pages rows on demand and gives the same row for a packet whether reached in order or directly', async () => {
    const a = new CaptureSession({ hash: false });
    await a.open(file);
    const all = a.rows(0, packets.length).rows;
    expect(all).toHaveLength(packets.length);
    expect(all[0].no).toBe(1);
    expect(all[0].time).toBe(0);
    const b = new CaptureSession({ hash: false });
    await b.open(file);
    const last = b.rows(packets.length - 3, 3).rows;
    expect(last).toEqual(all.slice(-3));
    a.close();
    b.close();
  });

  it('gives rows exact times, and a window its previous displayed packet (for the dd time format)', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const at = (no: number) => ({ s: packets[no - 1].tsSec, ns: packets[no - 1].tsNsec ?? 0 });
    const first = s.rows(0, 3).rows;
    expect(first[0]).toMatchObject({
      ts: at(1),
      tsDigits: 6,
      firstTs: at(1),
      prevTs: at(1),
      prevDisplayedTs: at(1),
    });
    expect(first[2]).toMatchObject({ ts: at(3), prevTs: at(2), prevDisplayedTs: at(2) });
    const f = await s.applyFilter('frame.number == 2 || frame.number == 5 || frame.number == 9');
    expect(f.ok).toBe(true);
    // A window that starts at the second displayed packet still knows the first one.
    const [five, nine] = s.rows(1, 2).rows;
    expect(five).toMatchObject({ no: 5, prevTs: at(4), prevDisplayedTs: at(2) });
    expect(nine).toMatchObject({ no: 9, prevTs: at(8), prevDisplayedTs: at(5) });
    expect(s.rows(0, 1).rows[0]).toMatchObject({ no: 2, prevDisplayedTs: at(2) });
    s.close();
  });

  it('builds a tree whose items point at bytes inside their data source', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    const p = s.packet(3);
    expect(p.tree[0].field).toBe('frame');
    const walk = (nodes: typeof p.tree): void => {
      for (const n of nodes) {
        const src = p.sources[n.src];
        expect(src).toBeDefined();
        expect(n.off + n.len).toBeLessThanOrEqual(src.bytes.length);
        if (n.children) walk(n.children);
      }
    };
    walk(p.tree);
    s.close();
  });

  it('rejects a packet number outside the capture with a clear error', async () => {
    const s = new CaptureSession({ hash: false });
    await s.open(file);
    expect(() => s.packet(10_000)).toThrow(/there is no packet 10000/);
    s.close();
  });
});

describe('CaptureSession without a frame summary', () => {
  it('filters as a session with one (every frame dissected again instead of answered from the summary)', async () => {
    const filters = [
      'http.request.method == "GET"',
      'tcp.port == 80 && tcp.len > 0',
      'http.content_type contains "gif"',
    ];
    const found: number[][][] = [];
    for (const summary of [true, false]) {
      const s = new CaptureSession({ hash: false, summary });
      await s.open(file);
      s.analyseTo(packets.length);
      expect(s.frameSummary.stackCount > 0).toBe(summary);
      found.push(
        filters.map((f) => {
          const c = compileFilter(f);
          if (!c.ok) throw new Error(c.error.message);
          return [...s.runFilter(c.filter)];
        }),
      );
      s.close();
    }
    expect(found[0].every((nos) => nos.length > 0)).toBe(true);
    expect(found[1]).toEqual(found[0]);
  });
});
