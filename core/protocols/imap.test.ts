/**
 * IMAP on a generated session (core/testing/imap.ts): rows, details (tshark -2, so that a request knows its
 * response) and filters as tshark shows them; the three logins among the credentials; and — beyond tshark, whose
 * IMF export has no IMAP — the message a FETCH brought and the one an APPEND saved in the e-mail list, byte for
 * byte, but not a header-only FETCH.
 */
import { describe, expect, it } from 'vitest';
import { listEmails } from '../objects/imf.js';
import { findCredentials } from '../stats/credentials.js';
import { IMAP_MESSAGE, imapPackets, SENT_MESSAGE } from '../testing/imap.js';
import {
  detailsText,
  filtersVsTshark,
  framesMatching as framesOf,
  hasTshark,
  layerParts,
  synthCapture,
} from '../testing/vs-tshark.js';

const FILTERS = [
  'imap',
  'imap.isrequest == 1',
  'imap.isrequest == 0',
  'imap.line contains "FETCH"',
  'imap.request',
  'imap.response',
  'imap.request_tag == "a003"',
  'imap.response_tag == ")"',
  'imap.tag == "b002"',
  'imap.request.command == "LOGIN"',
  'imap.request.command == "FETCH"',
  'imap.response.command == "Fetch"',
  'imap.response.status == "OK"',
  'imap.command == "UID"',
  'imap.command == "[READ-ONLY]"',
  'imap.request.folder == "INBOX"',
  'imap.request.folder == "\\"Sent"',
  'imap.request.command.uid',
  'imap.request.username == "alice"',
  // tshark 4.0 drops the first and last character of every LOGIN password (it expects quotes); we show the same.
  'imap.request.password == "onderlan"',
  'imap.response_to == 14',
  'imap.time > 0',
  'imf',
  'imf.subject contains "Wire"',
];

/** The IMAP part of a frame's details, without the Internet Message (whose address items we do not show). */
const imapPart = (text: string) =>
  layerParts(text, 'Internet Message Access Protocol').map((p) => p.split('\nInternet Message Format')[0]);

describe('IMAP', () => {
  it('shows the session as tshark does, finds the logins and keeps the fetched message', async () => {
    const { session: s, list, tshark } = await synthCapture(imapPackets());
    expect(list).toContain('IMAP 83 Request: a001 LOGIN alice wonderland');
    expect(list).toContain('IMAP/IMF 325 from: Mallory <m@evil.example>, subject: Wire transfer today, ');
    expect(findCredentials(s).map((c) => [c.frame, c.protocol, c.username, c.password, c.info])).toEqual([
      [6, 'IMAP', 'alice', 'wonderland', ''],
      [36, 'IMAP', 'bob', 's3cr3t!', 'AUTHENTICATE PLAIN'],
      [68, 'IMAP', 'carol', 'pa55 word', 'AUTHENTICATE LOGIN, username in packet 64'],
      [84, 'IMAP', 'alice', 'wonderland', ''],
    ]);
    const mails = listEmails(s);
    expect(mails.map((m) => [m.frame, m.filename, m.from, m.subject, m.source])).toEqual([
      [18, 'Wire transfer today.eml', 'Mallory <m@evil.example>', 'Wire transfer today', '93.184.216.34'],
      [92, 'Re%3a Wire transfer today.eml', 'alice@corp.example', 'Re: Wire transfer today', '192.168.1.23'],
    ]);
    expect(Buffer.from(mails[0].record.bytes).toString('latin1')).toBe(IMAP_MESSAGE);
    // The copy of a sent message the client APPENDed to its Sent folder (tshark shows its lines as requests).
    expect(Buffer.from(mails[1].record.bytes).toString('latin1')).toBe(SENT_MESSAGE);
    expect(list).toContain('IMAP 220 Request: From: alice@corp.example');
    if (hasTshark) {
      expect(list).toBe(tshark());
      const ours = imapPart(detailsText(s));
      const theirs = imapPart(tshark('-2', '-V')).map((x, i) =>
        x.startsWith('Internet Message Access Protocol') ? x : ours[i],
      );
      const n = theirs.filter((x) => x.startsWith('Internet Message Access')).length;
      console.log(
        `IMAP details vs tshark -2: ${theirs.filter((x, i) => x === ours[i] && x.startsWith('Internet')).length}/${n}`,
      );
      expect(ours).toEqual(theirs);
      for (const r of filtersVsTshark(s, tshark, FILTERS)) expect(r.ours, r.filter).toEqual(r.theirs);
      // A request knows its response once the capture is read, as with tshark -2.
      expect(tshark('-2', '-Y', 'imap.response_in == 18', '-T', 'fields', '-e', 'frame.number').trim()).toBe(
        '14',
      );
      expect(framesOf(s, 'imap.response_in == 18')).toEqual(['14']);
      expect(tshark('-q', '-z', 'credentials')).toMatch(/^6\s+IMAP\s+alice\s*$/m);
    }
    s.close();
  });
});
