/**
 * The exportPackets service method: the displayed packets (the applied filter's view), all, a range; the
 * provenance in the new file; a capture still indexed in the background is exported whole; errors as messages.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, sha256File, writePcap, writePcapng } from '../capture/index.js';
import { checkCall } from '../api/methods.js';
import { httpGifScenario, chatScenario, CLIENT, WEB } from '../testing/scenarios.js';
import { TcpConversation } from '../testing/synth.js';
import { createLocalService } from './service.js';

/** opt_comment of the section header of a pcapng file. */
function sectionComment(path: string): string {
  const b = readFileSync(path);
  const len = b.readUInt32LE(4);
  for (let o = 24; o + 4 <= len - 4;) {
    const code = b.readUInt16LE(o);
    const l = b.readUInt16LE(o + 2);
    if (code === 0) break;
    if (code === 1) return b.subarray(o + 4, o + 4 + l).toString('utf8');
    o += 4 + ((l + 3) & ~3);
  }
  return '';
}

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'wirelens-export-svc-'));
  const packets = [...httpGifScenario(1_700_000_000), ...chatScenario(1_700_000_001)]
    .sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec)
    .map((p, i) => ({ ...p, ...(i === 4 ? { comments: ['look here'] } : {}) }));
  const file = join(dir, 'case.pcapng');
  writeFileSync(file, writePcapng(packets, { interfaces: [{ linkType: 1, name: 'eth0', tsresol: 9 }] }));
  const svc = createLocalService({ dataDir: join(dir, 'data') });
  return { dir, file, svc, total: packets.length };
}

describe('service: exportPackets', () => {
  it('writes the displayed packets, with the provenance, and they read back as the view', async () => {
    const { dir, file, svc, total } = fixture();
    await svc.call('open', { path: file });
    const f = await svc.call('applyFilter', { expr: 'http' });
    expect(f.ok && f.displayed).toBeGreaterThan(0);
    const view = (await svc.call('rows', { start: 0, count: 1000 })).rows.map((r) => r.no);
    const progress: number[] = [];
    svc.on('progress', (p) => p.phase === 'export' && progress.push(p.done));
    const out = join(dir, 'http.pcapng');
    const r = await svc.call('exportPackets', { path: out, which: 'displayed' });
    expect(r.packets).toBe(view.length);
    expect(r.format).toBe('pcapng');
    expect(r.sha256).toBe(await sha256File(out));
    expect(progress[progress.length - 1]).toBe(view.length);

    const back = await openCapture(out);
    const src = await openCapture(file);
    expect(back.index.count).toBe(view.length);
    view.forEach((no, k) => {
      expect(Buffer.from(back.readPacket(k)).equals(Buffer.from(src.readPacket(no - 1)))).toBe(true);
      expect([back.index.tsSec(k), back.index.tsNsec(k)]).toEqual([
        src.index.tsSec(no - 1),
        src.index.tsNsec(no - 1),
      ]);
    });
    back.close();
    src.close();
    const comment = sectionComment(out);
    expect(comment).toContain('Exported by Wirelens from case.pcapng');
    expect(comment).toContain(`Source SHA-256: ${await sha256File(file)}`);
    expect(comment).toContain(`Packets: ${view.length} of ${total} (display filter: http)`);

    // All packets, and a range of them (of all, or of the displayed ones), as pcap.
    const all = await svc.call('exportPackets', {
      path: join(dir, 'all.pcap'),
      which: 'all',
      format: 'pcap',
    });
    expect(all.packets).toBe(total);
    const some = await svc.call('exportPackets', {
      path: join(dir, 'r.pcapng'),
      which: 'all',
      range: '2-4,9',
    });
    expect(some.packets).toBe(4);
    expect(sectionComment(some.path)).toContain('Packets: 4 of');
    expect(sectionComment(some.path)).toContain('(all packets, packet range 2-4,9)');
    const shown = await svc.call('exportPackets', {
      path: join(dir, 'shown.pcapng'),
      which: 'displayed',
      range: `1-${view[1]}`,
    });
    expect(shown.packets).toBe(2);
    // The packet comment went along.
    const c = await openCapture(some.path);
    expect(c.meta(3 - 1).comments).toBeUndefined();
    c.close();
    const withNote = await svc.call('exportPackets', {
      path: join(dir, 'n.pcapng'),
      which: 'all',
      range: '5',
    });
    const n = await openCapture(withNote.path);
    expect(n.meta(0).comments).toEqual(['look here']);
    n.close();
    svc.dispose();
  });

  it('answers with the reason: an existing file, the evidence itself, a bad range, no capture', async () => {
    const { dir, file, svc } = fixture();
    await expect(svc.call('exportPackets', { path: join(dir, 'x.pcapng'), which: 'all' })).rejects.toThrow(
      'no capture is open',
    );
    await svc.call('open', { path: file });
    await expect(svc.call('exportPackets', { path: file, which: 'all' })).rejects.toThrow(
      /refusing to write onto the evidence file itself/,
    );
    const taken = join(dir, 'taken.pcapng');
    writeFileSync(taken, 'x');
    await expect(svc.call('exportPackets', { path: taken, which: 'all' })).rejects.toThrow(
      `${taken} already exists`,
    );
    await expect(
      svc.call('exportPackets', { path: join(dir, 'y.pcapng'), which: 'all', range: 'ten' }),
    ).rejects.toThrow(/"ten" is not a packet number or range/);
    expect(readdirSync(dir).sort()).toEqual(['case.pcapng', 'data', 'taken.pcapng']);
    expect(checkCall('exportPackets', { path: '/x', which: 'some' })).toMatch(/invalid argument which/);
    svc.dispose();
  });

  it('waits for the background indexing of a big capture and exports every packet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-export-svc-'));
    // ~18 MB: more than the service indexes before open answers.
    const c = new TcpConversation(CLIENT, WEB, 40000, 8080, { s: 1_700_000_000, ns: 0 });
    c.handshake();
    c.send(false, new Uint8Array(12_000 * 1460).fill(0x41));
    c.close();
    const file = join(dir, 'big.pcap');
    writeFileSync(file, writePcap(c.packets, { linkType: 1 }));
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    const first = await svc.call('open', { path: file });
    expect(first.complete).toBe(false);
    const r = await svc.call('exportPackets', { path: join(dir, 'all.pcap'), which: 'all', format: 'pcap' });
    expect(r.packets).toBe(c.packets.length);
    // Same bytes as the source: same header, same records.
    expect(r.sha256).toBe(await sha256File(file));
    svc.dispose();
  });
});
