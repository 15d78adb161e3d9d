/**
 * Expert information against `tshark -q -z expert` on every corpus capture: the whole text, capture by capture.
 * Where they differ, it is for a protocol (or a part of one) we do not dissect: listed with the reason.
 */
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { allCaptures, hasCorpus } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { expertInfo, expertText } from './expert.js';

const NOT_OURS = 'expert items of a protocol we do not dissect';
const WLAN = "802.11's own expert items (retries, frame-check and radio assumptions), not ours";
const KNOWN: Record<string, string> = {
  'c1222_std_example8.pcap': `${NOT_OURS} (C12.22)`,
  'communityid.pcap.gz': `${NOT_OURS} (SCTP); Wireshark files the Ethernet trailer note under its Ethertype pseudo-layer`,
  'http2_follow_multistream.pcapng': 'TLS "Ignored Unknown Record" warning, not ours',
  'dtn_tcpclv3_bpv6_transfer.pcapng': `${NOT_OURS} (TCPCL)`,
  'dtn_tcpclv4_bpv7_transfer.pcapng': `${NOT_OURS} (TCPCL)`,
  'dtn_udpcl_bpv7_bpsec_bcb_admin.pcapng': `${NOT_OURS} (BPv7)`,
  'dtn_udpcl_bpv7_bpsec_bib_admin.pcapng': `${NOT_OURS} (BPv7)`,
  'knxip_DataSec.pcap': `${NOT_OURS} (KNXnet/IP)`,
  'quic-fragmented-handshakes.pcapng.gz': `${NOT_OURS} (QUIC stream reassembly)`,
  'sample_control4_2012-03-24.pcap': `${NOT_OURS} (IEEE 802.15.4, ZigBee)`,
  'wireguard-ping-tcp.pcap': `${NOT_OURS} (WireGuard)`,
  'wireguard-ping-tcp-dsb.pcapng': `${NOT_OURS} (WireGuard)`,
  'wpa3-suiteb-192.pcapng.gz': 'Wireshark files an EAPOL key note under "802.11 RSNA EAPOL"',
};
const WLAN_CAPTURES = /^(wpa|owe)/;

describe.skipIf(!hasCorpus || !hasTshark)('expert information vs tshark', () => {
  it('prints what tshark -q -z expert prints', async () => {
    let same = 0;
    let total = 0;
    let rows = 0;
    let sameRows = 0;
    const differ: string[] = [];
    for (const file of allCaptures()) {
      const s = new CaptureSession({ hash: false });
      try {
        await s.open(file);
      } catch {
        continue; // a capture we cannot open is another test's business
      }
      const ours = expertText(expertInfo(s).list());
      s.close();
      const theirs = spawnSync('tshark', ['-n', '-r', file, '-q', '-z', 'expert'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
      }).stdout;
      total++;
      const theirRows = theirs.split('\n').filter((l) => /^ +\d+ {2}/.test(l));
      const ourLines = new Set(ours.split('\n'));
      rows += theirRows.length;
      sameRows += theirRows.filter((l) => ourLines.has(l)).length;
      if (ours === theirs) same++;
      else differ.push(basename(file));
    }
    const reason = (f: string) => KNOWN[f] ?? (WLAN_CAPTURES.test(f) ? WLAN : undefined);
    console.log(
      `expert vs tshark: ${same}/${total} captures print the same, ${sameRows}/${rows} of tshark's rows; differing (known): ${differ
        .map((f) => `${f} (${reason(f) ?? 'UNEXPLAINED'})`)
        .join('; ')}`,
    );
    expect(differ.filter((f) => !reason(f))).toEqual([]);
    expect(same).toBeGreaterThanOrEqual(101);
  }, 900_000);
});
