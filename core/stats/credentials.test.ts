/**
 * Credentials sent in the clear, on generated logins (FTP, HTTP Basic, SMTP AUTH PLAIN and LOGIN): each with its
 * packet, decoded, with the password. tshark's `-z credentials` (4.0) lists fewer of them and leaves base64 as it
 * is; where it lists one, the packet, protocol and username agree. The evidence report lists them all.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { ftpSession } from '../testing/ftp.js';
import { loginPackets } from '../testing/logins.js';
import { hasTshark, synthCapture } from '../testing/vs-tshark.js';
import { credentialsText, findCredentials } from './credentials.js';

/** tshark's rows: packet, protocol, username (its Info column aside). */
function tsharkRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => /^\d+\s/.test(l))
    .map((l) => l.split(/\s{2,}/).slice(0, 3));
}

describe('credentials in the clear', () => {
  it('finds FTP, HTTP Basic and SMTP AUTH logins, decoded, with their passwords', async () => {
    const ftp = await synthCapture(ftpSession().packets);
    expect(findCredentials(ftp.session)).toEqual([
      {
        frame: 10,
        protocol: 'FTP',
        username: 'alice',
        password: 's3cret!',
        usernameFrame: 6,
        info: 'Username in packet: 6',
      },
    ]);
    const logins = await synthCapture(loginPackets());
    const rows = findCredentials(logins.session);
    expect(rows.map((r) => [r.frame, r.protocol, r.username, r.password, r.usernameFrame])).toEqual([
      [4, 'HTTP basic auth', 'bob', 'hunter2', undefined],
      [20, 'SMTP', 'carol', 'pa55', undefined],
      [32, 'SMTP', 'dave', 'd4ve!', 28],
    ]);
    expect(credentialsText(rows)).toContain('32         SMTP                   dave             d4ve!');
    // The evidence report lists them too.
    const dir = join(mkdtempSync(join(tmpdir(), 'wirelens-cred-')), 'report');
    const io = { out: () => undefined, err: () => undefined };
    expect(await main(['report', logins.file, '--out', dir], io)).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { credentials: unknown[] };
    expect(json.credentials).toEqual(rows);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<code>d4ve!</code>');
    if (hasTshark) {
      // tshark 4.0: FTP and HTTP as here; AUTH PLAIN missing; AUTH LOGIN's username left in base64.
      expect(tsharkRows(ftp.tshark('-q', '-z', 'credentials'))).toEqual([['10', 'FTP', 'alice']]);
      expect(tsharkRows(logins.tshark('-q', '-z', 'credentials'))).toEqual([
        ['4', 'HTTP basic auth', 'bob'],
        ['32', 'SMTP', Buffer.from('dave').toString('base64')],
      ]);
    }
    ftp.session.close();
    logins.session.close();
  });
});
