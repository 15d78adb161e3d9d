/**
 * Bytes after what the Ethernet payload used: zero padding to 60 bytes, a trailer, a frame check sequence, in
 * the tree of the layer that carried the ethertype (Ethernet II, 802.1Q, 802.3), as tshark -V shows them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/byteview.js';
import { writePcap } from '../capture/writer.js';
import { registry } from '../fields/registry.js';
import { treeText } from '../session/tree.js';
import { dissectPackets } from '../testing/dissect-all.js';
import type { SynthPacket } from '../testing/synth.js';
import { hasTshark } from '../testing/vs-tshark.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const cat = concatBytes;
const pad = (b: Uint8Array, to: number) => cat(b, new Uint8Array(Math.max(0, to - b.length)));

const macs = hex('ffffffffffff001122334455');
const arp = hex('0001080006040001001122334455' + '0a000001' + '000000000000' + '0a000002');
const ip = hex('4500001c000100004011' + '0000' + '0a0000010a000002');
const udp = hex('0035003500080000');

const FRAMES: Uint8Array[] = [
  pad(cat(macs, hex('8100000a0806'), arp), 60), // 802.1Q, ARP: padding in the VLAN tree
  cat(macs, hex('0806'), arp, new Uint8Array(18), hex('deadbeef01020304')), // padding, trailer, FCS
  cat(macs, hex('0806'), arp, hex('01'), new Uint8Array(17)), // non-zero "padding": a trailer and a note
  cat(macs, hex('0800'), ip, udp, new Uint8Array(18), hex('aabbccdd11223344')),
  pad(cat(macs, hex('8100000a0800'), ip, udp), 60),
  pad(cat(macs, hex('0028'), hex('ffff'), new Uint8Array(38)), 60), // 802.3 raw IPX, length 40
  cat(macs, hex('8100000a0800'), ip, udp, new Uint8Array(14), hex('aabbccdd11223344')), // VLAN: no FCS
];

const packets: SynthPacket[] = FRAMES.map((data, i) => ({ data, tsSec: 1_700_000_000 + i, tsNsec: 0 }));

/** The lines of one layer's section in -V text (its first line starting with `head`). */
function section(text: string, head: string): string[] {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(head));
  if (at < 0) return [];
  const end = lines.findIndex((l, i) => i > at && l !== '' && !l.startsWith(' '));
  return lines.slice(at, end < 0 ? undefined : end);
}

describe('Ethernet padding, trailer and FCS', () => {
  const ds = dissectPackets(packets);
  const texts = ds.map((d) => treeText(d));

  it('puts zero padding to 60 bytes in the tree of the layer that carried the ethertype', () => {
    expect(section(texts[0], '802.1Q Virtual LAN')).toContain('    Padding: 0000000000000000000000000000');
    expect(section(texts[0], 'Ethernet II')).not.toContain('    Padding: 0000000000000000000000000000');
    expect(section(texts[4], '802.1Q Virtual LAN')).toContain('    Padding: 0000000000000000000000000000');
  });

  it('splits padding, trailer and frame check sequence', () => {
    for (const [i, trailer, fcs] of [
      [1, 'deadbeef', '0x01020304'],
      [3, 'aabbccdd', '0x11223344'],
    ] as const) {
      expect(section(texts[i], 'Ethernet II')).toEqual(
        expect.arrayContaining([
          `    Padding: ${'00'.repeat(18)}`,
          `    Trailer: ${trailer}`,
          `    Frame check sequence: ${fcs} [unverified]`,
          '    [FCS Status: Unverified]',
        ]),
      );
    }
  });

  it('takes non-zero bytes where padding was expected as a trailer, with a note', () => {
    const eth = section(texts[2], 'Ethernet II');
    expect(eth).toContain(`    Trailer: 01${'00'.repeat(17)}`);
    expect(eth.join('\n')).toContain("Didn't find padding of zeros, and an undecoded trailer exists.");
    expect(eth.join('\n')).not.toContain('Padding:');
  });

  it('gives 802.1Q and Linux cooked captures a trailer of their own, without an FCS', () => {
    const vlanTrailer = ds[6].byField.get(registry.get('vlan.trailer')!.id);
    expect(vlanTrailer?.map((i) => i.len)).toEqual([8]);
    expect(ds[6].byField.get(registry.get('eth.fcs')!.id)).toBeUndefined();
    const sllHead = hex('00000001000600112233445500000800');
    const [sll] = dissectPackets(
      [{ data: cat(sllHead, ip, udp, new Uint8Array(16), hex('aabbccdd11223344')), tsSec: 1, tsNsec: 0 }],
      113,
    );
    expect(section(treeText(sll), 'Linux cooked capture v1')).toEqual(
      expect.arrayContaining([`    Padding: ${'00'.repeat(16)}`, '    Trailer: aabbccdd11223344']),
    );
  });

  it('names an 802.3 frame and pads it after its length', () => {
    const s = section(texts[5], 'IEEE 802.3 Ethernet Raw ');
    expect(s).toContain('    Length: 40');
    expect(s).toContain('    Padding: 000000000000');
  });

  it.skipIf(!hasTshark)('shows these lines as tshark -V does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-trailer-'));
    const file = join(dir, 'trailer.pcap');
    writeFileSync(file, writePcap(packets, { linkType: 1 }));
    const theirs = spawnSync('tshark', ['-n', '-r', file, '-V'], { encoding: 'utf8' }).stdout;
    const frames = theirs.split(/\n(?=Frame \d+: )/);
    const pick = (t: string) =>
      t
        .split('\n')
        .filter((l) => /Padding:|Trailer:|Frame check sequence|FCS Status|padding of zeros/.test(l));
    frames.forEach((t, i) => expect(pick(texts[i]), `frame ${i + 1}`).toEqual(pick(t)));
  });
});
