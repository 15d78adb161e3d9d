/**
 * Frame Relay (pcap link type 107) on frames this test writes: Q.922 addresses of two, three and four octets,
 * RFC 2427 encapsulation (UI control, padding, NLPID for IP, SNAP with an ethertype or another OUI), Cisco's
 * type field, XID and LAPF frames, and Inverse ARP with two-byte DLCI hardware addresses (the corpus capture
 * arp.pcap). The columns and a few fields are checked here; with tshark present, the whole packet list and the
 * frames of many filters are compared with it.
 */
import { describe, expect, it } from 'vitest';
import { hasTshark, synthCapture, framesMatching } from '../testing/vs-tshark.js';

import { ip4, ipv4, udp, type SynthPacket } from '../testing/synth.js';
import { LINKTYPE } from '../capture/linktypes.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ''), 'hex'));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

const A = ip4('10.0.0.1');
const B = ip4('10.0.0.2');
const datagram = () => ipv4(A, B, 17, udp(A, B, 40000, 40001, hex('00010203')));

/** An ARP body: hardware type, IPv4, opcode, addresses of `hw` bytes. */
function arpBody(hwType: number, op: number, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  const size = sha.length / 2;
  return cat(
    Uint8Array.of(hwType >> 8, hwType & 255, 8, 0, size, 4, op >> 8, op & 255),
    hex(sha),
    ip4(spa),
    hex(tha),
    ip4(tpa),
  );
}

function frames(): Uint8Array[] {
  const snapArp = hex('1841 03 00 80 000000 0806'); // DLCI 100, UI, padding, SNAP, OUI 0, ARP
  return [
    cat(snapArp, arpBody(15, 8, '0000', '10.206.1.2', '0064', '0.0.0.0')), // arp.pcap's Inverse ARP request
    cat(snapArp, arpBody(15, 9, '0064', '10.206.1.1', '0000', '10.206.1.2')), // its reply
    cat(snapArp, arpBody(15, 1, '0064', '10.0.0.1', '0000', '10.0.0.2')), // a plain request with DLCIs
    cat(snapArp, arpBody(1, 2, '020000000001', '10.0.0.1', '020000000002', '10.0.0.2')), // Ethernet hardware
    cat(hex('1841 03 cc'), datagram()), // IP, two-octet address
    cat(hex('1a4f 03 cc'), datagram()), // C/R, FECN, BECN and DE set
    cat(hex('1840 f1 03 cc'), datagram()), // three octets, lower DLCI
    cat(hex('1840 ff 03 cc'), datagram()), // three octets, DL-CORE control
    cat(hex('1840 fe 61 03 cc'), datagram()), // four octets
    hex('1841 03 00 80 000000 1234 aabb'), // SNAP, OUI 0, an ethertype nobody dissects
    hex('1841 03 80 00000c 0800 aabb'), // SNAP, another OUI: data
    hex('1841 03 aa bbcc'), // an unknown NLPID
    cat(hex('1841 0800'), datagram()), // Cisco encapsulation
    hex('1841 af 0102'), // XID
    hex('0001 af 0102'), // LAPF on DLCI 0
    hex('0001 03 aa'), // UI on DLCI 0
    hex('1841 04'), // another control field: data
    hex('19'), // a bogus one-octet address
  ];
}

const packets = (): SynthPacket[] =>
  frames().map((data, i) => ({ data, tsSec: 1_700_000_000 + i, tsNsec: 0 }));

const FILTERS = [
  'fr',
  'fr.dlci == 100',
  'fr.cr == 1',
  'fr.fecn == 1',
  'fr.becn == 1',
  'fr.de == 1',
  'fr.second_dlci == 4',
  'fr.third_dlci',
  'fr.lower_dlci',
  'fr.dlcore_control',
  'fr.dc',
  'fr.control == 0x03',
  'fr.control.u_modifier_resp',
  'fr.nlpid == 0xcc',
  'fr.nlpid == 0',
  'fr.snap.oui == 0x00000c',
  'fr.snap.pid',
  'fr.snaptype == 0x0806',
  'fr.chdlctype == 0x0800',
  'fr.second_addr_octet == 0x41',
  'arp',
  'arp.opcode == 8',
  'arp.src.hw == 00:64',
  'arp.dst.hw',
  'arp.src.hw_mac',
  'udp.dstport == 40001',
  'data',
  '_ws.expert',
  '_ws.malformed',
];

describe('Frame Relay link type', () => {
  it('shows Inverse ARP as tshark does and exposes the Q.922 address fields', async () => {
    const { session: s, list } = await synthCapture(packets(), LINKTYPE.FRELAY);
    const lines = list.split('\n');
    expect(lines[0]).toMatch(/ → {14}Inverse ARP 30 Who is 0064\? Tell 0000$/);
    expect(lines[1]).toMatch(/Inverse ARP 30 0064 is at 10\.206\.1\.1$/);
    expect(lines[2]).toMatch(/ARP 30 Who has 10\.0\.0\.2\? Tell 10\.0\.0\.1$/);
    expect(lines[4]).toMatch(/10\.0\.0\.1 → 10\.0\.0\.2 +UDP .* 40000 → 40001 Len=4$/);
    expect(lines[9]).toMatch(/FR 12 DLCI 100, U, func=UI; SNAP, OUI 0x000000 \(.*\), PID 0x1234$/);
    expect(framesMatching(s, 'fr.becn == 1 && fr.fecn == 1 && fr.de == 1 && fr.cr == 1')).toEqual(['6']);
    expect(framesMatching(s, 'fr.dlci == 100 && arp.opcode == 8 && arp.dst.hw == 00:64')).toEqual(['1']);
    expect(framesMatching(s, 'fr.lower_dlci')).toEqual(['7', '9']);
    expect(framesMatching(s, 'fr.dlci == 6460')).toEqual(['7']);
    expect(framesMatching(s, 'fr.dlci == 827352')).toEqual(['9']);
    expect(framesMatching(s, 'frame.encap_type == 26')).toHaveLength(frames().length);
    s.close();
  });
});

describe.skipIf(!hasTshark)('Frame Relay vs tshark', () => {
  it('lists and filters like tshark', async () => {
    const { session: s, list: ours, tshark } = await synthCapture(packets(), LINKTYPE.FRELAY);
    expect(ours).toBe(tshark());
    for (const f of FILTERS) {
      const want = tshark('-Y', f, '-T', 'fields', '-e', 'frame.number').trim().split('\n').filter(Boolean);
      expect(framesMatching(s, f), f).toEqual(want);
    }
    s.close();
  });
});
