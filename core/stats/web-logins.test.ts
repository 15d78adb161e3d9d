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
  layerSections,
  ourFields,
  synthCapture,
  tsharkFields,
} from '../testing/vs-tshark.js';
import { FORM, formPackets } from '../testing/web.js';
import { h2Exchange } from '../testing/tls-session.js';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCredentials, credentialsText } from './credentials.js';

describe('login forms and web logins', () => {
  it.skipIf(!hasTshark)('dissects forms as tshark 4.0 does: rows, trees, fields and filters', async () => {
    const { session: s, list, tshark } = await synthCapture(formPackets());
    expect(list).toBe(tshark());
    expect(list).toContain(`POST /login HTTP/1.1  (${FORM})[Malformed Packet]`);

    // (A value with a CR LF: tshark prints the line break itself in the item's text, Wirelens escapes it.)
    const parts = (t: string) => layerSections(t, 'HTML Form').filter((x) => !x.includes('hunter2'));
    const ours = parts(detailsText(s));
    expect(ours).toEqual(parts(tshark('-V')));
    expect(ours.join('\n')).toContain('[Malformed Packet: URL Encoded Form Data]');

    const fields = ['urlencoded-form.key', 'urlencoded-form.value'];
    expect(ourFields(s, fields)).toEqual(tsharkFields(tshark, fields));

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
    const { session: s } = await synthCapture(formPackets());
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

  it('finds a login form posted over HTTP/2 inside decrypted TLS', async () => {
    const form = new TextEncoder().encode('user=frank&password=Tr0ub4dor%263');
    const x = await h2Exchange({}, form, FORM);
    const dir = mkdtempSync(join(tmpdir(), 'wirelens-h2-form-'));
    const file = join(dir, 'h2.pcap');
    const keys = join(dir, 'keys.log');
    writeFileSync(file, writePcap(x.packets, { linkType: 1 }));
    writeFileSync(keys, x.keyLog);
    const s = new CaptureSession({ hash: false, keyLogFile: keys });
    await s.open(file);
    expect(findCredentials(s).map((c) => [c.protocol, c.username, c.password, c.info])).toEqual([
      ['HTTP form', 'frank', 'Tr0ub4dor&3', 'POST /upload, fields "user" and "password"'],
    ]);
    s.close();
  });
});
