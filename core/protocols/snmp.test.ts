/**
 * SNMP on a real exchange (scripts/make-snmp-fixture.sh: Net-SNMP's snmpd and tools on the loopback): v1 and
 * v2c gets, a walk step, a bulk get, sets answered and refused, a wrong community, v1 and v2c traps and an
 * SNMPv3 authPriv get. Rows, trees, fields and filters against tshark; the communities and the SNMPv3 user's
 * HMAC among the credentials, the HMAC checked with the fixture's password (RFC 3414 key localization).
 */
import { createHash, createHmac } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CaptureSession } from '../session/session.js';
import { findCredentials } from '../stats/credentials.js';
import {
  detailsText,
  filtersVsTshark,
  hasTshark,
  layerSections,
  ourFields,
  tsharkFields,
  tsharkOn,
} from '../testing/vs-tshark.js';
import { rowText } from '../cli/commands/list.js';

function fixture(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-snmp-')), 'snmp.pcap');
  writeFileSync(
    file,
    gunzipSync(readFileSync(new URL('../testing/fixtures/snmp-netsnmp.pcap.gz', import.meta.url))),
  );
  return file;
}

async function open(): Promise<{ s: CaptureSession; file: string }> {
  const file = fixture();
  const s = new CaptureSession({ hash: false });
  await s.open(file);
  return { s, file };
}

const FIELDS = [
  'snmp.version',
  'snmp.community',
  'snmp.data',
  'snmp.request_id',
  'snmp.error_status',
  'snmp.error_index',
  'snmp.non_repeaters',
  'snmp.max_repetitions',
  'snmp.variable_bindings',
  'snmp.name',
  'snmp.value.int',
  'snmp.value.oid',
  'snmp.value.timeticks',
  'snmp.value.counter',
  'snmp.var-bind_str',
  'snmp.enterprise',
  'snmp.generic_trap',
  'snmp.specific_trap',
  'snmp.time_stamp',
  'snmp.response_to',
  'snmp.msgVersion',
  'snmp.msgID',
  'snmp.msgMaxSize',
  'snmp.msgSecurityModel',
  'snmp.msgAuthoritativeEngineBoots',
  'snmp.msgAuthoritativeEngineTime',
  'snmp.msgUserName',
  'snmp.msgData',
  'snmp.engineid.enterprise',
  'snmp.engineid.format',
];

describe('SNMP', () => {
  it.skipIf(!hasTshark)('shows rows, trees, fields and filters as tshark does', async () => {
    const { s, file } = await open();
    const tshark = tsharkOn(file);
    let list = '';
    s.scan(0, s.total, 'columns', (_i, d) => void (list += rowText(s.toRowColumns(d))));
    expect(list).toBe(tshark());
    expect(list).toContain('trap iso.3.6.1.4.1.8072.2.3.1 1.3.6.1.2.1.1.5.0');
    expect(list).toContain('encryptedPDU: privKey Unknown');

    const parts = (t: string) => layerSections(t, 'Simple Network');
    expect(parts(detailsText(s))).toEqual(parts(tshark('-V')));

    expect(ourFields(s, FIELDS)).toEqual(tsharkFields(tshark, FIELDS));

    for (const r of filtersVsTshark(s, tshark, [
      'snmp',
      'snmp.community == "public"',
      'snmp.data == 2',
      'snmp.error_status == 6',
      'snmp.noSuchObject',
      'snmp.var-bind_str contains "Linux"',
      'snmp.msgUserName == "alice"',
      'snmp.v3.flags.crypt == 1',
      'snmp.time > 0',
      'snmp.agent_addr == 127.0.0.1',
      'snmp.name == 1.3.6.1.2.1.1.5.0',
      'snmp.value.oid == 1.3.6.1.6.3.1.1.5.3',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });

  it('lists the communities and the SNMPv3 HMAC among the credentials; the HMAC opens with the password', async () => {
    const { s } = await open();
    const creds = findCredentials(s);
    expect(creds.map((c) => [c.frame, c.protocol, c.username, c.password, c.info])).toEqual([
      [1, 'SNMP', '', 'public', 'v1 community, answered by the agent'],
      [9, 'SNMP', '', 'private', 'v2c community, answered by the agent'],
      [13, 'SNMP', '', 's3cr3t-guess', 'v2c community, no answer (a wrong community, or no agent)'],
      [14, 'SNMP', '', 'traps', 'v1 community of a trap'],
      [18, 'SNMPv3', 'alice', '', 'HMAC-MD5-96 or HMAC-SHA1-96 (hashcat -m 25000)'],
    ]);
    const hash = creds.find((c) => c.protocol === 'SNMPv3')?.hash ?? '';
    const [, , type, frame, message, engine, mac] = hash.split('$');
    expect([type, frame]).toEqual(['0', '18']);
    // RFC 3414 A.2.2: the password stretched to 1 MiB and hashed, then localized with the engine ID.
    const localized = (password: string) => {
      const stretched = Buffer.alloc(1 << 20);
      for (let i = 0; i < stretched.length; i += password.length) stretched.write(password, i, 'latin1');
      const ku = createHash('sha1').update(stretched).digest();
      return createHash('sha1')
        .update(Buffer.concat([ku, Buffer.from(engine, 'hex'), ku]))
        .digest();
    };
    const hmac = (password: string) =>
      createHmac('sha1', localized(password)).update(Buffer.from(message, 'hex')).digest('hex').slice(0, 24);
    expect(hmac('alicepass123')).toBe(mac);
    expect(hmac('wrongpass123')).not.toBe(mac);
    s.close();
  });
});
