/**
 * Logins in the clear for tests: an HTTP request with Basic authorization, and an SMTP session that
 * authenticates twice (AUTH PLAIN, then AUTH LOGIN), each answered as a server would.
 */
import { TcpConversation, type SynthPacket } from './synth.js';
import { CLIENT, WEB } from './scenarios.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export function loginPackets(): SynthPacket[] {
  const clock = { s: 1_700_002_000, ns: 0 };
  const http = new TcpConversation(CLIENT, WEB, 42000, 80, clock).handshake();
  http.send(
    true,
    `GET /admin/ HTTP/1.1\r\nHost: intranet.example\r\nAuthorization: Basic ${b64('bob:hunter2')}\r\n\r\n`,
  );
  http.send(false, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok');
  http.close();
  const smtp = new TcpConversation(CLIENT, WEB, 42001, 25, clock).handshake();
  const dialogue: [boolean, string][] = [
    [false, '220 mail.example ESMTP'],
    [true, 'EHLO pc'],
    [false, '250-mail.example\r\n250 AUTH LOGIN PLAIN'],
    [true, `AUTH PLAIN ${b64('\0carol\0pa55')}`],
    [false, '235 2.7.0 Authentication successful'],
    [true, 'AUTH LOGIN'],
    [false, `334 ${b64('Username:')}`],
    [true, b64('dave')],
    [false, `334 ${b64('Password:')}`],
    [true, b64('d4ve!')],
    [false, '235 2.7.0 Authentication successful'],
    [true, 'QUIT'],
    [false, '221 2.0.0 Bye'],
  ];
  for (const [fromClient, line] of dialogue) smtp.send(fromClient, `${line}\r\n`);
  smtp.close();
  return [...http.packets, ...smtp.packets].sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec);
}
