/**
 * What a capture's dissection state keeps lives as long as the capture is open: it must not hold views of the
 * reader's chunks (a TLS session's 32-byte randoms once kept a 4 MiB chunk each alive: 535 MB of the 1M-packet
 * benchmark capture's memory).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMix, hasGenerator } from '../testing/corpus.js';
import { pinningViews } from '../testing/retained.js';
import { tlsExchange } from '../testing/tls-session.js';
import { synthCapture } from '../testing/vs-tshark.js';
import { CaptureSession } from './session.js';

describe('dissection state keeps copies, not views of the capture reader’s chunks', () => {
  it('TLS sessions (randoms, session IDs)', async () => {
    const body = 'x'.repeat(6000);
    const ex = await tlsExchange(
      { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
      ['GET /a HTTP/1.1\r\nHost: wirelens.test\r\n\r\n', 'GET /b HTTP/1.1\r\nHost: wirelens.test\r\n\r\n'],
      () => Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    );
    const { session } = await synthCapture(ex.packets);
    try {
      expect(session.total).toBeGreaterThan(10);
      expect([...pinningViews(session.captureState)]).toEqual([]);
    } finally {
      session.close();
    }
  });

  it.skipIf(!hasGenerator)('the benchmark’s traffic mix (HTTP, TLS, DNS, ARP, ICMP, …)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wirelens-retention-')), 'mix.pcap');
    generateMix(file, 5000, 7);
    const session = new CaptureSession({ hash: false });
    try {
      await session.open(file);
      session.scan(0, session.total, 'all', () => undefined);
      expect([...pinningViews(session.captureState)]).toEqual([]);
    } finally {
      session.close();
    }
  });
});
