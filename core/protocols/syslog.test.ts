/**
 * Syslog against tshark on datagrams the test writes (core/testing/syslog.ts): rows, trees, fields and filters,
 * Wireshark 4.0's reading of RFC 5424 and RFC 3164 messages included (the rest of a message as its "message id",
 * a tag read past the end of a message: malformed where a tree is built, not in the list of rows).
 */
import { describe, expect, it } from 'vitest';
import {
  detailsText,
  fieldText,
  filtersVsTshark,
  framesMatching,
  hasTshark,
  layerSections,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';
import { syslogPackets } from '../testing/syslog.js';
import type { FieldValue } from '../fields/registry.js';

const FIELDS = [
  'syslog.facility',
  'syslog.level',
  'syslog.msg',
  'syslog.version',
  'syslog.timestamp_rfc3164',
  'syslog.hostname',
  'syslog.appname',
  'syslog.procid',
  'syslog.msgid',
  'syslog.msgid.bom',
];

describe.skipIf(!hasTshark)('Syslog vs tshark', () => {
  it('prints the same rows, trees, fields and filter results as tshark', async () => {
    const { session: s, list, tshark } = await synthCapture(syslogPackets());
    expect(list).toBe(tshark());
    expect(list).toContain(
      "AUTH.CRIT: Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    );
    expect(list).toContain('UNKNOWN.DEBUG: bad pri');

    const parts = (t: string) => layerSections(t, 'Syslog message');
    expect(parts(detailsText(s))).toEqual(parts(tshark('-V')));

    // As tshark prints fields (fieldText), the BOM in hex.
    const show = (v: FieldValue) => (v === 0xefbbbf ? '0xefbbbf' : fieldText(v));
    expect(ourFields(s, FIELDS, show)).toEqual(tsharkFields(tshark, FIELDS));

    for (const r of filtersVsTshark(s, tshark, [
      'syslog',
      'syslog.facility == 4',
      'syslog.level <= 2',
      'syslog.msg contains "root"',
      'syslog.hostname == "web01"',
      'syslog.timestamp > "2026-12-04 18:00:00"',
      'syslog.procid == "su"',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    // The message that ends inside its tag is malformed only where a tree is built: in tshark's -V and -Y, not
    // in its list of rows. Wirelens's first pass is the list's, so a filter on _ws.malformed does not see it
    // (tshark -Y does): a known difference, for one shape of broken RFC 3164 message.
    expect(framesMatching(s, '_ws.malformed')).toEqual([]);
    expect(tshark('-Y', '_ws.malformed', '-T', 'fields', '-e', 'frame.number').trim()).toBe('11');
    s.close();
  });
});
