/**
 * Text protocols that turn into TLS (SMTP's STARTTLS, IMAP's STARTTLS, POP3's STLS, FTP's AUTH TLS) and their
 * implicit-TLS ports (SMTPS 465, IMAPS 993, POP3S 995), on sessions made here with node:tls: every frame's
 * Protocol and Info equal tshark's without the keys (TLS records after the switch) and with them (the protocol
 * again, inside TLS), a filter on the decrypted protocol selects the same frames, and a login sent inside TLS is
 * among the credentials, and an e-mail sent or fetched inside it among the e-mails, once the keys are given.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePcap } from '../capture/writer.js';
import { CaptureSession } from '../session/session.js';
import { findCredentials } from '../stats/credentials.js';
import { listEmails } from '../objects/imf.js';
import { startTlsExchange } from '../testing/tls-session.js';
import { framesMatching, hasTshark, tsharkColumns } from '../testing/vs-tshark.js';

const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');

const MAIL =
  'From: it@evil.example\r\nTo: alice@corp.example\r\nSubject: Reset your password\r\n\r\nClick here.\r\n';

type Lines = readonly (readonly [boolean, string])[];

interface Case {
  name: string;
  port: number;
  plain: Lines;
  secure: Lines;
  /** A filter on the protocol inside TLS, and the login it carries: [protocol, username, password]. */
  filter: string;
  login: [string, string, string];
  /** Subjects of the e-mails sent or fetched inside TLS. */
  emails?: string[];
}

const CASES: Case[] = [
  {
    name: 'SMTP STARTTLS',
    port: 25,
    plain: [
      [false, '220 mail.example ESMTP'],
      [true, 'EHLO pc'],
      [false, '250-mail.example\r\n250 STARTTLS'],
      [true, 'STARTTLS'],
      [false, '220 2.0.0 Ready to start TLS'],
    ],
    secure: [
      [true, 'EHLO pc'],
      [false, '250-mail.example\r\n250 AUTH PLAIN'],
      [true, `AUTH PLAIN ${b64('\0carol\0pa55')}`],
      [false, '235 2.7.0 Authentication successful'],
      [true, 'MAIL FROM:<carol@corp.example>'],
      [false, '250 2.1.0 Ok'],
      [true, 'RCPT TO:<m@evil.example>'],
      [false, '250 2.1.5 Ok'],
      [true, 'DATA'],
      [false, '354 End data with <CR><LF>.<CR><LF>'],
      [true, 'From: carol@corp.example\r\nTo: m@evil.example\r\nSubject: Q4 figures\r\n\r\nAttached.\r\n.'],
      [false, '250 2.0.0 Ok: queued'],
      [true, 'QUIT'],
      [false, '221 2.0.0 Bye'],
    ],
    filter: 'smtp.req.command == "AUTH"',
    login: ['SMTP', 'carol', 'pa55'],
    emails: ['Q4 figures'],
  },
  {
    name: 'SMTPS',
    port: 465,
    plain: [],
    secure: [
      [false, '220 mail.example ESMTP'],
      [true, 'EHLO pc'],
      [false, '250 AUTH PLAIN'],
      [true, `AUTH PLAIN ${b64('\0dave\0d4ve')}`],
      [false, '235 2.7.0 Authentication successful'],
    ],
    filter: 'smtp.response.code == 235',
    login: ['SMTP', 'dave', 'd4ve'],
  },
  {
    name: 'IMAP STARTTLS',
    port: 143,
    plain: [
      [false, '* OK IMAP4rev1 ready'],
      [true, 'a001 STARTTLS'],
      [false, 'a001 OK Begin TLS negotiation now.'],
    ],
    secure: [
      [true, 'a002 LOGIN alice "wonder land"'],
      [false, 'a002 OK Logged in'],
      [true, 'a003 FETCH 1 BODY[]'],
      [false, `* 1 FETCH (BODY[] {${MAIL.length}}\r\n${MAIL})\r\na003 OK Fetch completed.`],
      [true, 'a004 LOGOUT'],
      [false, '* BYE\r\na003 OK Logout completed.'],
    ],
    filter: 'imap.request.command == "LOGIN"',
    login: ['IMAP', 'alice', 'wonder land'],
    emails: ['Reset your password'],
  },
  {
    name: 'IMAPS',
    port: 993,
    plain: [],
    secure: [
      [false, '* OK IMAP4rev1 ready'],
      [true, 'a001 LOGIN bob s3cret'],
      [false, 'a001 OK Logged in'],
    ],
    filter: 'imap.isrequest == 1',
    login: ['IMAP', 'bob', 's3cret'],
  },
  {
    name: 'POP3 STLS',
    port: 110,
    plain: [
      [false, '+OK POP3 ready'],
      [true, 'STLS'],
      [false, '+OK Begin TLS negotiation'],
    ],
    secure: [
      [true, 'USER erin'],
      [false, '+OK'],
      [true, 'PASS 3r1n'],
      [false, '+OK Logged in.'],
    ],
    filter: 'pop.request.command == "PASS"',
    login: ['POP3', 'erin', '3r1n'],
  },
  {
    name: 'POP3S',
    port: 995,
    plain: [],
    secure: [
      [false, '+OK POP3 ready'],
      [true, 'USER frank'],
      [false, '+OK'],
      [true, 'PASS fr4nk'],
      [false, '+OK Logged in.'],
    ],
    filter: 'pop.request',
    login: ['POP3', 'frank', 'fr4nk'],
  },
  {
    name: 'FTP AUTH TLS',
    port: 21,
    plain: [
      [false, '220 FTP server ready'],
      [true, 'AUTH TLS'],
      [false, '234 Proceed with negotiation.'],
    ],
    secure: [
      [true, 'USER grace'],
      [false, '331 Please specify the password.'],
      [true, 'PASS gr4ce'],
      [false, '230 Login successful.'],
    ],
    filter: 'ftp.response.code == 230',
    login: ['FTP', 'grace', 'gr4ce'],
  },
];

async function rows(file: string, keyLogFile?: string): Promise<{ s: CaptureSession; rows: string[] }> {
  const s = new CaptureSession({ hash: false, keyLogFile });
  await s.open(file);
  const out: string[] = [];
  s.scan(
    0,
    s.total,
    'columns',
    (_i, d) => void out.push(`${d.columns.protocol}\t${d.columns.info}`.trimEnd()),
  );
  return { s, rows: out };
}

describe('STARTTLS and implicit TLS', () => {
  CASES.forEach((c, i) => {
    it(`${c.name}: the clear part, then TLS, then (with the keys) ${c.login[0]} inside`, async () => {
      const x = await startTlsExchange({
        port: c.port,
        clientPort: 46000 + i,
        plain: c.plain,
        secure: c.secure,
      });
      const dir = mkdtempSync(join(tmpdir(), 'wirelens-starttls-'));
      const file = join(dir, 'capture.pcap');
      const keys = join(dir, 'keys.log');
      writeFileSync(file, writePcap(x.packets, { linkType: 1 }));
      writeFileSync(keys, x.keyLog);
      const locked = await rows(file);
      const open = await rows(file, keys);
      const shown = c.login[0].replace('3', '');
      // Rows of the protocol ("SMTP/IMF" for a message it carries).
      const inside = open.rows.filter(
        (r) => r.startsWith(`${shown}\t`) || r.startsWith(`${shown}/IMF\t`),
      ).length;
      // Without the keys nothing of the protocol shows after the switch; with them, every line sent inside does.
      expect(locked.rows.filter((r) => r.startsWith('TLS')).length).toBeGreaterThan(2);
      expect(inside).toBe(c.plain.length + c.secure.length);
      expect(findCredentials(locked.s)).toEqual([]);
      expect(listEmails(locked.s)).toEqual([]);
      expect(listEmails(open.s).map((m) => m.subject)).toEqual(c.emails ?? []);
      const [protocol, username, password] = c.login;
      expect(findCredentials(open.s).map((r) => [r.protocol, r.username, r.password])).toEqual([
        [protocol, username, password],
      ]);
      if (hasTshark) {
        expect(locked.rows).toEqual(tsharkColumns(file));
        expect(open.rows).toEqual(tsharkColumns(file, '-o', `tls.keylog_file:${keys}`));
        const theirs = tsharkColumns(file, '-o', `tls.keylog_file:${keys}`, '-Y', c.filter).length;
        expect(framesMatching(open.s, c.filter).length, c.filter).toBe(theirs);
        expect(theirs).toBeGreaterThan(0);
      }
      locked.s.close();
      open.s.close();
    });
  });
});
