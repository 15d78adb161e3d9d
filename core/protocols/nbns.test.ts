/**
 * NetBIOS Name Service on a capture this test writes (core/testing/nbns.ts: every opcode, NB and NBSTAT
 * records, a scope ID, odd characters, a negative and a conflict response), and on the corpus through the
 * column and frame.protocols tests. With tshark present: the packet list, the NBNS part of `-V` and what a few
 * filters select are compared with it line for line.
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
import { nbnsPackets } from '../testing/nbns.js';
import { secondsText } from '../fields/format.js';

const FILTERS = [
  'nbns',
  'nbns.name == "FILESRV<20>"',
  'nbns.addr == 10.0.0.5',
  'nbns.flags.opcode == 5',
  'nbns.flags.rcode == 3',
  'nbns.flags.broadcast',
  'nbns.type == 33',
  'nbns.name_flags.prm',
  'nbns.nb_flags.group',
  'nbns.unit_id == 00:0c:29:aa:bb:cc',
  'nbns.name contains "corp"',
  'nbns.ttl > 100000',
  'nbns.netbios_name == "WORKGROUP"',
  'nbns.name == "LAPTOP-7<00> (Workstation/Redirector)"',
];

describe('NBNS', () => {
  it('lists and details every kind of message as Wireshark does', async () => {
    const { session: s, list, tshark } = await synthCapture(nbnsPackets());
    const lines = list.split('\n');
    expect(lines[0]).toMatch(/NBNS 92 Name query NB FILESRV<20>$/);
    expect(lines[1]).toMatch(/Name query response NB 10\.0\.0\.5$/);
    // A negative response has no address: the packet list reads past the end, as tshark's does.
    expect(lines[3]).toMatch(/Name query response, Requested name does not exist\[Malformed Packet\]$/);
    expect(lines[5]).toMatch(/Wait for acknowledgment response$/);
    expect(lines[9]).toMatch(/Name query NBSTAT \*(<00>){15}$/);
    expect(lines[11]).toMatch(/Name query NB PRINTER<20>\.corp\.example$/);
    expect(lines[12]).toMatch(/Name query NB Wi<e9> \?<x><1b>$/);
    expect(lines[13]).toMatch(/Registration response, Name is in conflict NB 10\.0\.0\.9$/);
    const tree = detailsText(s);
    expect(tree).toContain('            Name: FILESRV<20> (Server service)\n');
    expect(tree).toContain('            Name flags: 0x6000, ONT: Unknown (H-node, unique)\n');
    expect(tree).toContain(
      '            Name flags: 0x0600, ONT: B-node, Name is active, Permanent node name\n',
    );
    expect(tree).toContain('            Time to live: 3 days, 11 hours, 20 minutes\n');
    expect(tree).toContain('            Unit ID: 00:0c:29:aa:bb:cc\n');
    expect(framesMatching(s, 'nbns.addr == 10.0.0.5')).toEqual(['2']);
    if (hasTshark) {
      expect(list).toBe(tshark());
      expect(layerParts(tree, 'NetBIOS Name Service')).toEqual(
        layerParts(tshark('-V'), 'NetBIOS Name Service'),
      );
      for (const r of filtersVsTshark(s, tshark, FILTERS)) expect(r.ours, r.filter).toEqual(r.theirs);
    }
    s.close();
  });

  it('words times to live as Wireshark does', () => {
    expect(secondsText(0)).toBe('0 seconds');
    expect(secondsText(1)).toBe('1 second');
    expect(secondsText(300000)).toBe('3 days, 11 hours, 20 minutes');
    expect(secondsText(90061)).toBe('1 day, 1 hour, 1 minute, 1 second');
  });
});
