/**
 * The TLS record layer's packet-list columns against tshark itself, on the corpus captures of TLS that the
 * oracle set lacks or only samples: handshake messages fragmented across records (every way Wireshark's test
 * suite splits them), TLS 1.3 drafts, Info text after TCP's analysis prefix, alerts in the clear, and sessions
 * decrypted with the capture's own key log. Each capture must equal `tshark -n -r` column for column (Protocol
 * and Info) on every frame.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { formatFollow } from '../stats/follow.js';
import { followStream } from '../stats/run.js';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { framesMatching, hasTshark, tsharkColumns } from '../testing/vs-tshark.js';

const CAPTURES = [
  // Client Hellos split across records at every offset: fragments, middles, last fragments, several per record.
  'tls-fragmented-handshakes.pcap.gz',
  // "[TCP ACKed unseen segment] , Encrypted Alert"; a Server Key Exchange completed before a new record.
  'tls12-chacha20poly1305.pcap',
  'rsa-p-lt-q.pcap',
  // A ServerHello negotiating draft-20 TLS 1.3 (0x7f14): TLSv1.3.
  'tls13-20-chacha20poly1305.pcap',
  'tls12-aes128ccm.pcap',
  'tls13-rfc8446.pcap',
  'retrans-tls.pcap',
  // An SSLv2-format ClientHello reaching an SSLv3 server.
  'rsasnakeoil2.pcap',
  // Decrypted with the secrets the pcapng carries (Decryption Secrets Blocks): TLS 1.2 AES-GCM with HTTP inside,
  // and TLS 1.3 AES-256-GCM whose HTTP responses span records, over a TCP stream that arrives out of order.
  'tls12-dsb.pcapng',
  'challenge01_ooo_stream.pcapng.gz',
  // HTTP/2 inside (ALPN h2), curl's: preface, SETTINGS, HPACK-coded HEADERS, DATA with the response's type.
  'http2-brotli.pcapng',
];

describe.skipIf(!hasCorpus || !hasTshark)('TLS record layer vs tshark', () => {
  it('shows the Protocol and Info tshark shows on every frame', async () => {
    const report: string[] = [];
    for (const name of CAPTURES) {
      const want = tsharkColumns(capturePath(name));
      const s = new CaptureSession({ hash: false });
      await s.open(capturePath(name));
      const got: string[] = [];
      s.scanShard({ shard: 0, shards: 1 }, 'columns', true, (_i, d) =>
        got.push(`${d.columns.protocol}\t${d.columns.info}`),
      );
      const same = want.filter((w, i) => w.trimEnd() === got[i]?.trimEnd()).length;
      report.push(`${name}: ${same}/${want.length}`);
      expect(got.length, name).toBe(want.length);
      for (let i = 0; i < want.length; i++)
        expect(got[i].trimEnd(), `${name} frame ${i + 1}`).toBe(want[i].trimEnd());
    }
    console.log(`TLS columns vs tshark: ${report.join(', ')}`);
  });

  it("shows and filters a browser's HTTP/2 inside TLS like tshark (Firefox, seven streams)", async () => {
    const name = 'http2_follow_multistream.pcapng';
    const path = capturePath(name);
    const want = tsharkColumns(path);
    const s = new CaptureSession({ hash: false });
    await s.open(path);
    const got: string[] = [];
    s.scanShard({ shard: 0, shards: 1 }, 'columns', true, (_i, d) =>
      got.push(`${d.columns.protocol}\t${d.columns.info}`),
    );
    const same = want.filter((w, i) => w.trimEnd() === got[i]?.trimEnd()).length;
    // The rest are tshark's column quirks where a frame holds several TLS records of HTTP/2 frames.
    console.log(`HTTP/2 columns vs tshark (${name}): ${same}/${want.length}`);
    expect(same).toBeGreaterThanOrEqual(179);
    s.close();
    for (const filter of [
      'http2.headers.method == "GET"',
      'http2.headers.status == 200',
      'http2.type == 0',
      'http2.headers.path contains "media"',
      'http2.header.name == "content-type"',
      'http2 && !http2.headers.status',
    ]) {
      const r = spawnSync('tshark', ['-n', '-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], {
        encoding: 'utf8',
      });
      const fresh = new CaptureSession({ hash: false });
      await fresh.open(path);
      expect(framesMatching(fresh, filter), filter).toEqual(r.stdout.split('\n').filter((l) => l !== ''));
      fresh.close();
    }
  });

  it('follows the decrypted TLS streams like tshark -z follow,tls', async () => {
    const path = capturePath('tls12-dsb.pcapng');
    const s = new CaptureSession({ hash: false });
    await s.open(path);
    // The secrets it decrypts with are the capture's own (its Decryption Secrets Block): on record in its info.
    expect(s.info().tlsSecretsInCapture).toBe(2);
    expect(s.info().tlsKeyLog).toBeUndefined();
    for (const stream of [0, 1]) {
      const r = spawnSync('tshark', ['-n', '-r', path, '-q', '-z', `follow,tls,ascii,${stream}`], {
        encoding: 'utf8',
      });
      // tshark 4.0 names the second node ":0"; everything else (data, order, sides) is the same.
      const body = (t: string) => t.split('\n').filter((l) => !l.startsWith('Node '));
      const ours = formatFollow(followStream(s, 'tls', stream), 'ascii');
      expect(ours).toContain('Node 1: 93.184.216.34:443');
      expect(body(ours)).toEqual(body(r.stdout));
    }
    s.close();
  });
});
