/**
 * POP3 on a generated session (core/testing/pop.ts): rows, details and filters as tshark shows them, the login
 * among the credentials, and — beyond tshark, whose IMF export has no POP — the fetched message in the e-mail
 * list, dot-unstuffed, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { listEmails } from '../objects/imf.js';
import { findCredentials } from '../stats/credentials.js';
import { POP_MESSAGE, popPackets } from '../testing/pop.js';
import { detailsText, filtersVsTshark, hasTshark, layerParts, synthCapture } from '../testing/vs-tshark.js';

const FILTERS = [
  'pop',
  'pop.request',
  'pop.response',
  'pop.request.command == "PASS"',
  'pop.request.parameter == "alice"',
  'pop.response.indicator == "+OK"',
  'pop.response.description contains "octets"',
  'pop.response.data',
  'pop.request.data',
];

describe('POP3', () => {
  it('shows the session as tshark does, finds the login and keeps the fetched message', async () => {
    const { session: s, list, tshark } = await synthCapture(popPackets());
    expect(list).toContain('POP 66 C: USER alice');
    expect(list).toContain('POP 1514 S: DATA fragment, 1460 bytes');
    expect(findCredentials(s).map((c) => [c.frame, c.protocol, c.username, c.password, c.info])).toEqual([
      [10, 'POP3', 'alice', 'wonderland', 'Username in packet 6'],
    ]);
    const mails = listEmails(s);
    expect(mails.map((m) => [m.filename, m.from, m.subject, m.source])).toEqual([
      ['Invoice 2026.eml', 'Mallory <m@evil.example>', 'Invoice 2026', '93.184.216.34'],
    ]);
    expect(Buffer.from(mails[0].record.bytes).toString('latin1')).toBe(POP_MESSAGE);
    if (hasTshark) {
      expect(list).toBe(tshark());
      const ours = layerParts(detailsText(s), 'Post Office Protocol');
      const theirs = layerParts(tshark('-V'), 'Post Office Protocol').map((x, i) =>
        x.startsWith('Post Office Protocol') ? x : ours[i],
      );
      const n = theirs.filter((x) => x.startsWith('Post Office Protocol')).length;
      console.log(
        `POP details vs tshark: ${theirs.filter((x, i) => x === ours[i] && x.startsWith('Post')).length}/${n}`,
      );
      expect(ours).toEqual(theirs);
      for (const r of filtersVsTshark(s, tshark, FILTERS)) expect(r.ours, r.filter).toEqual(r.theirs);
      expect(tshark('-q', '-z', 'credentials')).toMatch(/^10\s+POP3\s+alice\s+Username in packet 6/m);
    }
    s.close();
  });
});
