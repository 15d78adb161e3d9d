/**
 * An IMAP4rev1 session for tests (RFC 3501): the server's greeting, a LOGIN in the clear, SELECT, a UID FETCH of a
 * message big enough to span several segments (sent as a literal, `{N}` bytes after the FETCH line), a STORE, and
 * LOGOUT; then a second connection that logs in with AUTHENTICATE PLAIN (the password base64-coded, RFC 4959's
 * SASL-IR form) and asks for the message's headers only; and a third that logs in with AUTHENTICATE LOGIN, the
 * username and password each base64-coded on a line of its own after the server's "+" prompt.
 */
import { TcpConversation, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

/** The message the server holds, as the client receives it. */
export const IMAP_MESSAGE =
  'From: Mallory <m@evil.example>\r\nTo: alice@corp.example\r\nSubject: Wire transfer today\r\n' +
  'Date: Wed, 25 Nov 2026 09:30:00 +0000\r\nMessage-ID: <1@evil.example>\r\n\r\n' +
  'Hi Alice,\r\n\r\nplease wire the amount below before noon.\r\n' +
  Array.from(
    { length: 50 },
    (_, i) => `Line ${String(i).padStart(2, '0')} of the instructions, padded out to a mail width.\r\n`,
  ).join('');

/** The reply the client saves in its Sent folder (APPEND): sent mail is evidence too. */
export const SENT_MESSAGE =
  'From: alice@corp.example\r\nTo: Mallory <m@evil.example>\r\nSubject: Re: Wire transfer today\r\n' +
  'Date: Wed, 25 Nov 2026 11:02:00 +0000\r\n\r\nDone, the amount left at 10:58.\r\n';

const HEADERS = IMAP_MESSAGE.slice(0, IMAP_MESSAGE.indexOf('\r\n\r\n') + 4);

export function imapPackets(): SynthPacket[] {
  const clock = { s: 1_700_004_000, ns: 0 };
  const a = new TcpConversation(CLIENT, WEB, 44000, 143, clock).handshake();
  const first: [boolean, string][] = [
    [false, '* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN] Dovecot ready.'],
    [true, 'a001 LOGIN alice wonderland'],
    [false, 'a001 OK [CAPABILITY IMAP4rev1 IDLE] Logged in'],
    [true, 'a002 SELECT INBOX'],
    [
      false,
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 1 EXISTS\r\n* 1 RECENT\r\n' +
        'a002 OK [READ-WRITE] Select completed.',
    ],
    [true, 'a003 UID FETCH 7 (UID RFC822.SIZE BODY.PEEK[])'],
    [
      false,
      `* 1 FETCH (UID 7 RFC822.SIZE ${IMAP_MESSAGE.length} BODY[] {${IMAP_MESSAGE.length}}\r\n${IMAP_MESSAGE})\r\n` +
        'a003 OK Fetch completed.',
    ],
    [true, 'a004 UID STORE 7 +FLAGS (\\Seen)'],
    [false, '* 1 FETCH (UID 7 FLAGS (\\Seen))\r\na004 OK Store completed.'],
    [true, 'a005 LOGOUT'],
    [false, '* BYE Logging out\r\na005 OK Logout completed.'],
  ];
  for (const [fromClient, line] of first) a.send(fromClient, `${line}\r\n`);
  a.close();
  const b = new TcpConversation(CLIENT, WEB, 44001, 143, clock, 1460, 2).handshake();
  const plain = Buffer.from('\0bob\0s3cr3t!', 'utf8').toString('base64');
  const second: [boolean, string][] = [
    [false, '* OK IMAP4rev1 ready'],
    [true, `b001 AUTHENTICATE PLAIN ${plain}`],
    [false, 'b001 OK Logged in'],
    [true, 'b002 EXAMINE "Sent Items"'],
    [false, '* 0 EXISTS\r\nb002 OK [READ-ONLY] Examine completed.'],
    [true, 'b003 FETCH 1 BODY.PEEK[HEADER]'],
    [false, `* 1 FETCH (BODY[HEADER] {${HEADERS.length}}\r\n${HEADERS})\r\nb003 OK Fetch completed.`],
    [true, 'b004 LOGOUT'],
    [false, '* BYE\r\nb004 OK Logout completed.'],
  ];
  for (const [fromClient, line] of second) b.send(fromClient, `${line}\r\n`);
  b.close();
  const c = new TcpConversation(CLIENT, WEB, 44002, 143, clock, 1460, 3).handshake();
  const b64 = (t: string) => Buffer.from(t, 'utf8').toString('base64');
  const third: [boolean, string][] = [
    [false, '* OK IMAP4rev1 ready'],
    [true, 'c001 AUTHENTICATE LOGIN'],
    [false, `+ ${b64('Username:')}`],
    [true, b64('carol')],
    [false, `+ ${b64('Password:')}`],
    [true, b64('pa55 word')],
    [false, 'c001 OK Logged in'],
    [true, 'c002 LOGOUT'],
    [false, '* BYE\r\nc002 OK Logout completed.'],
  ];
  for (const [fromClient, line] of third) c.send(fromClient, `${line}\r\n`);
  c.close();
  // A client keeping a copy of what it sent: APPEND to "Sent", the message as a literal after the server's "+".
  const d = new TcpConversation(CLIENT, WEB, 44003, 143, clock, 1460, 4).handshake();
  const fourth: [boolean, string][] = [
    [false, '* OK IMAP4rev1 ready'],
    [true, 'd001 LOGIN alice wonderland'],
    [false, 'd001 OK Logged in'],
    [true, `d002 APPEND Sent (\\Seen) {${SENT_MESSAGE.length}}`],
    [false, '+ Ready for literal data'],
    [true, SENT_MESSAGE],
    [false, 'd002 OK [APPENDUID 1 9] Append completed.'],
    [true, 'd003 LOGOUT'],
    [false, '* BYE\r\nd003 OK Logout completed.'],
  ];
  for (const [fromClient, line] of fourth) d.send(fromClient, `${line}\r\n`);
  d.close();
  return [...a.packets, ...b.packets, ...c.packets, ...d.packets];
}
