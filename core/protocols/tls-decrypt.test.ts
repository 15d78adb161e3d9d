/**
 * TLS decryption with a key log, on sessions node:tls makes here (core/testing/tls-session.ts): TLS 1.2 with
 * AES-GCM, ChaCha20-Poly1305 and AES-CBC (either MAC order, SHA-1/256/384), TLS 1.0 and 1.1 with AES-CBC, TLS
 * 1.3 with its three suites; and with the server's RSA private key instead, on the RSA key-exchange suites. HTTP inside is dissected (a response spanning
 * records is put together), filtered and exported byte for byte; without the key log nothing is; and with tshark
 * at hand, every frame's Protocol and Info equal `tshark -o tls.keylog_file:…`.
 */
import { spawnSync } from 'node:child_process';
import { constants, createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { main } from '../cli/main.js';
import { listObjects, objectBytes } from '../objects/list.js';
import { formatFollow } from '../stats/follow.js';
import { followStream } from '../stats/run.js';
import { tinyGif } from '../testing/synth.js';
import { legacyTlsExchange, type LegacyVersion } from '../testing/tls-legacy.js';
import { SERVER_KEY, tlsExchange, type TlsExchange } from '../testing/tls-session.js';
import { framesMatching, hasTshark, openWithColumns, tsharkColumns } from '../testing/vs-tshark.js';

/** 40 kB of text: its response spans three TLS records and many TCP segments. */
const BIG = Buffer.from(
  Array.from({ length: 1000 }, (_, i) => `line ${String(i).padStart(4, '0')} of the log\n`).join(''),
);
const GIF = tinyGif(3, 2);

function respond(req: string): Uint8Array {
  const gif = req.startsWith('GET /pics/a.gif');
  const body = gif ? GIF : BIG;
  const head = `HTTP/1.1 200 OK\r\nContent-Type: ${gif ? 'image/gif' : 'text/plain'}\r\nContent-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const REQUESTS = [
  'GET /logs/big.txt HTTP/1.1\r\nHost: wirelens.test\r\n\r\n',
  'GET /pics/a.gif HTTP/1.1\r\nHost: wirelens.test\r\n\r\n',
];

type Version = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
const SUITES: { version: Version; ciphers: string; secureOptions?: number }[] = [
  // TLS 1.0 (chained CBC IVs, an empty record before each message) and 1.1: OpenSSL 3 speaks them at level 0.
  { version: 'TLSv1', ciphers: 'ECDHE-RSA-AES128-SHA:@SECLEVEL=0' },
  {
    version: 'TLSv1',
    ciphers: 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0',
    secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC,
  },
  { version: 'TLSv1.1', ciphers: 'ECDHE-RSA-AES256-SHA:@SECLEVEL=0' },
  { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-GCM-SHA384' },
  { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-CHACHA20-POLY1305' },
  // CBC with encrypt-then-MAC (OpenSSL's default), MAC-then-encrypt, and RSA key exchange with SHA-256.
  { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256' },
  {
    version: 'TLSv1.2',
    ciphers: 'ECDHE-RSA-AES256-SHA',
    secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC,
  },
  { version: 'TLSv1.2', ciphers: 'AES256-SHA256', secureOptions: constants.SSL_OP_NO_ENCRYPT_THEN_MAC },
  { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES256-SHA384' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
  { version: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' },
  // AES-CCM (RFC 6655) with RSA key exchange, its 8-byte-tag variant, and TLS 1.3's two CCM suites.
  { version: 'TLSv1.2', ciphers: 'AES128-CCM' },
  { version: 'TLSv1.2', ciphers: 'AES256-CCM8' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_SHA256' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_8_SHA256' },
];

/** RC4 and 3DES, which node:tls no longer speaks: sessions written record by record (core/testing/tls-legacy.ts). */
const LEGACY: { name: string; version: LegacyVersion; suite: number }[] = [
  { name: 'TLSv1.2 RC4-SHA', version: 0x0303, suite: 0x0005 },
  { name: 'TLSv1 RC4-MD5', version: 0x0301, suite: 0x0004 },
  { name: 'TLSv1.2 DES-CBC3-SHA', version: 0x0303, suite: 0x000a },
  { name: 'TLSv1.1 DES-CBC3-SHA', version: 0x0302, suite: 0x000a },
  { name: 'TLSv1 DES-CBC3-SHA (chained IVs)', version: 0x0301, suite: 0x000a },
  // SSL 3.0: its own key derivation and MAC.
  { name: 'SSLv3 RC4-MD5', version: 0x0300, suite: 0x0004 },
  { name: 'SSLv3 DES-CBC3-SHA', version: 0x0300, suite: 0x000a },
];

const CASES: { name: string; make: () => Promise<TlsExchange> }[] = [
  ...SUITES.map((suite) => ({
    name: `${suite.version} ${suite.ciphers}${suite.secureOptions ? ' (MAC-then-encrypt)' : ''}`,
    make: () => tlsExchange(suite, REQUESTS, respond),
  })),
  ...LEGACY.map((l) => ({
    name: `${l.name} (written record by record)`,
    make: () => Promise.resolve(legacyTlsExchange(l, REQUESTS, respond)),
  })),
];

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('TLS decryption with a key log', () => {
  for (const c of CASES) {
    it(`${c.name}: HTTP inside is dissected, filtered and exported`, async () => {
      const x = await c.make();
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-tls-'));
      const file = join(dir, 'tls.pcap');
      const keys = join(dir, 'keys.log');
      writeFileSync(file, writePcap(x.packets, { linkType: 1 }));
      writeFileSync(keys, x.keyLog);

      const plain = await openWithColumns(file);
      expect(plain.rows.filter((r) => r.startsWith('HTTP'))).toEqual([]);
      plain.s.close();

      const { s, rows } = await openWithColumns(file, keys);
      expect(s.info().tlsSecretsInCapture).toBeUndefined();
      expect(s.info().tlsKeyLog).toEqual({
        name: keys,
        secrets: x.keyLog.trim().split('\n').length,
        sha256: sha256(Buffer.from(x.keyLog, 'latin1')),
      });
      const http = rows.filter((r) => r.startsWith('HTTP\t'));
      expect(http.map((r) => r.trimEnd())).toEqual([
        'HTTP\tGET /logs/big.txt HTTP/1.1',
        'HTTP\tHTTP/1.1 200 OK  (text/plain)',
        'HTTP\tGET /pics/a.gif HTTP/1.1',
        'HTTP\tHTTP/1.1 200 OK  (GIF89a)',
      ]);
      // The big response's earlier records wait for its last one.
      expect(rows.filter((r) => r.endsWith('[TLS segment of a reassembled PDU]')).length).toBeGreaterThan(0);
      expect(framesMatching(s, 'http.request.full_uri == "https://wirelens.test/pics/a.gif"')).toHaveLength(
        1,
      );
      const objects = listObjects(s);
      expect(objects.map((o) => [o.filename, o.size])).toEqual([
        ['big.txt', BIG.length],
        ['a.gif', GIF.length],
      ]);
      expect(sha256(objectBytes(s, objects[0]))).toBe(sha256(BIG));
      expect(sha256(objectBytes(s, objects[1]))).toBe(sha256(GIF));
      // Follow TLS stream: each side's decrypted application data, whole and in order.
      const followed = followStream(s, 'tls', 0);
      const side = (dir: 0 | 1) =>
        Buffer.concat(followed.segments.filter((x) => x.dir === dir).map((x) => x.bytes)).toString('latin1');
      expect(side(0)).toBe(REQUESTS.join(''));
      expect(side(1)).toBe(REQUESTS.map((r) => Buffer.from(respond(r)).toString('latin1')).join(''));
      s.close();

      // The CLI: --tls-keylog, checked and handed to every thread.
      let out = '';
      const io = { out: (t: string) => void (out += t), err: (t: string) => void (out += t) };
      expect(await main(['list', file, '--format', 'tsv', '--tls-keylog', keys], io)).toBe(0);
      expect(out.split('\n').filter((l) => l.split('\t')[4] === 'HTTP')).toHaveLength(4);
      expect(await main(['list', file, '--tls-keylog', join(dir, 'none.log')], io)).toBe(2);
      expect(out).toContain('cannot read the TLS key log');
      // The evidence report names the key log that decrypted the objects, with its hash.
      const report = join(dir, 'report');
      expect(await main(['report', file, '--out', report, '--tls-keylog', keys], io)).toBe(0);
      const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as {
        capture: { tlsKeyLog?: { sha256: string } };
        objects: { object: string; sha256: string }[];
      };
      expect(json.capture.tlsKeyLog?.sha256).toBe(sha256(Buffer.from(x.keyLog, 'latin1')));
      expect(json.objects.map((o) => [o.object, o.sha256])).toEqual([
        ['big.txt', sha256(BIG)],
        ['a.gif', sha256(GIF)],
      ]);
      expect(readFileSync(join(report, 'report.html'), 'utf8')).toContain('<dt>TLS key log</dt>');

      if (hasTshark) {
        const want = tsharkColumns(file, '-o', `tls.keylog_file:${keys}`);
        expect(rows.map((l) => l.trimEnd())).toEqual(want);
        // tshark's follow,tls: the same records' data in the same order (tshark 4.0 names only one node, and on
        // TLS 1.3 marks the sides the other way round: the data is compared, not its side).
        const f = spawnSync(
          'tshark',
          ['-n', '-r', file, '-o', `tls.keylog_file:${keys}`, '-q', '-z', 'follow,tls,raw,0'],
          {
            encoding: 'utf8',
            maxBuffer: 1 << 26,
          },
        );
        const data = (t: string) =>
          t
            .split('\n')
            .filter((l) => /^\t?[0-9a-f]+$/.test(l))
            .map((l) => l.trim());
        expect(data(formatFollow(followed, 'raw'))).toEqual(data(f.stdout));
      }
    });
  }
});

/** Suites with RSA key exchange: the server's private key alone opens them (Wireshark's RSA keys list). */
const RSA_SUITES: { version: Version; ciphers: string }[] = [
  { version: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' },
  { version: 'TLSv1.1', ciphers: 'AES256-SHA:@SECLEVEL=0' },
  ...[
    'AES128-SHA',
    'AES256-SHA',
    'AES128-SHA256',
    'AES256-SHA256',
    'AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
  ].map((ciphers) => ({ version: 'TLSv1.2' as const, ciphers })),
];

const RSA_CASES: { name: string; make: () => Promise<TlsExchange> }[] = [
  ...RSA_SUITES.map((suite) => ({
    name: `${suite.version} ${suite.ciphers} (extended master secret)`,
    make: () => tlsExchange(suite, REQUESTS, respond),
  })),
  // The suites of old HTTPS were RSA key exchanges: the server's key opens them all.
  ...LEGACY.map((l) => ({
    name: `${l.name} (written record by record)`,
    make: () => Promise.resolve(legacyTlsExchange(l, REQUESTS, respond)),
  })),
];

describe("TLS decryption with the server's RSA private key", () => {
  for (const c of RSA_CASES) {
    it(`${c.name}: the key opens the session as a key log would`, async () => {
      const x = await c.make();
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-rsa-'));
      const file = join(dir, 'tls.pcap');
      const key = join(dir, 'server.pem');
      writeFileSync(file, writePcap(x.packets, { linkType: 1 }));
      writeFileSync(key, `${SERVER_KEY}\n`);

      const { s, rows } = await openWithColumns(file, key);
      expect(s.info().tlsKeyLog).toMatchObject({ name: key, secrets: 1 });
      expect(rows.filter((r) => r.startsWith('HTTP\t')).map((r) => r.trimEnd())).toEqual([
        'HTTP\tGET /logs/big.txt HTTP/1.1',
        'HTTP\tHTTP/1.1 200 OK  (text/plain)',
        'HTTP\tGET /pics/a.gif HTTP/1.1',
        'HTTP\tHTTP/1.1 200 OK  (GIF89a)',
      ]);
      const objects = listObjects(s);
      expect(objects.map((o) => sha256(objectBytes(s, o)))).toEqual([sha256(BIG), sha256(GIF)]);
      s.close();

      // A key that is not the server's opens nothing.
      const other = join(dir, 'other.pem');
      writeFileSync(
        other,
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
          type: 'pkcs8',
          format: 'pem',
        }),
      );
      const wrong = await openWithColumns(file, other);
      expect(wrong.rows.filter((r) => r.startsWith('HTTP'))).toEqual([]);
      wrong.s.close();

      if (hasTshark) {
        const want = tsharkColumns(file, '-o', `uat:rsa_keys:"${key}",""`);
        expect(want.some((l) => l.startsWith('HTTP\t'))).toBe(true);
        expect(rows.map((l) => l.trimEnd())).toEqual(want);
      }
    });
  }
});
