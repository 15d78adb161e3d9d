/**
 * ARP duplicate IP address detection (Wireshark's arp.duplicate-address-detected): a host answering for an
 * address another MAC had, a gratuitous claim, a reply whose target is the duplicate; rows, details and filters
 * against tshark.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  detailsText,
  filtersVsTshark,
  framesMatching,
  hasTshark,
  layerParts,
  synthCapture,
} from '../testing/vs-tshark.js';
import { ethernet, ip4, mac, type SynthPacket } from '../testing/synth.js';

const A = '00:1b:21:aa:bb:01';
const B = '00:1b:21:aa:bb:02';
const GW = '00:00:0c:12:34:56';
const ZERO = '00:00:00:00:00:00';

function arp(
  i: number,
  op: number,
  sha: string,
  spa: string,
  tha: string,
  tpa: string,
  dst = 'ff:ff:ff:ff:ff:ff',
): SynthPacket {
  const body = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, op, ...mac(sha), ...ip4(spa), ...mac(tha), ...ip4(tpa)]);
  return {
    data: ethernet(mac(dst), mac(sha), 0x0806, body),
    tsSec: 1_700_000_000 + Math.floor(i * 2.5),
    tsNsec: (i % 2) * 500_000_000,
  };
}

const packets = [
  arp(0, 1, A, '10.0.0.1', ZERO, '10.0.0.254'),
  arp(1, 2, GW, '10.0.0.254', A, '10.0.0.1', A),
  // B answers for the gateway's address: poisoning A's cache.
  arp(2, 2, B, '10.0.0.254', A, '10.0.0.1', A),
  arp(3, 2, B, '10.0.0.254', A, '10.0.0.1', A),
  arp(4, 1, B, '10.0.0.254', ZERO, '10.0.0.254'),
  // B claims A's address in a gratuitous reply.
  arp(5, 2, B, '10.0.0.1', B, '10.0.0.1'),
  arp(6, 2, GW, '10.0.0.254', B, '10.0.0.1', B),
  arp(7, 1, A, '10.0.0.1', ZERO, '10.0.0.254'),
];

describe('ARP duplicate address detection', () => {
  it('flags addresses claimed by a second MAC as Wireshark does', async () => {
    const { session: s, list, tshark, file } = await synthCapture(packets);
    const rows = list.trimEnd().split('\n');
    // Frames 3 and 4: the target check (10.0.0.1, still A's) is the last one, so the Info column says nothing.
    expect(rows[2]).toMatch(/ARP 42 10\.0\.0\.254 is at 00:1b:21:aa:bb:02$/);
    expect(rows[4]).toMatch(
      /ARP Announcement for 10\.0\.0\.254 \(duplicate use of 10\.0\.0\.254 detected!\)$/,
    );
    expect(rows[5]).toMatch(
      /Gratuitous ARP for 10\.0\.0\.1 \(Reply\) \(duplicate use of 10\.0\.0\.1 detected!\)$/,
    );
    expect(rows[6]).toMatch(
      /10\.0\.0\.254 is at 00:00:0c:12:34:56 \(duplicate use of 10\.0\.0\.1 detected!\)$/,
    );
    const tree = detailsText(s);
    expect(tree).toContain(
      '[Duplicate IP address detected for 10.0.0.254 (00:1b:21:aa:bb:02) - also in use by 00:00:0c:12:34:56 (frame 2)]\n' +
        '    [Frame showing earlier use of IP address: 2]\n' +
        '        [Expert Info (Warning/Sequence): Duplicate IP address configured (10.0.0.254)]\n',
    );
    expect(tree).toContain('    [Seconds since earlier frame seen: 8]\n');
    expect(framesMatching(s, 'arp.duplicate-address-detected')).toEqual(['3', '4', '5', '6', '7']);
    if (hasTshark) {
      expect(list).toBe(tshark());
      const theirs = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' }).stdout;
      const arpOn = (t: string) => layerParts(t, 'Address Resolution Protocol');
      expect(arpOn(tree)).toEqual(arpOn(theirs));
      for (const r of filtersVsTshark(s, tshark, [
        'arp.duplicate-address-detected',
        'arp.duplicate-address-frame == 4',
        'arp.seconds-since-duplicate-address-frame >= 5',
        '_ws.expert.severity == "Warning"',
      ]))
        expect(r.ours, r.filter).toEqual(r.theirs);
    }
    s.close();
  });
});
