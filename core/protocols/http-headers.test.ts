/**
 * What Wireshark reads inside HTTP headers, against tshark on a capture the test writes: the name=value pairs
 * of a Cookie header (http.cookie_pair) and the user:password of Basic authorization (http.authbasic), which an
 * investigator filters on (`http.authbasic contains "admin"`).
 */
import { describe, expect, it } from 'vitest';
import { TcpConversation, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import {
  detailsText,
  filtersVsTshark,
  hasTshark,
  layerSections,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function packets(): SynthPacket[] {
  const http = new TcpConversation(CLIENT, WEB, 42000, 80, { s: 1_700_003_000, ns: 0 }).handshake();
  http.send(
    true,
    'GET / HTTP/1.1\r\nHost: shop.example\r\nCookie: SID=abc123; theme=dark;lang=en ; empty=\r\n' +
      `Proxy-Authorization: Basic ${b64('proxyuser:pr0xy')}\r\nAuthorization: Basic !!notbase64\r\n\r\n`,
  );
  http.send(
    false,
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: SID=abc123; Path=/; HttpOnly\r\n\r\nok',
  );
  http.send(
    true,
    `GET /admin HTTP/1.1\r\nHost: shop.example\r\nAuthorization: Basic ${b64('admin:s3cret')}\r\n\r\n`,
  );
  http.send(false, 'HTTP/1.1 204 No Content\r\n\r\n');
  http.close();
  return http.packets;
}

describe('HTTP cookie pairs and Basic credentials', () => {
  it.skipIf(!hasTshark)('are items of their headers, as tshark shows and filters them', async () => {
    const { session: s, tshark } = await synthCapture(packets());
    const ours = layerSections(detailsText(s), 'Hypertext Transfer Protocol');
    expect(ours).toEqual(layerSections(tshark('-2', '-V'), 'Hypertext Transfer Protocol'));
    expect(ours.join('\n')).toContain(
      '    Cookie: SID=abc123; theme=dark;lang=en ; empty=\\r\\n\n' +
        '        Cookie pair: SID=abc123\n        Cookie pair: theme=dark\n' +
        '        Cookie pair: lang=en \n        Cookie pair: empty=\n',
    );
    expect(ours.join('\n')).toContain('        Credentials: admin:s3cret\n');

    const fields = ['http.cookie_pair', 'http.authbasic'];
    expect(ourFields(s, fields)).toEqual(tsharkFields(tshark, fields));
    for (const r of filtersVsTshark(s, tshark, [
      'http.cookie_pair == "theme=dark"',
      'http.cookie_pair contains "SID"',
      'http.authbasic',
      'http.authbasic contains "admin"',
      'http.authbasic == "proxyuser:pr0xy"',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });
});
