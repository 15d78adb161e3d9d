/**
 * MAC address names as tshark 4.0 shows them: every Ethernet address of the corpus captures against tshark's own
 * eth.src_resolved/eth.dst_resolved, and our short vendor names against the manuf file tshark installs (its
 * short name beside each holder's name).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allCaptures, hasCorpus } from '../testing/corpus.js';
import { hasTshark } from '../testing/vs-tshark.js';
import { resolvedMac, shortVendorName } from './l2-vendors.js';

const MANUF = '/usr/share/wireshark/manuf';
const bytesOf = (mac: string) => Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));

describe('MAC address names vs tshark', () => {
  it.skipIf(!hasCorpus || !hasTshark)(
    'name every address of the corpus as tshark does',
    () => {
      const names = new Map<string, string>();
      for (const file of allCaptures()) {
        const r = spawnSync(
          'tshark',
          [
            '-r',
            file,
            '-T',
            'fields',
            '-e',
            'eth.src',
            '-e',
            'eth.src_resolved',
            '-e',
            'eth.dst',
            '-e',
            'eth.dst_resolved',
          ],
          { encoding: 'utf8', maxBuffer: 1 << 28 },
        );
        for (const line of r.stdout.split('\n')) {
          const [s, sr, d, dr] = line.split('\t');
          // Frames with two Ethernet layers (tunnels) list both, comma-separated.
          for (const [macs, resolved] of [
            [s, sr],
            [d, dr],
          ])
            macs?.split(',').forEach((m, i) => m && names.set(m, resolved.split(',')[i]));
        }
      }
      const differ = [...names].filter(([m, n]) => resolvedMac(bytesOf(m)) !== n);
      console.log(
        `MAC names vs tshark: ${names.size - differ.length}/${names.size} agree; differing (registry text or names ` +
          `Wireshark sets by hand): ${differ.map(([m, n]) => `${m} ${n}/${resolvedMac(bytesOf(m))}`).join(', ')}`,
      );
      expect(names.size).toBeGreaterThan(150);
      // Measured: 179/183 (ABB STOTZ, 3com ×2 and ASUSTek are named from other registry text in Wireshark's manuf).
      expect(names.size - differ.length).toBeGreaterThanOrEqual(179);
      for (const m of ['01:00:5e:00:00:02', '33:33:00:01:00:02', '01:00:0c:cc:cc:cc', '52:54:00:12:34:56'])
        expect(
          differ.map(([x]) => x),
          m,
        ).not.toContain(m);
    },
    120_000,
  );

  it.skipIf(!existsSync(MANUF))("shorten holders' names as Wireshark 4.0's manuf does", () => {
    let agree = 0;
    let total = 0;
    for (const line of readFileSync(MANUF, 'utf8').split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const [, short, long] = line.split('\t');
      if (!long) continue;
      total++;
      if (shortVendorName(long) === short) agree++;
    }
    console.log(`short vendor names vs Wireshark's manuf: ${agree}/${total} agree`);
    // Measured: 49748/49856; the rest are names set by hand ("Cisco Systems" → "CiscoSys" for old blocks, …).
    expect(agree).toBeGreaterThanOrEqual(49_700);
  });

  it('names well-known group and virtual router addresses', () => {
    for (const [mac, name] of [
      ['01:00:5e:7f:ff:fa', 'IPv4mcast_7f:ff:fa'],
      ['01:00:5e:00:00:fc', 'IPv4mcast_fc'],
      ['33:33:ff:07:69:ea', 'IPv6mcast_ff:07:69:ea'],
      ['33:33:00:00:00:0c', 'IPv6mcast_0c'],
      ['01:00:0c:cc:cc:cc', 'CDP/VTP/DTP/PAgP/UDLD'],
      ['01:80:c2:00:00:0e', 'LLDP_Multicast'],
      ['01:80:c2:00:00:00', 'Spanning-tree-(for-bridges)_00'],
      ['00:00:0c:07:ac:0a', 'All-HSRP-routers_0a'],
      ['02:11:22:33:44:55', 'MS-NLB-PhysServer-17_22:33:44:55'],
      ['52:54:00:12:34:56', 'RealtekU_12:34:56'],
      ['00:00:00:00:00:00', '00:00:00_00:00:00'],
      ['00:1b:54:47:49:44', 'Cisco_47:49:44'],
    ])
      expect(resolvedMac(bytesOf(mac)), mac).toBe(name);
  });
});
