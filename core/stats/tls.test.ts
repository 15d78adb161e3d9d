/**
 * Statistics › TLS Handshakes (`wirelens tls`): on sessions Node's TLS makes here, and on every corpus capture
 * with TLS, each handshake's packet, session, server name, JA3 and JA3S are what tshark's fields give.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { CaptureSession } from '../session/session.js';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { tlsExchange } from '../testing/tls-session.js';
import { hasTshark, synthCapture } from '../testing/vs-tshark.js';
import { tlsHandshakes } from './tls.js';

/** What tshark's fields say of each handshake: its ClientHello's packet and session, SNI, JA3; the JA3S. */
function tsharkHandshakes(file: string): string[] {
  const out = spawnSync(
    'tshark',
    [
      '-n',
      '-r',
      file,
      '-Y',
      'tls.handshake.type == 1 || tls.handshake.type == 2',
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'tcp.stream',
      '-e',
      'udp.stream',
      '-e',
      'tls.handshake.type',
      '-e',
      'tls.handshake.extensions_server_name',
      '-e',
      'tls.handshake.ja3',
      '-e',
      'tls.handshake.ja3s',
    ],
    { encoding: 'utf8' },
  ).stdout;
  const rows: { key: string; frame: string; sni: string; ja3: string; ja3s: string }[] = [];
  const open = new Map<string, (typeof rows)[number]>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [frame, tcp, udp, types, sni, ja3, ja3s] = line.split('\t');
    const key = tcp ? `tcp.stream == ${tcp.split(',')[0]}` : `udp.stream == ${udp.split(',')[0]}`;
    const t = types.split(',');
    if (t.includes('1')) {
      const r = { key, frame, sni: sni.split(',')[0] ?? '', ja3: ja3.split(',')[0] ?? '', ja3s: '' };
      rows.push(r);
      open.set(key, r);
    }
    if (t.includes('2')) {
      let r = open.get(key);
      if (!r) {
        r = { key, frame, sni: '', ja3: '', ja3s: '' };
        rows.push(r);
        open.set(key, r);
      }
      r.ja3s = ja3s.split(',')[0] ?? '';
    }
  }
  return rows.map((r) => [r.frame, r.key, r.sni, r.ja3, r.ja3s].join(' | '));
}

const ours = (s: CaptureSession) =>
  tlsHandshakes(s).map((h) => [h.frame, h.filter, h.sni, h.ja3, h.ja3s].join(' | '));

describe('TLS handshakes', () => {
  it('TLS 1.2: the ends, SNI, version, suite and the certificate; wirelens tls prints them', async () => {
    const x = await tlsExchange(
      { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
      ['GET / HTTP/1.1\r\nHost: wirelens.test\r\n\r\n'],
      () => Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'),
    );
    const { session, file } = await synthCapture(x.packets);
    try {
      const [h, ...more] = tlsHandshakes(session);
      expect(more).toEqual([]);
      expect(h).toMatchObject({
        filter: 'tcp.stream == 0',
        client: '192.168.1.23:51000',
        server: '93.184.216.34:443',
        sni: 'wirelens.test',
        version: 'TLS 1.2',
        cipherSuite: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
        subject: 'id-at-commonName=wirelens.test',
        issuer: 'id-at-commonName=wirelens.test',
      });
      expect(h.ja3).toMatch(/^[0-9a-f]{32}$/);
      expect(h.notBefore).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\)$/);
      if (hasTshark) expect(ours(session)).toEqual(tsharkHandshakes(file));
      let out = '';
      expect(await main(['tls', file], { out: (t) => void (out += t), err: () => undefined })).toBe(0);
      expect(out).toContain(
        'TLS handshakes: 1\n#4  192.168.1.23:51000 → 93.184.216.34:443  (tcp.stream == 0)',
      );
      expect(out).toContain('    SNI         wirelens.test\n');
      out = '';
      await main(['tls', file, '--json'], { out: (t) => void (out += t), err: () => undefined });
      expect(JSON.parse(out)).toEqual(tlsHandshakes(session));
      // The evidence report lists them too.
      const dir = join(mkdtempSync(join(tmpdir(), 'wirelens-tls-')), 'report');
      expect(await main(['report', file, '--out', dir], { out: () => undefined, err: () => undefined })).toBe(
        0,
      );
      const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { tls: unknown[] };
      expect(report.tls).toEqual(tlsHandshakes(session));
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('<h2>TLS handshakes (1)</h2>');
      expect(html).toContain('<td>wirelens.test</td>');
    } finally {
      session.close();
    }
  });

  it.skipIf(!hasCorpus || !hasTshark)(
    'every corpus capture with TLS: the handshakes tshark shows',
    async () => {
      const names = [
        'dhe1.pcapng.gz',
        'dmgr.pcapng',
        'http2_follow_multistream.pcapng',
        'quic_follow_multistream.pcapng',
        'rsasnakeoil2.pcap',
        'tls-renegotiation.pcap',
        'tls12-chacha20poly1305.pcap',
        'tls12-dsb.pcapng',
        'tls13-rfc8446.pcap',
      ];
      let rows = 0;
      for (const name of names) {
        const file = capturePath(name);
        if (!existsSync(file)) continue;
        const s = new CaptureSession({ hash: false });
        await s.open(file);
        try {
          const expected = tsharkHandshakes(file);
          expect(ours(s), name).toEqual(expected);
          rows += expected.length;
        } finally {
          s.close();
        }
      }
      console.log(`TLS handshakes vs tshark: ${rows} handshakes on ${names.length} captures identical`);
      // The nine captures hold 18 handshakes between them.
      expect(rows).toBe(18);
    },
  );
});
