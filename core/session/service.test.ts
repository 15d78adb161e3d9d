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
