/**
 * Login forms (application/x-www-form-urlencoded) against tshark itself on a capture the test writes — rows,
 * the form trees, urlencoded-form.key/value and filters, Wireshark 4.0's quirks included — and the web logins
 * the credentials list reads from forms, query strings and JSON bodies.
 */
import { describe, expect, it } from 'vitest';
import {
  detailsText,
  filtersVsTshark,
  hasTshark,
  layerParts,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';
import { TcpConversation, httpResponse, type SynthPacket } from '../testing/synth.js';
import { CLIENT, WEB } from '../testing/scenarios.js';
import { findCredentials, credentialsText } from './credentials.js';

const enc = new TextEncoder();
const FORM = 'application/x-www-form-urlencoded';

/** Request bodies: a login, UTF-8 and %-escapes, a trailing CR LF, and the ways a form goes wrong. */
const POSTS: [string, string][] = [
  [FORM, 'username=alice&password=s3cr%21t+x&remember=on&empty=&flag&a%20b=c+d'],
  [`${FORM}; charset=UTF-8`, 'user=bob%40corp.example&pass=%E2%82%ACuro'],
  [FORM, 'login=carol&pwd=hunter2\r\n'],
  [FORM, 'a=1&bad=%zz&c=3'],
  [FORM, 'a=1&tail%4'],
  [FORM, 'x=1&flag'],
  [FORM, 'k=v%00w&=novalue&&z=%41%42'],
  ['application/json', '{"auth":{"email":"erin@corp.example","password":"Winter2024!"},"remember":true}'],
  [FORM, 'q=search+terms&page=2'],
];

function packets(): SynthPacket[] {
  const out: SynthPacket[] = [];
  POSTS.forEach(([ct, body], i) => {
    const c = new TcpConversation(CLIENT, WEB, 52000 + i, 80, { s: 1_700_000_000 + i, ns: 0 });
    c.handshake();
    c.send(
      true,
      `POST /login HTTP/1.1\r\nHost: web.example\r\nContent-Type: ${ct}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    c.send(false, httpResponse(enc.encode('ok'), 'text/plain'));
    c.close();
    out.push(...c.packets);
  });
  const g = new TcpConversation(CLIENT, WEB, 52100, 80, { s: 1_700_000_100, ns: 0 });
  g.handshake();
  g.send(true, 'GET /cgi-bin/auth?usr=dave&passwd=let%20me+in HTTP/1.1\r\nHost: cam.example\r\n\r\n');
  g.send(false, httpResponse(enc.encode('ok'), 'text/plain'));
  g.close();
  out.push(...g.packets);
  return out;
}

describe('login forms and web logins', () => {
  it.skipIf(!hasTshark)('dissects forms as tshark 4.0 does: rows, trees, fields and filters', async () => {
    const { session: s, list, tshark } = await synthCapture(packets());
    expect(list).toBe(tshark());
    expect(list).toContain(`POST /login HTTP/1.1  (${FORM})[Malformed Packet]`);

    // (A value with a CR LF: tshark prints the line break itself in the item's text, Wirelens escapes it.)
    const parts = (t: string) =>
      layerParts(t, 'HTML Form').filter((x) => x.startsWith('HTML Form') && !x.includes('hunter2'));
    const ours = parts(detailsText(s));
    expect(ours).toEqual(parts(tshark('-V')));
    expect(ours.join('\n')).toContain('[Malformed Packet: URL Encoded Form Data]');

    const fields = ['urlencoded-form.key', 'urlencoded-form.value'];
    const escaped = (v: unknown) => String(v).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
    expect(ourFields(s, fields, escaped)).toEqual(tsharkFields(tshark, fields));

    for (const r of filtersVsTshark(s, tshark, [
      'urlencoded-form',
      'urlencoded-form.key == "password"',
      'urlencoded-form.value contains "corp.example"',
      'urlencoded-form.key == "&z"',
      '_ws.malformed && urlencoded-form',
    ]))
      expect(r.ours, r.filter).toEqual(r.theirs);
    s.close();
  });

  it('lists the logins in forms, query strings and JSON bodies among the credentials', async () => {
    const { session: s } = await synthCapture(packets());
    const logins = findCredentials(s).map((c) => [c.protocol, c.username, c.password, c.info]);
    expect(logins).toEqual([
      ['HTTP form', 'alice', 's3cr!t x', 'POST /login, fields "username" and "password"'],
      ['HTTP form', 'bob@corp.example', '€uro', 'POST /login, fields "user" and "pass"'],
      ['HTTP form', 'carol', 'hunter2\r\n', 'POST /login, fields "login" and "pwd"'],
      ['HTTP JSON', 'erin@corp.example', 'Winter2024!', 'POST /login, fields "email" and "password"'],
      [
        'HTTP query',
        'dave',
        'let me in',
        'GET /cgi-bin/auth?usr=dave&passwd=let%20me+in, fields "usr" and "passwd"',
      ],
    ]);
    // The table keeps a password's line break on its line, escaped.
    expect(credentialsText(findCredentials(s))).toContain('carol            hunter2\\r\\n      POST /login');
    s.close();
  });
});
