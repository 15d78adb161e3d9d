/**
 * Display filters on the fast lane (core/fastlane/filter.ts), on the repository's own generated captures: the
 * stand-in items equal the engine's for every field the lane answers for, `wirelens list -Y` prints what the
 * engine alone prints, and filters reading anything else are not the lane's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { compileFilter, type CompiledFilter } from '../dfilter/index.js';
import { CLIENT, ROUTER, WEB } from '../testing/scenarios.js';
import {
  dnsExchange,
  httpGet,
  httpResponse,
  TcpConversation,
  tinyGif,
  type SynthPacket,
} from '../testing/synth.js';
import { tlsExchange } from '../testing/tls-session.js';
import { compareLaneItems, LANE_FILTERS, same } from '../testing/fastlane.js';
import { laneFilterable } from './filter.js';

const dir = mkdtempSync(join(tmpdir(), 'wirelens-lanefilter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function clean(start: number, port: number): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, port, 80, { s: start, ns: 0 });
  c.handshake();
  c.send(true, httpGet('images.example.com', '/index.html'));
  c.send(false, httpResponse(new TextEncoder().encode('<html></html>\n'), 'text/html'));
  c.send(true, httpGet('images.example.com', '/img/logo.gif'));
  const big = new Uint8Array(4000);
  big.set(tinyGif(40, 30));
  c.send(false, httpResponse(big, 'image/gif'));
  c.send(true, httpGet('images.example.com', '/missing.gif'));
  c.send(false, httpResponse(new TextEncoder().encode('<h1>Not Found</h1>\n'), 'text/html', '404 Not Found'));
  c.close();
  return c.packets;
}

describe('display filters on the fast lane', () => {
  it('evaluates only filters that read what the lane knows, no bytes', () => {
    const f = (expr: string): CompiledFilter => {
      const c = compileFilter(expr);
      if (!c.ok) throw new Error(c.error.message);
      return c.filter;
    };
    for (const expr of LANE_FILTERS) expect([expr, laneFilterable(f(expr))]).toEqual([expr, true]);
    for (const expr of [
      'tcp.flags.syn == 1',
      'http.host == "a"',
      'ip.src[0] == 10',
      'tls',
      'frame contains "GIF"',
    ])
      expect([expr, laneFilterable(f(expr))]).toEqual([expr, false]);
  });

  it('gives the items the engine gives, and the rows it prints', async () => {
    const requests = ['GET / HTTP/1.1\r\nHost: wirelens.test\r\n\r\n'];
    const x = await tlsExchange({ version: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' }, requests, () =>
      new TextEncoder().encode('HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n' + 'x'.repeat(3000)),
    );
    const packets = [
      ...dnsExchange(CLIENT, ROUTER, 'images.example.com', WEB.ip, 0x1a2b, { s: 1_700_000_000, ns: 0 }),
      ...clean(1_700_000_000, 50500),
      ...clean(1_700_000_001, 50501),
      ...x.packets,
    ].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
    const file = join(dir, 'mix.pcap');
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    const r = await compareLaneItems(file);
    expect(r.mismatches).toEqual([]);
    expect(r.frames).toBe(packets.length);
    for (const expr of LANE_FILTERS) {
      const [lane, engine] = await same(file, ['-Y', expr, '--format', 'tsv']);
      expect([expr, engine]).toEqual([expr, 0]);
      await same(file, ['-Y', expr, '--count']);
      // Some match (most filters), all from the lane.
      expect(lane).toBeGreaterThanOrEqual(0);
    }
    const [get] = await same(file, ['-Y', LANE_FILTERS[0]]);
    expect(get).toBe(6); // three requests in each of two connections (the TLS one is not HTTP to the lane)
  });
});
