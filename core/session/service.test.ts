import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import type { CaptureInfo } from '../api/types.js';
import { createLocalService } from './service.js';

describe('service: progressive open', () => {
  it('answers open after the first megabytes, keeps indexing, and a filter applied meanwhile covers every packet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-service-'));
    // ~24 MB: 16k packets of ~1.5 kB in one TCP download.
    const c = new TcpConversation(CLIENT, WEB, 40000, 8080, { s: 1_700_000_000, ns: 0 });
    c.handshake();
    c.send(false, new Uint8Array(16_000 * 1460).fill(0x41));
    c.close();
    const file = join(dir, 'big.pcap');
    writeFileSync(file, writePcap(c.packets, { linkType: 1 }));
    const total = c.packets.length;
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    const done = new Promise<CaptureInfo>((res) =>
      svc.on('opened', (i) => i.complete && i.packets === total && res(i)),
    );
    const grown: number[] = [];
    svc.on('grown', (g) => grown.push(g.packets));
    const first = await svc.call('open', { path: file });
    expect(first.packets).toBeLessThan(total);
    expect(first.complete).toBe(false);
    const f = await svc.call('applyFilter', { expr: 'tcp.srcport == 8080' });
    expect(f.ok).toBe(true);
    const final = await done;
    expect(final.openId).toBe(first.openId);
    expect(grown[grown.length - 1]).toBe(total);
    const rows = await svc.call('rows', { start: 0, count: 10 });
    expect(rows.total).toBe(total);
    // Every server→client packet matches, including those indexed after the filter was applied.
    const fromServer = c.packets.filter((p) => ((p.data[34] << 8) | p.data[35]) === 8080).length;
    expect(fromServer).toBeGreaterThan(16_000);
    expect(rows.displayed).toBe(fromServer);
    svc.dispose();
  });
});

describe('service: hostile paths', () => {
  it('refuses a file that is not a capture without echoing any of its contents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-service-'));
    const secret = join(dir, 'id_rsa');
    writeFileSync(secret, '-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n');
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    const err = await svc.call('open', { path: secret }).then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    expect(err).toMatch(/is not a pcap or pcapng capture file/);
    expect(err).not.toMatch(/BEGIN|OPENSSH|secret|2d 2d 2d/i);
    svc.dispose();
  });
});

describe('service: statistics', () => {
  it('answers conversations, endpoints and the protocol hierarchy, and counts again when the capture changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-service-'));
    const c = new TcpConversation(CLIENT, WEB, 40000, 8080, { s: 1_700_000_000, ns: 0 });
    c.handshake();
    c.send(true, new TextEncoder().encode('Good morning!! :)\n'));
    c.send(false, new TextEncoder().encode('Got that thanks!\n'));
    c.close();
    const file = join(dir, 'chat.pcap');
    writeFileSync(file, writePcap(c.packets, { linkType: 1 }));
    const svc = createLocalService({ dataDir: join(dir, 'data') });
    await expect(svc.call('phs', {})).rejects.toThrow(/no capture is open/);
    await svc.call('open', { path: file });
    const n = c.packets.length;
    const bytes = c.packets.reduce((a, p) => a + p.data.length, 0);

    const tcp = await svc.call('conversations', { type: 'tcp' });
    expect(tcp.conversations).toHaveLength(1);
    // Every type is counted with it, and each count is that type's own table.
    for (const type of ['eth', 'ip', 'ipv6', 'tcp', 'udp'] as const) {
      const t = await svc.call('conversations', { type });
      expect(tcp.counts?.[type]).toEqual({
        conversations: t.conversations.length,
        endpoints: t.endpoints.length,
      });
    }
    const [conv] = tcp.conversations;
    expect(conv.framesAB + conv.framesBA).toBe(n);
    expect(conv.bytesAB + conv.bytesBA).toBe(bytes);
    expect([conv.portA, conv.portB].sort()).toEqual([40000, 8080].sort());
    expect(conv.stream).toBe(0);
    expect(tcp.endpoints).toHaveLength(2);
    expect(tcp.endpoints.reduce((a, e) => a + e.framesTx, 0)).toBe(n);

    const root = await svc.call('phs', {});
    const path = (node: typeof root, names: string[]): typeof root | undefined =>
      names.length === 0
        ? node
        : path(
            node.children.find((x) => x.name === names[0])!,
            names.slice(1),
          );
    expect(path(root, ['eth', 'ip', 'tcp'])?.frames).toBe(n);
    expect(path(root, ['eth'])?.bytes).toBe(bytes);
    expect(await svc.call('phs', {})).toBe(root); // cached for the same capture and count

    const one = join(dir, 'one.pcap');
    writeFileSync(one, writePcap(c.packets.slice(0, 1), { linkType: 1 }));
    await svc.call('open', { path: one });
    expect((await svc.call('phs', {})).children[0].frames).toBe(1);
    svc.dispose();
  });
});
