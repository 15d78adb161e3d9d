/**
 * LDAP on real sessions with OpenLDAP (core/testing/fixtures/ldap-openldap.pcap.gz, made by
 * scripts/make-ldap-fixture.sh): rows and fields as tshark 4.0 has them, the simple binds among the credentials,
 * and several messages in one segment.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCredentials } from '../stats/credentials.js';
import { TcpConversation } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import {
  filtersVsTshark,
  hasTshark,
  openWithColumns,
  ourFields,
  synthCapture,
  tsharkColumns,
  tsharkFields,
  tsharkOn,
} from '../testing/vs-tshark.js';

const FILE = fileURLToPath(new URL('../testing/fixtures/ldap-openldap.pcap.gz', import.meta.url));
const FIELDS = [
  'ldap.messageID',
  'ldap.protocolOp',
  'ldap.version',
  'ldap.name',
  'ldap.simple',
  'ldap.resultCode',
  'ldap.baseObject',
  'ldap.scope',
  'ldap.objectName',
  'ldap.entry',
  'ldap.object',
  'ldap.delRequest',
  'ldap.requestName',
];
const FILTERS = [
  'ldap',
  'ldap.protocolOp == 0',
  'ldap.resultCode == 49',
  'ldap.simple',
  'ldap.name contains "admin"',
  'ldap.scope == 2',
  'ldap.delRequest',
];

describe('LDAP', () => {
  it('shows OpenLDAP sessions as tshark does, with the simple binds among the credentials', async () => {
    const { s, rows } = await openWithColumns(FILE);
    for (const row of [
      'LDAP\tbindRequest(1) "<ROOT>" simple',
      'LDAP\tsearchRequest(2) "ou=people,dc=corp,dc=example" wholeSubtree',
      'LDAP\tsearchResDone(2) success  [3 results]',
      'LDAP\tbindResponse(1) invalidCredentials',
      'LDAP\tdelRequest(2) "uid=mallory,ou=people,dc=corp,dc=example"',
      'LDAP\textendedReq(2) iso.3.6.1.4.1.4203.1.11.3',
    ])
      expect(rows).toContain(row);
    const creds = findCredentials(s);
    expect(creds.slice(0, 3).map((c) => [c.protocol, c.username, c.password, c.rejected ?? false])).toEqual([
      ['LDAP', 'uid=alice,ou=people,dc=corp,dc=example', 'wonderland', false],
      ['LDAP', 'uid=bob,ou=people,dc=corp,dc=example', 'wrong', true],
      ['LDAP', 'cn=admin,dc=corp,dc=example', 'secret123', false],
    ]);
    if (hasTshark) {
      expect(rows).toEqual(tsharkColumns(FILE));
      expect(ourFields(s, FIELDS)).toEqual(tsharkFields(tsharkOn(FILE), FIELDS));
      for (const r of filtersVsTshark(s, tsharkOn(FILE), FILTERS)) {
        expect(r.theirs.length, r.filter).toBeGreaterThan(0);
        expect(r.ours, r.filter).toEqual(r.theirs);
      }
    }
    s.close();
  });

  it('reads several messages in one segment and one message over several, as tshark does', async () => {
    // A search's entries and its done in one segment; a big entry split over two.
    const seq = (tag: number, body: Buffer) => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
    const str = (tag: number, t: string) => seq(tag, Buffer.from(t));
    const int = (tag: number, n: number) => Buffer.from([tag, 1, n]);
    const entry = (id: number, dn: string, cn: string) =>
      seq(
        0x30,
        Buffer.concat([
          int(2, id),
          seq(
            0x64,
            Buffer.concat([
              str(4, dn),
              seq(0x30, seq(0x30, Buffer.concat([str(4, 'cn'), seq(0x31, str(4, cn))]))),
            ]),
          ),
        ]),
      );
    const done = (id: number) =>
      seq(
        0x30,
        Buffer.concat([int(2, id), seq(0x65, Buffer.concat([int(0x0a, 0), str(4, ''), str(4, '')]))]),
      );
    const search = seq(
      0x30,
      Buffer.concat([
        int(2, 7),
        seq(
          0x63,
          Buffer.concat([
            str(4, 'dc=x'),
            int(0x0a, 2),
            int(0x0a, 0),
            int(2, 0),
            int(2, 0),
            Buffer.from([1, 1, 0]),
            str(0x87, 'objectClass'),
            seq(0x30, Buffer.alloc(0)),
          ]),
        ),
      ]),
    );
    const a = new TcpConversation(CLIENT, WEB, 52389, 389, { s: 1_700_007_000, ns: 0 }).handshake();
    a.send(true, search);
    a.send(false, Buffer.concat([entry(7, 'cn=a,dc=x', 'A'), entry(7, 'cn=b,dc=x', 'B'), done(7)]));
    const big = entry(8, 'cn=big,dc=x', 'x'.repeat(3000));
    a.send(false, big);
    const { session: s, list, tshark } = await synthCapture(a.packets);
    expect(list).toContain(
      'searchResEntry(7) "cn=a,dc=x"  | searchResEntry(7) "cn=b,dc=x"  | searchResDone(7) success  [2 results]',
    );
    expect(list).toContain('Len=1460 [TCP segment of a reassembled PDU]');
    expect(list).toContain('searchResEntry(8) "cn=big,dc=x"');
    if (hasTshark) expect(list).toBe(tshark());
    s.close();
  });
});

/** A BER length. */
function len(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  return n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 255]);
}
