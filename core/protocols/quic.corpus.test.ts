import { describe, expect, it } from 'vitest';
import { dissectAll } from '../testing/dissect-all.js';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { registry } from '../fields/registry.js';
import type { Dissection } from '../dissect/types.js';
import './index.js';

const values = (d: Dissection, abbrev: string): unknown[] =>
  (d.byField.get(registry.get(abbrev)!.id) ?? []).map((it) => it.value);

describe.skipIf(!hasCorpus)('QUIC with the key log of a pcapng Decryption Secrets Block', () => {
  it('decrypts Initial, Handshake and 1-RTT packets and reassembles CRYPTO data as tshark does', async () => {
    const ds = await dissectAll(capturePath('quic-fragmented-handshakes.pcapng.gz'));
    const frames = (abbrev: string) => ds.filter((d) => values(d, abbrev).length).map((d) => d.frame.number);
    // tshark -Y tls: a Retry's new Initial keys (3), retransmitted CRYPTO data (3, 9), data after a gap kept
    // until the gap fills (16 → 17), Chrome's shuffled CRYPTO frames in one packet (19-33).
    expect(frames('tls')).toEqual([
      1,
      4,
      5,
      6,
      7,
      8,
      10,
      11,
      17,
      ...Array.from({ length: 15 }, (_, i) => 19 + i),
    ]);
    // The certificate's signature completes in frame 8 from parts in three packets; the server's
    // EncryptedExtensions (Handshake keys) and NewSessionTickets (1-RTT keys) come from the key log.
    expect(values(ds[5], 'tls.handshake.type')).toEqual([2, 8, 11]);
    expect(values(ds[7], 'tls.handshake.type')).toEqual([15, 20]);
    expect(values(ds[10], 'tls.handshake.type')).toEqual([4, 4]);
    expect(values(ds[5], 'tls.handshake.extensions_alpn_str')).toEqual(['h3-29']);
    expect(values(ds[0], 'tls.handshake.extensions_server_name')).toEqual(['localhost']);
    // HTTP/3 on the 1-RTT STREAM data: frames read per stream and direction (the response on stream 0).
    expect(frames('http3')).toEqual([9, 10, 11, 12]);
    expect(values(ds[10], 'http3.frame_type')).toEqual([1, 0, 1]);
    expect(ds.map((d) => d.columns.protocol).filter((p) => p === 'HTTP3').length).toBe(4);
    expect(ds[9].columns.info).toMatch(
      /^Protected Payload \(KP0\), DCID=b8e844a59dba1b56a9c136266fcc82bda97f, PKN: 0, ACK, MD/,
    );
  });
});
