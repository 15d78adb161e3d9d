/**
 * Credentials sent in the clear (Wireshark's Tools › Credentials, `tshark -z credentials`): FTP's and POP3's USER
 * and PASS, HTTP Basic authorization (and Proxy-Authorization), SMTP AUTH PLAIN and AUTH LOGIN. Unlike tshark 4.0, the
 * base64 of HTTP and SMTP is decoded, AUTH PLAIN is found, and the password is given beside the username: what
 * an investigator needs, each with the packet it was in.
 */
import type { Dissection } from '../dissect/types.js';
import type { CaptureSession } from '../session/session.js';
import type { Credential } from '../api/types.js';
import { first, items, selectionOf } from './fields.js';

const FIELDS = [
  'tcp.stream',
  'ftp.request.command',
  'ftp.request.arg',
  'pop.request.command',
  'pop.request.parameter',
  'http.authorization',
  'http.proxy_authorization',
  'smtp.req.command',
  'smtp.req.parameter',
  'smtp.auth.username',
  'smtp.auth.password',
];

/** Base64 text as UTF-8 (invalid sequences as U+FFFD), or undefined when it is not base64. */
function unbase64(s: string): string | undefined {
  const t = s.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t) || t.length % 4 === 1) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}

/** Every credential of the capture, in frame order. */
export function findCredentials(session: CaptureSession, signal?: AbortSignal): Credential[] {
  const out: Credential[] = [];
  /** Per TCP stream: the username of an FTP USER or an SMTP AUTH LOGIN, waiting for its password. */
  const users = new Map<string, { name: string; frame: number }>();
  const scan = (d: Dissection) => {
    const n = d.frame.number;
    const stream = first(d, 'tcp.stream');
    // FTP and POP3 alike: USER, then PASS (tshark words their Info a little differently).
    for (const [proto, name, sep] of [
      ['ftp', 'FTP', ': '],
      ['pop', 'POP3', ' '],
    ] as const) {
      const command = first(d, `${proto}.request.command`);
      if (typeof command !== 'string') continue;
      const arg = String(first(d, proto === 'ftp' ? 'ftp.request.arg' : 'pop.request.parameter') ?? '');
      const cmd = command.toUpperCase();
      if (cmd === 'USER') users.set(`${proto} ${stream}`, { name: arg, frame: n });
      if (cmd !== 'PASS') continue;
      const user = users.get(`${proto} ${stream}`);
      out.push({
        frame: n,
        protocol: name,
        username: user?.name ?? '',
        password: arg,
        ...(user ? { usernameFrame: user.frame } : {}),
        info: user ? `Username in packet${sep}${user.frame}` : '',
      });
    }
    for (const field of ['http.authorization', 'http.proxy_authorization']) {
      for (const it of items(d, field)) {
        const m = /^Basic\s+(\S+)/i.exec(String(it.value));
        const decoded = m ? unbase64(m[1]) : undefined;
        if (decoded === undefined) continue;
        const colon = decoded.indexOf(':');
        out.push({
          frame: n,
          protocol: field === 'http.authorization' ? 'HTTP basic auth' : 'HTTP proxy basic auth',
          username: colon < 0 ? decoded : decoded.slice(0, colon),
          password: colon < 0 ? '' : decoded.slice(colon + 1),
          info: '',
        });
      }
    }
    const smtpCommands = items(d, 'smtp.req.command');
    const smtpParams = items(d, 'smtp.req.parameter');
    smtpCommands.forEach((c, i) => {
      if (String(c.value).toUpperCase() !== 'AUTH') return;
      const m = /^PLAIN\s+(\S+)/i.exec(String(smtpParams[i]?.value ?? ''));
      const decoded = m ? unbase64(m[1]) : undefined;
      if (decoded === undefined) return;
      // RFC 4616: authorization identity, NUL, authentication identity, NUL, password.
      const [, user = '', pass = ''] = decoded.split('\0');
      out.push({ frame: n, protocol: 'SMTP', username: user, password: pass, info: 'AUTH PLAIN' });
    });
    const smtpUser = first(d, 'smtp.auth.username');
    if (typeof smtpUser === 'string')
      users.set(`smtp ${stream}`, { name: unbase64(smtpUser) ?? smtpUser, frame: n });
    const smtpPass = first(d, 'smtp.auth.password');
    if (typeof smtpPass === 'string') {
      const user = users.get(`smtp ${stream}`);
      out.push({
        frame: n,
        protocol: 'SMTP',
        username: user?.name ?? '',
        password: unbase64(smtpPass) ?? smtpPass,
        ...(user ? { usernameFrame: user.frame } : {}),
        info: user ? `AUTH LOGIN, username in packet ${user.frame}` : 'AUTH LOGIN',
      });
    }
  };
  // One pass: frames the first pass has not reached yet get their first dissection here.
  session.scan(0, session.total, selectionOf(FIELDS), (_i, d) => scan(d), signal);
  return out;
}

/** The credentials as a table, tshark's columns (Packet, Protocol, Username, Info) with the password added. */
export function credentialsText(rows: readonly Credential[]): string {
  const line = '='.repeat(67);
  const cells = (c: readonly string[]) =>
    `${c[0].padEnd(10)} ${c[1].padEnd(22)} ${c[2].padEnd(16)} ${c[3].padEnd(16)} ${c[4]}`.trimEnd();
  const out = [
    line,
    cells(['Packet', 'Protocol', 'Username', 'Password', 'Info']),
    cells(['------', '--------', '--------', '--------', '----']),
  ];
  for (const r of rows) out.push(cells([String(r.frame), r.protocol, r.username, r.password, r.info]));
  out.push(line);
  return `${out.join('\n')}\n`;
}
