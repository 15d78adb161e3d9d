/**
 * The TLS handshake's details (the record layer, every handshake message, the hellos' extensions and
 * fingerprints, the X.509 certificate, the key exchange) against `tshark -V` on sessions Node's own TLS makes
 * here: TLS 1.2 with ECDHE and with RSA key exchange, and TLS 1.3. Without keys: what any investigator sees.
 */
import { describe, expect, it } from 'vitest';
import { tlsExchange } from '../testing/tls-session.js';
import {
  detailsText,
  hasTshark,
  layerSections,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';

const FIELDS = [
  'tls.handshake.ja3_full',
  'tls.handshake.ja3',
  'tls.handshake.ja3s_full',
  'tls.handshake.ja3s',
  'tls.handshake.ciphersuite',
  'tls.handshake.extension.type',
  'tls.handshake.extensions_server_name',
  'x509sat.uTF8String',
  'x509af.serialNumber',
  'x509af.utcTime',
  'x509af.generalizedTime',
];

const SESSIONS = [
  { version: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  { version: 'TLSv1.2', ciphers: 'AES128-SHA256' },
  { version: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' },
] as const;

describe.skipIf(!hasTshark)('TLS handshake details vs tshark -V', () => {
  for (const opts of SESSIONS)
    it(`${opts.version} ${opts.ciphers}: the TLS layer's lines and fields are tshark's`, async () => {
      const x = await tlsExchange(opts, ['GET / HTTP/1.1\r\nHost: wirelens.test\r\n\r\n'], () =>
        Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'),
      );
      const { session, tshark } = await synthCapture(x.packets);
      try {
        const parts = (t: string) => layerSections(t, 'Transport Layer Security');
        const ours = parts(detailsText(session));
        expect(ours.length).toBeGreaterThan(3);
        expect(ours.join('\n')).toContain('Handshake Protocol: Client Hello');
        expect(ours).toEqual(parts(tshark('-V')));
        expect(ourFields(session, FIELDS)).toEqual(tsharkFields(tshark, FIELDS));
      } finally {
        session.close();
      }
    });
});
