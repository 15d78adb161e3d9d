import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
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
