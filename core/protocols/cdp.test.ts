/**
 * Cisco Discovery Protocol over 802.3/LLC/SNAP: frames this test writes (every TLV Wirelens decodes, an unknown
 * one, odd and even lengths for the checksum) against tshark, and the corpus's CDP frames when present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capturePath, hasCorpus } from '../testing/corpus.js';
import { detailsText, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';
import { ip4, mac, type SynthPacket } from '../testing/synth.js';
import { concatBytes } from '../bytes/byteview.js';

const te = new TextEncoder();
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 255);
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255);
const tlv = (type: number, value: Uint8Array) => concatBytes(u16(type), u16(value.length + 4), value);
const ipAddress = (a: string) => concatBytes(Uint8Array.of(1, 1, 0xcc), u16(4), ip4(a));

/** The CDP checksum as Cisco computes it (odd lengths: the last byte sign-extended, less one if negative). */
function withChecksum(pdu: Uint8Array): Uint8Array {
  let s = 0;
  for (let i = 0; i + 1 < pdu.length; i += 2) s += (pdu[i] << 8) | pdu[i + 1];
  if (pdu.length & 1) {
    const last = pdu[pdu.length - 1];
    s += last & 0x80 ? ((0xff00 | last) - 1) & 0xffff : last;
  }
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  const sum = ~s & 0xffff;
  const out = pdu.slice();
  out[2] = sum >> 8;
  out[3] = sum & 255;
  return out;
}

function cdpFrame(i: number, tlvs: Uint8Array[]): SynthPacket {
  const pdu = withChecksum(concatBytes(Uint8Array.of(2, 180, 0, 0), ...tlvs));
  const llc = concatBytes(Uint8Array.of(0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0x00), pdu);
  const data = concatBytes(mac('01:00:0c:cc:cc:cc'), mac('00:1b:54:47:49:44'), u16(llc.length), llc);
  return { data, tsSec: 1_700_000_000 + i, tsNsec: 0 };
}

const packets = [
  cdpFrame(0, [
    tlv(0x01, te.encode('core-sw1.example.net')),
    tlv(0x05, te.encode('Cisco IOS Software, C3750E\nTechnical Support: http://www.cisco.com/techsupport')),
    tlv(0x06, te.encode('cisco WS-C3750X-48P')),
    tlv(0x02, concatBytes(u32(2), ipAddress('10.1.1.2'), ipAddress('192.168.7.1'))),
    tlv(0x03, te.encode('GigabitEthernet1/0/24')),
    tlv(0x04, u32(0x29)),
    tlv(0x09, te.encode('CORP')),
    tlv(0x0a, u16(10)),
    tlv(0x0b, Uint8Array.of(0)),
    tlv(0x0e, concatBytes(Uint8Array.of(1), u16(200))),
    tlv(0x11, u32(1500)),
    tlv(0x12, Uint8Array.of(0)),
    tlv(0x13, Uint8Array.of(0)),
    tlv(0x16, concatBytes(u32(1), ipAddress('10.1.1.2'))),
  ]),
  // An IP phone: VoIP VLAN query, power, system name; an odd length whose last byte is negative.
  cdpFrame(1, [
    tlv(0x01, te.encode('SEP001B54474944')),
    tlv(0x03, te.encode('Port 1')),
    tlv(0x04, u32(0x490)),
    tlv(0x0f, concatBytes(Uint8Array.of(0x20), u16(1))),
    tlv(0x10, u16(6300)),
    tlv(0x14, te.encode('phone-lobby')),
    tlv(0x1a, concatBytes(u16(7), u16(1), u32(15400), u32(0xffffffff))),
    tlv(0x77, Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0xff)),
  ]),
];

describe('CDP', () => {
  it('shows what a Cisco device says about itself, as Wireshark does', async () => {
    const { session: s, list, file } = await synthCapture(packets);
    expect(list.split('\n')[0]).toMatch(
      /CDP \d+ Device ID: core-sw1\.example\.net {2}Port ID: GigabitEthernet1\/0\/24 {2}$/,
    );
    const tree = detailsText(s);
    expect(tree).toContain('    Checksum: ');
    expect(tree).not.toContain('[incorrect]');
    expect(tree).toContain('    Platform: cisco WS-C3750X-48P\n');
    expect(tree).toContain('            IP Address: 192.168.7.1\n');
    if (hasTshark) {
      const theirs = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' }).stdout;
      const on = (t: string) => layerParts(t, 'IEEE 802.3 Ethernet');
      expect(on(tree)).toEqual(on(theirs));
      expect(list).toBe(spawnSync('tshark', ['-n', '-r', file], { encoding: 'utf8' }).stdout);
    }
    s.close();
  });

  it.skipIf(!hasCorpus || !hasTshark)('shows the corpus CDP frames as tshark -V does', async () => {
    const file = capturePath('logistics_multicast.pcapng');
    if (!existsSync(file)) return;
    const ours = spawnSync(process.execPath, ['bin/wirelens.mjs', 'list', file, '-V', '-Y', 'cdp'], {
      encoding: 'utf8',
    }).stdout;
    const theirs = spawnSync('tshark', ['-r', file, '-V', '-Y', 'cdp'], { encoding: 'utf8' }).stdout;
    const on = (t: string) => layerParts(t, 'IEEE 802.3 Ethernet');
    expect(on(ours)).toHaveLength(3);
    expect(on(ours)).toEqual(on(theirs));
  });
});
