/**
 * Spanning Tree BPDUs over 802.3/LLC this test writes (a configuration BPDU with a topology change, a rapid
 * BPDU of a designated forwarding port, a topology change notification) against tshark: rows, details, filters.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/byteview.js';
import { detailsText, filtersVsTshark, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';
import { mac, type SynthPacket } from '../testing/synth.js';

const u16 = (n: number) => Uint8Array.of(n >> 8, n & 255);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
const SWITCH = '00:1b:54:47:49:44';

function bpdu(i: number, body: Uint8Array): SynthPacket {
  const llc = concatBytes(Uint8Array.of(0x42, 0x42, 0x03), body);
  const frame = concatBytes(mac('01:80:c2:00:00:00'), mac(SWITCH), u16(llc.length), llc);
  const data = concatBytes(frame, new Uint8Array(Math.max(0, 60 - frame.length)));
  return { data, tsSec: 1_700_000_000 + i, tsNsec: 0 };
}

const times = (age: number) => concatBytes(u16(age * 256), u16(20 * 256), u16(2 * 256), u16(15 * 256));
const config = (flags: number, rootPrio: number, cost: number, port: number, age: number) =>
  concatBytes(
    Uint8Array.of(0, 0, 0, 0, flags),
    u16(rootPrio),
    mac('00:1b:54:00:00:01'),
    u32(cost),
    u16(0x8000 | 10),
    mac(SWITCH),
    u16(port),
    times(age),
  );

const packets = [
  bpdu(0, config(0x01, 0x8000 | 10, 19, 0x8002, 1)),
  bpdu(
    1,
    concatBytes(
      Uint8Array.of(0, 0, 2, 2, 0x3c),
      u16(0x1000),
      mac('00:1b:54:00:00:01'),
      u32(20000),
      u16(0x8001),
      mac(SWITCH),
      u16(0x8001),
      times(0),
      Uint8Array.of(0),
    ),
  ),
  bpdu(2, Uint8Array.of(0, 0, 0, 0x80)),
];

describe('STP', () => {
  it('shows configuration, rapid and topology change BPDUs as Wireshark does', async () => {
    const { session: s, list, file, tshark } = await synthCapture(packets);
    const rows = list.trimEnd().split('\n');
    expect(rows[0]).toMatch(
      /STP 60 Conf\. TC \+ Root = 32768\/10\/00:1b:54:00:00:01 {2}Cost = 19 {2}Port = 0x8002$/,
    );
    expect(rows[1]).toMatch(
      /STP 60 RST\. Root = 4096\/0\/00:1b:54:00:00:01 {2}Cost = 20000 {2}Port = 0x8001$/,
    );
    expect(rows[2]).toMatch(/STP 60 Topology Change Notification$/);
    const tree = detailsText(s);
    expect(tree).toContain('    BPDU flags: 0x3c, Forwarding, Learning, Port Role: Designated\n');
    expect(tree).toContain('        .... 11.. = Port Role: Designated (3)\n');
    if (hasTshark) {
      expect(list).toBe(tshark());
      const theirs = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' }).stdout;
      const on = (t: string) => layerParts(t, 'IEEE 802.3 Ethernet');
      expect(on(tree)).toEqual(on(theirs));
      for (const r of filtersVsTshark(s, tshark, [
        'stp.flags.tc == 1',
        'stp.root.prio == 4096',
        'stp.msg_age > 0.5',
        'stp.flags.port_role == 3',
        'stp.type == 0x80',
        'stp.root.ext == 10',
        'stp.forward == 15',
        'llc.dsap == 0x42',
      ]))
        expect(r.ours, r.filter).toEqual(r.theirs);
    }
    s.close();
  });
});
