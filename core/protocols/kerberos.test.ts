/**
 * Kerberos on real exchanges with MIT Kerberos's KDC (core/testing/fixtures/kerberos-mit.pcap.gz, made by
 * scripts/make-kerberos-fixture.sh; over UDP and TCP) and on Wireshark's krb-816 sample (Windows, RC4) when the
 * corpus is there: rows and the fields an investigator filters on as tshark 4.0 has them, and the hashes to crack
 * offline — checked here the way hashcat checks them, with the passwords the fixture was made with.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findCredentials } from '../stats/credentials.js';
import { md4 } from '../testing/md4.js';
import { CORPUS } from '../testing/corpus.js';
import {
  filtersVsTshark,
  hasTshark,
  openWithColumns,
  ourFields,
  tsharkColumns,
  tsharkFields,
  tsharkOn,
} from '../testing/vs-tshark.js';

const MIT = fileURLToPath(new URL('../testing/fixtures/kerberos-mit.pcap.gz', import.meta.url));
const KRB816 = join(CORPUS, 'captures', 'wireshark', 'krb-816.pcap.gz');

const FIELDS = [
  'kerberos.pvno',
  'kerberos.msg_type',
  'kerberos.padata_type',
  'kerberos.name_type',
  'kerberos.CNameString',
  'kerberos.SNameString',
  'kerberos.realm',
  'kerberos.crealm',
  'kerberos.etype',
  'kerberos.kvno',
  'kerberos.nonce',
  'kerberos.error_code',
  'kerberos.rm.length',
];
const FILTERS = [
  'kerberos',
  'kerberos.msg_type == 10',
  'kerberos.error_code == 25',
  'kerberos.error_code == 24',
  'kerberos.CNameString == "alice"',
  'kerberos.SNameString contains "http"',
  'kerberos.etype == 23',
  'kerberos.padata_type == 2',
];

/** RC4 (the stream cipher of Kerberos's RC4-HMAC), for the check below. */
function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i] + key[i % key.length]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
  }
  const out = new Uint8Array(data.length);
  for (let k = 0, i = 0, j = 0; k < data.length; k++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    out[k] = data[k] ^ s[(s[i] + s[j]) & 255];
  }
  return out;
}

/**
 * Whether `password` opens an RC4-HMAC cipher text (RFC 4757) of key usage `usage`: what hashcat's modes 18200
 * and 13100 try for each password. The checksum is the first 16 bytes, an HMAC-MD5 of the plain text.
 */
function opens(password: string, usage: number, checksumHex: string, edataHex: string): boolean {
  const k = md4(Buffer.from(password, 'utf16le'));
  const u = Buffer.alloc(4);
  u.writeUInt32LE(usage);
  const k1 = createHmac('md5', k).update(u).digest();
  const checksum = Buffer.from(checksumHex, 'hex');
  const k3 = createHmac('md5', k1).update(checksum).digest();
  const plain = rc4(k3, Buffer.from(edataHex, 'hex'));
  return createHmac('md5', k1).update(plain).digest().equals(checksum);
}

describe('Kerberos', () => {
  it('shows MIT Kerberos exchanges as tshark does, with the hashes an attacker would crack', async () => {
    const { s, rows } = await openWithColumns(MIT);
    for (const row of [
      'KRB5\tAS-REQ',
      'KRB5\tKRB Error: KRB5KDC_ERR_PREAUTH_REQUIRED',
      'KRB5\tAS-REP',
      'KRB5\tTGS-REQ',
      'KRB5\tTGS-REP',
      'KRB5\tKRB Error: KRB5KDC_ERR_PREAUTH_FAILED',
      'KRB5\tKRB Error: KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN',
    ])
      expect(rows).toContain(row);
    const creds = findCredentials(s);
    const hashes = creds.filter((c) => c.protocol === 'Kerberos');
    expect(hashes.map((c) => [c.username, c.info.replace(/:.*/, ''), c.rejected ?? false])).toEqual([
      ['alice@CORP.EXAMPLE', 'pre-authentication (AES256)', false],
      ['alice@CORP.EXAMPLE', 'service ticket for http/web.corp.example (RC4), Kerberoastable', false],
      ['bob@CORP.EXAMPLE', 'AS-REP (RC4), crackable offline', false],
      ['alice@CORP.EXAMPLE', 'pre-authentication (AES256)', true],
      ['alice@CORP.EXAMPLE', 'pre-authentication (AES256)', false],
    ]);
    // The RC4 ones open with the passwords the fixture was made with (and not with another).
    const tgs =
      /^\$krb5tgs\$23\$\*alice\$CORP\.EXAMPLE\$http\/web\.corp\.example\*\$([0-9a-f]{32})\$([0-9a-f]+)$/.exec(
        hashes[1].hash!,
      );
    expect(tgs).not.toBeNull();
    expect(opens('svcpass1', 2, tgs![1], tgs![2])).toBe(true);
    expect(opens('wonderland', 2, tgs![1], tgs![2])).toBe(false);
    const asrep = /^\$krb5asrep\$23\$bob@CORP\.EXAMPLE:([0-9a-f]{32})\$([0-9a-f]+)$/.exec(hashes[2].hash!);
    expect(asrep).not.toBeNull();
    // RFC 4757 uses key usage 8 for an AS-REP's encrypted part (as for a TGS-REP's), where RFC 4120 says 3.
    expect(opens('roastme', 8, asrep![1], asrep![2])).toBe(true);
    expect(opens('wonderland', 8, asrep![1], asrep![2])).toBe(false);
    expect(hashes[0].hash).toMatch(/^\$krb5pa\$18\$alice\$CORP\.EXAMPLE\$[0-9a-f]{112}$/);
    if (hasTshark) {
      expect(rows).toEqual(tsharkColumns(MIT));
      // The cipher texts in the hashes are tshark's kerberos.cipher.
      const ciphers = spawnSync(
        'tshark',
        ['-n', '-r', MIT, '-T', 'fields', '-E', 'occurrence=a', '-e', 'kerberos.cipher'],
        {
          encoding: 'utf8',
        },
      ).stdout.split('\n');
      expect(ciphers[2].split(',')).toContain(hashes[0].hash!.split('$').pop());
      expect(ciphers[5].split(',')).toContain(tgs![1] + tgs![2]);
      expect(ciphers[7].split(',')).toContain(asrep![1] + asrep![2]);
      expect(ourFields(s, FIELDS)).toEqual(tsharkFields(tsharkOn(MIT), FIELDS));
      for (const r of filtersVsTshark(s, tsharkOn(MIT), FILTERS)) {
        expect(r.theirs.length, r.filter).toBeGreaterThan(0);
        expect(r.ours, r.filter).toEqual(r.theirs);
      }
    }
    s.close();
  });

  it.runIf(existsSync(KRB816))('reads Windows exchanges (krb-816) as tshark does', async () => {
    const { s, rows } = await openWithColumns(KRB816);
    expect(rows).toContain('KRB5\tKRB Error: KRB5KDC_ERR_ETYPE_NOSUPP');
    // Windows used RC4 for everything: every service ticket is Kerberoastable, every AS-REP crackable.
    const hashes = findCredentials(s).filter((c) => c.protocol === 'Kerberos');
    expect(hashes.filter((c) => c.hash?.startsWith('$krb5tgs$23$')).length).toBeGreaterThan(5);
    expect(hashes.filter((c) => c.hash?.startsWith('$krb5asrep$23$')).length).toBeGreaterThan(0);
    if (hasTshark) {
      expect(rows).toEqual(tsharkColumns(KRB816));
      expect(ourFields(s, FIELDS)).toEqual(tsharkFields(tsharkOn(KRB816), FIELDS));
    }
    s.close();
  });
});
