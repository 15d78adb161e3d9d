/**
 * A POP3 session for tests (RFC 1939): a login in the clear, STAT, and a RETR of a message big enough to span
 * several segments (its lines as mail has them, under 80 characters, one of them dot-stuffed), then QUIT.
 */
import { TcpConversation, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

/** The message the server holds, as the client receives it once unstuffed. */
export const POP_MESSAGE =
  'From: Mallory <m@evil.example>\r\nTo: alice@corp.example\r\nSubject: Invoice 2026\r\n' +
  'Date: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nPlease see the attached invoice.\r\n' +
  Array.from(
    { length: 60 },
    (_, i) => `Line ${String(i).padStart(2, '0')} of the invoice text, padded out to a mail width.\r\n`,
  ).join('') +
  '.hidden line that starts with a dot\r\n';

export function popPackets(): SynthPacket[] {
  const c = new TcpConversation(CLIENT, WEB, 43000, 110, { s: 1_700_003_000, ns: 0 }).handshake();
  // On the wire a line starting with "." gets another one, and the message ends with a "." line.
  const wire = `${POP_MESSAGE.replace(/^\./gm, '..')}.`;
  const dialogue: [boolean, string][] = [
    [false, '+OK POP3 server ready'],
    [true, 'USER alice'],
    [false, '+OK'],
    [true, 'PASS wonderland'],
    [false, '+OK Logged in.'],
    [true, 'STAT'],
    [false, `+OK 1 ${POP_MESSAGE.length}`],
    [true, 'RETR 1'],
    [false, `+OK ${POP_MESSAGE.length} octets\r\n${wire}`],
    [true, 'QUIT'],
    [false, '+OK Bye'],
  ];
  for (const [fromClient, line] of dialogue) c.send(fromClient, `${line}\r\n`);
  c.close();
  return c.packets;
}
