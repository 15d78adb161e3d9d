/**
 * SNMP on a real exchange (scripts/make-snmp-fixture.sh: Net-SNMP's snmpd and tools on the loopback): v1 and
 * v2c gets, a walk step, a bulk get, sets answered and refused, a wrong community, v1 and v2c traps and an
 * SNMPv3 authPriv get; and SNMPv3 with RFC 7860's SHA-2 HMACs (scripts/make-snmp-sha2-fixture.sh). Rows, trees,
 * fields and filters against tshark; the communities and the SNMPv3 users' HMACs among the credentials, each
 * HMAC checked with the fixture's password (RFC 3414 key localization).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { main } from '../cli/main.js';

function fixture(name: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wirelens-snmp-')), 'snmp.pcap');
  writeFileSync(
    file,
    gunzipSync(readFileSync(new URL(`../testing/fixtures/${name}.pcap.gz`, import.meta.url))),
  );
  return file;
}

async function open(name = 'snmp-netsnmp'): Promise<{ s: CaptureSession; file: string }> {
  const file = fixture(name);
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
    expect(hash.split('$').slice(2, 4)).toEqual(['0', '18']);
    expect(opens(hash, 'sha1', 'alicepass123')).toBe(true);
    expect(opens(hash, 'sha1', 'wrongpass123')).toBe(false);
    s.close();
  });
});

/**
 * Whether `password` gives the HMAC of a hashcat $SNMPv3$ line: RFC 3414 A.2 (RFC 7860 for SHA-2) stretches the
 * password to 1 MiB and hashes it, localizes that key with the engine ID, and the message's HMAC under it is
 * cut to the length the line holds.
 */
function opens(line: string, alg: string, password: string): boolean {
  const [, , , , message, engine, mac] = line.split('$');
  const stretched = Buffer.alloc(1 << 20);
  for (let i = 0; i < stretched.length; i += password.length) stretched.write(password, i, 'latin1');
  const ku = createHash(alg).update(stretched).digest();
  const key = createHash(alg)
    .update(Buffer.concat([ku, Buffer.from(engine, 'hex'), ku]))
    .digest();
  const hmac = createHmac(alg, key).update(Buffer.from(message, 'hex')).digest('hex');
  return hmac.slice(0, mac.length) === mac;
}

describe('SNMPv3 with the SHA-2 authentication protocols (RFC 7860)', () => {
  it.skipIf(!hasTshark)('shows rows, trees and the USM fields as tshark does', async () => {
    const { s, file } = await open('snmp-sha2');
    const tshark = tsharkOn(file);
    let list = '';
    s.scan(0, s.total, 'columns', (_i, d) => void (list += rowText(s.toRowColumns(d))));
    expect(list).toBe(tshark());
    expect(list).toContain('report 1.3.6.1.6.3.15.1.1.5.0');
    const parts = (t: string) => layerSections(t, 'Simple Network');
    expect(parts(detailsText(s))).toEqual(parts(tshark('-V')));
    const usm = ['snmp.msgUserName', 'snmp.msgAuthenticationParameters', 'snmp.msgID', 'snmp.name'];
    expect(ourFields(s, usm)).toEqual(tsharkFields(tshark, usm));
    s.close();
  });

  it("lists each user's HMAC in hashcat's mode for its length; a refused one marked, and each opens with its password", async () => {
    const { s, file } = await open('snmp-sha2');
    const creds = findCredentials(s).filter((c) => c.protocol === 'SNMPv3');
    expect(creds.map((c) => [c.frame, c.username, c.info, c.rejected ?? false])).toEqual([
      [3, 'sha224user', 'HMAC-SHA224-128 (hashcat -m 26700)', false],
      [7, 'sha256user', 'HMAC-SHA256-192 (hashcat -m 26800), refused by the agent (wrong digest)', true],
      [11, 'sha256user', 'HMAC-SHA256-192 (hashcat -m 26800)', false],
      [15, 'sha384user', 'HMAC-SHA384-256 (hashcat -m 26900)', false],
      [19, 'sha512user', 'HMAC-SHA512-384 (hashcat -m 27300)', false],
    ]);
    const line = (frame: number) => creds.find((c) => c.frame === frame)?.hash ?? '';
    // hashcat's hash types: 3 SHA-224, 4 SHA-256, 5 SHA-384, 6 SHA-512; then the frame.
    expect(creds.map((c) => c.hash?.split('$').slice(2, 4))).toEqual([
      ['3', '3'],
      ['4', '7'],
      ['4', '11'],
      ['5', '15'],
      ['6', '19'],
    ]);
    expect(opens(line(3), 'sha224', 'sha224user-pass')).toBe(true);
    expect(opens(line(7), 'sha256', 'wrong-password')).toBe(true);
    expect(opens(line(7), 'sha256', 'sha256user-pass')).toBe(false);
    expect(opens(line(11), 'sha256', 'sha256user-pass')).toBe(true);
    expect(opens(line(15), 'sha384', 'sha384user-pass')).toBe(true);
    expect(opens(line(19), 'sha512', 'sha512user-pass')).toBe(true);
    expect(opens(line(19), 'sha512', 'sha384user-pass')).toBe(false);
    s.close();

    // --hashcat DIR: a file per mode for hashcat, the refused HMAC apart; a second run replaces nothing.
    const dir = join(mkdtempSync(join(tmpdir(), 'wirelens-hashcat-')), 'hashes');
    let err = '';
    const io = { out: () => undefined, err: (t: string) => void (err += t) };
    expect(await main(['credentials', file, '--hashcat', dir], io)).toBe(0);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    expect(readdirSync(dir).sort()).toEqual([
      'hashcat-m26700.txt',
      'hashcat-m26800-refused.txt',
      'hashcat-m26800.txt',
      'hashcat-m26900.txt',
      'hashcat-m27300.txt',
    ]);
    expect(read('hashcat-m26800.txt')).toBe(`${line(11)}\n`);
    expect(read('hashcat-m26800-refused.txt')).toBe(`${line(7)}\n`);
    expect(err).toContain(join(dir, 'hashcat-m27300.txt'));
    expect(await main(['credentials', file, '--hashcat', dir], io)).toBe(0);
    expect(readdirSync(dir)).toContain('hashcat-m26700(1).txt');
    expect(read('hashcat-m26700(1).txt')).toBe(read('hashcat-m26700.txt'));
  });
});
