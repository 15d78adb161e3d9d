/**
 * DHCPv6 on a capture this test writes (core/testing/dhcpv6.ts: a client's Solicit/Advertise/Request/Reply,
 * an Information-request, a Release with a delegated prefix, a relayed Solicit, the DUID kinds and the options
 * clients send), and on the corpus through the column and frame.protocols tests. With tshark present: the
 * packet list, the DHCPv6 part of `-V` and what a few filters select are compared with it.
 */
import { describe, expect, it } from 'vitest';
import {
  detailsText,
  filtersVsTshark,
  framesMatching,
  hasTshark,
  layerParts,
  synthCapture,
} from '../testing/vs-tshark.js';
import { dhcpv6Packets } from '../testing/dhcpv6.js';

const FILTERS = [
  'dhcpv6',
  'dhcpv6.msgtype == 1',
  'dhcpv6.client_domain contains "newbreed"',
  'dhcpv6.duidllt.link_layer_addr == "d4:c9:ef:ee:5d:9a"',
  'dhcpv6.iaaddr.ip == 2001:db8::1:25',
  'dhcpv6.vendorclass.data == "MSFT 5.0"',
  'dhcpv6.option.type == 200',
  'dhcpv6.duiden.enterprise == 311',
  'dhcpv6.iaprefix.pref_len == 56',
  'dhcpv6.peeraddr == fe80::e052:b3e7:ed31:ee31',
  'dhcpv6.elapsed_time == 15000',
  'dhcpv6.clientfqdn.client.s',
  'dhcpv6.tld',
];

describe('DHCPv6', () => {
  it('lists, details and filters every kind of message as Wireshark does', async () => {
    const { session: s, list, tshark } = await synthCapture(dhcpv6Packets());
    const lines = list.split('\n');
    expect(lines[0]).toMatch(/DHCPv6 164 Solicit XID: 0x2b7102 CID: 000100011a6ddd61d4c9efee5d9a $/);
    expect(lines[1]).toMatch(
      /Advertise XID: 0x2b7102 CID: 000100011a6ddd61d4c9efee5d9a IAA: 2001:db8::1:25 $/,
    );
    expect(lines[8]).toMatch(/Relay-forw L: 2001:db8:1::1 Solicit XID: 0x77aa01 CID: /);
    const tree = detailsText(s);
    expect(tree).toContain('        Client Domain Name: MTAWS334.newbreed.com.\n');
    expect(tree).toContain('        DUID Time: Jan 19, 2014 00:48:33.000000000 UTC\n');
    expect(tree).toContain('        Link-layer address: d4:c9:ef:ee:5d:9a\n');
    expect(tree).toContain('        vendor-class-data: MSFT 5.0\n');
    expect(framesMatching(s, 'dhcpv6.client_domain contains "newbreed"')).toEqual(['1']);
    if (hasTshark) {
      expect(list).toBe(tshark());
      expect(layerParts(tree, 'DHCPv6')).toEqual(layerParts(tshark('-V'), 'DHCPv6'));
      for (const r of filtersVsTshark(s, tshark, FILTERS)) expect(r.ours, r.filter).toEqual(r.theirs);
    }
    s.close();
  });
});
