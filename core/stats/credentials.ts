/**
 * Credentials sent in the clear (Wireshark's Tools › Credentials, `tshark -z credentials`): FTP's and POP3's USER
 * and PASS, HTTP Basic authorization (and Proxy-Authorization), SMTP AUTH PLAIN and AUTH LOGIN, IMAP LOGIN and
 * AUTHENTICATE PLAIN and LOGIN, logins typed over Telnet (a keystroke a packet, after the server's prompts), LDAP
 * simple binds, SNMP communities, and web logins (login forms, query strings and JSON bodies with a password
 * field; see web-logins.ts); and what can be cracked offline, in hashcat's form: NTLMSSP logins (SMB2) with their
 * NTLMv2 response, Kerberos's RC4 AS-REPs and service tickets and AES pre-authentication timestamps, SNMPv3
 * users' HMACs. Unlike tshark 4.0, the base64 of HTTP, SMTP and IMAP is decoded, AUTH PLAIN and AUTHENTICATE are
 * found, IMAP's quoted strings are read as such (tshark cuts a character off each end of any LOGIN password),
 * and the password is given beside the username: what an investigator needs, each with the packet it was in.
 */
import type { Dissection } from '../dissect/types.js';
import type { CaptureSession } from '../session/session.js';
import type { Credential } from '../api/types.js';
import { first, items, selectionOf } from './fields.js';
import { displayText } from '../fields/text.js';
import { smbState } from '../protocols/l7-smb.js';
import { telnetLogins } from '../protocols/l7-telnet.js';
import { kerberosHashes } from '../protocols/l7-kerberos.js';
import { ldapBinds } from '../protocols/l7-ldap.js';
import { WEB_LOGIN_FIELDS, webLogins } from './web-logins.js';
import { snmpLogins } from '../protocols/l7-snmp.js';

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
  'imap.request',
  ...WEB_LOGIN_FIELDS,
];

/** Base64 text as UTF-8 (invalid sequences as U+FFFD), or undefined when it is not base64. */
function unbase64(s: string): string | undefined {
  const t = s.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(t) || t.length % 4 === 1) return undefined;
  return Buffer.from(t, 'base64').toString('utf8');
}

/** The first `n` astrings of an IMAP command's arguments (RFC 3501: an atom, or a quoted string with \\ escapes). */
function astrings(s: string, n: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < n && i < s.length) {
    while (s[i] === ' ') i++;
    if (i >= s.length) break;
    if (s[i] === '"') {
      let v = '';
      for (i++; i < s.length && s[i] !== '"'; i++) v += s[i] === '\\' && i + 1 < s.length ? s[++i] : s[i];
      out.push(v);
      i++;
    } else {
      const end = s.indexOf(' ', i) < 0 ? s.length : s.indexOf(' ', i);
      out.push(s.slice(i, end));
      i = end;
    }
  }
  return out;
}

/** An IMAP AUTHENTICATE waiting for the client's base64 lines (the server asked with "+"). */
interface ImapAuth {
  mechanism: 'PLAIN' | 'LOGIN';
  /** AUTHENTICATE LOGIN: the username once sent, and its packet. */
  user?: { name: string; frame: number };
}

/** RFC 4616: authorization identity, NUL, authentication identity, NUL, password. */
function plainParts(decoded: string): { username: string; password: string } {
  const [, username = '', password = ''] = decoded.split('\0');
  return { username, password };
}

/**
 * IMAP's logins, read from its request lines one at a time: LOGIN, and AUTHENTICATE PLAIN or LOGIN with the
 * client's base64 answers on the command line (SASL-IR) or on the lines after the server's "+".
 */
function imapLogins(out: Credential[]): (frame: number, stream: unknown, line: string) => void {
  /** Per TCP stream: an AUTHENTICATE whose client lines are still to come. */
  const pending = new Map<unknown, ImapAuth>();
  return (n, key, line) => {
    const auth = pending.get(key);
    if (auth) {
      // The client's answer to the server's "+" (or "*", which cancels).
      const decoded = unbase64(line);
      if (decoded === undefined) pending.delete(key);
      else if (auth.mechanism === 'PLAIN') {
        pending.delete(key);
        out.push({ frame: n, protocol: 'IMAP', ...plainParts(decoded), info: 'AUTHENTICATE PLAIN' });
      } else if (!auth.user) auth.user = { name: decoded, frame: n };
      else {
        pending.delete(key);
        out.push({
          frame: n,
          protocol: 'IMAP',
          username: auth.user.name,
          password: decoded,
          usernameFrame: auth.user.frame,
          info: `AUTHENTICATE LOGIN, username in packet ${auth.user.frame}`,
        });
      }
      return;
    }
    const m = /^\S+ +(LOGIN|AUTHENTICATE) *(.*)$/i.exec(line);
    if (!m) return;
    const [, command, args] = m;
    if (command.toUpperCase() === 'LOGIN') {
      const [username = '', password = ''] = astrings(args, 2);
      out.push({ frame: n, protocol: 'IMAP', username, password, info: '' });
      return;
    }
    const [mechanism = '', initial] = args.split(/ +/);
    const mech = mechanism.toUpperCase();
    if (mech !== 'PLAIN' && mech !== 'LOGIN') return;
    // SASL-IR (RFC 4959): the first answer on the command line itself ("=" for an empty one).
    const decoded = initial && initial !== '=' ? unbase64(initial) : undefined;
    if (mech === 'PLAIN' && decoded !== undefined)
      out.push({ frame: n, protocol: 'IMAP', ...plainParts(decoded), info: 'AUTHENTICATE PLAIN' });
    else
      pending.set(
        key,
        mech === 'PLAIN'
          ? { mechanism: 'PLAIN' }
          : { mechanism: 'LOGIN', ...(decoded === undefined ? {} : { user: { name: decoded, frame: n } }) },
      );
  };
}

/** Every credential of the capture, in frame order. */
export function findCredentials(session: CaptureSession, signal?: AbortSignal): Credential[] {
  const out: Credential[] = [];
  /** Per TCP stream: the username of an FTP USER or an SMTP AUTH LOGIN, waiting for its password. */
  const users = new Map<string, { name: string; frame: number }>();
  const imapLine = imapLogins(out);
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
      out.push({ frame: n, protocol: 'SMTP', ...plainParts(decoded), info: 'AUTH PLAIN' });
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
    for (const it of items(d, 'imap.request')) imapLine(n, stream, String(it.value));
    out.push(...webLogins(d));
  };

  // One pass: frames the first pass has not reached yet get their first dissection here.
  session.scan(0, session.total, selectionOf(FIELDS), (_i, d) => scan(d), signal);
  // NTLMSSP logins (SMB2's Session Setup) are kept by the first pass, with the challenge they answer.
  for (const l of smbState({ state: session.captureState }).logins)
    out.push({
      frame: l.frame,
      protocol: 'NTLMSSP',
      username: l.domain ? `${l.domain}\\${l.user}` : l.user,
      password: '',
      info: l.hash ? 'NTLMv2 response (hashcat -m 5600)' : 'NTLMv1 response',
      ...(l.hash ? { hash: l.hash } : {}),
    });
  // Telnet logins: typed after the server's prompts, a keystroke a packet (followed by the first pass).
  for (const l of telnetLogins({ state: session.captureState }))
    out.push({
      frame: l.frame,
      protocol: 'Telnet',
      username: l.user,
      password: l.password,
      usernameFrame: l.userFrame,
      info: `Username in packet ${l.userFrame}${l.rejected ? ', rejected by the server' : ''}`,
      ...(l.rejected ? { rejected: true } : {}),
    });
  // LDAP simple binds: the DN and its password in the clear.
  for (const b of ldapBinds({ state: session.captureState }))
    out.push({
      frame: b.frame,
      protocol: 'LDAP',
      username: b.name,
      password: b.password,
      info: b.rejected ? 'simple bind, refused by the server (invalidCredentials)' : 'simple bind',
      ...(b.rejected ? { rejected: true } : {}),
    });
  // SNMP: v1/v2c communities (once per manager and agent) and authenticated SNMPv3 users' HMACs.
  for (const l of snmpLogins({ state: session.captureState }))
    out.push(
      l.version === 'v3'
        ? {
            frame: l.frame,
            protocol: 'SNMPv3',
            username: l.user,
            password: '',
            info: `${l.auth} (hashcat -m ${l.mode})${l.rejected ? ', refused by the agent (wrong digest)' : ''}`,
            ...(l.hash ? { hash: l.hash } : {}),
            ...(l.rejected ? { rejected: true } : {}),
          }
        : {
            frame: l.frame,
            protocol: 'SNMP',
            username: '',
            password: l.user,
            info: l.trap
              ? `${l.version} community of a trap`
              : l.answered
                ? `${l.version} community, answered by the agent`
                : `${l.version} community, no answer (a wrong community, or no agent)`,
          },
    );
  // Kerberos: what can be cracked offline (RC4 AS-REPs and service tickets, AES pre-authentication).
  for (const h of kerberosHashes({ state: session.captureState }))
    out.push({
      frame: h.frame,
      protocol: 'Kerberos',
      username: h.user,
      password: '',
      info: h.rejected ? `${h.what}; refused by the KDC (a wrong password)` : h.what,
      hash: h.hash,
      ...(h.rejected ? { rejected: true } : {}),
    });
  return out.sort((a, b) => a.frame - b.frame);
}

/** The credentials as a table, tshark's columns (Packet, Protocol, Username, Info) with the password added. */
export function credentialsText(rows: readonly Credential[]): string {
  const line = '='.repeat(67);
  // What a capture holds is shown safe (a password sent with its CR LF stays on its line, escaped).
  const cells = (raw: readonly string[]) => {
    const c = raw.map(displayText);
    return `${c[0].padEnd(10)} ${c[1].padEnd(22)} ${c[2].padEnd(16)} ${c[3].padEnd(16)} ${c[4]}`.trimEnd();
  };
  const out = [
    line,
    cells(['Packet', 'Protocol', 'Username', 'Password', 'Info']),
    cells(['------', '--------', '--------', '--------', '----']),
  ];
  for (const r of rows) out.push(cells([String(r.frame), r.protocol, r.username, r.password, r.info]));
  out.push(line);
  const hashes = rows.filter((r) => r.hash !== undefined);
  if (hashes.length)
    out.push(
      'Hashes to crack offline (hashcat, the mode as in Info):',
      ...hashes.map((r) => `${r.frame}: ${displayText(r.hash ?? '')}`),
    );
  return `${out.join('\n')}\n`;
}

/**
 * The hashes to crack, one file's text per hashcat mode (the mode Info names): `m5600` holds every NTLMv2
 * response, and so on; hashes the server refused (a wrong password tried) go to `m…-refused`, apart.
 */
export function hashcatFiles(rows: readonly Credential[]): { name: string; text: string }[] {
  const files = new Map<string, string[]>();
  for (const r of rows) {
    const mode = /hashcat -m (\d+)/.exec(r.info)?.[1];
    if (r.hash === undefined || !mode) continue;
    const name = `hashcat-m${mode}${r.rejected ? '-refused' : ''}`;
    const list = files.get(name) ?? [];
    list.push(r.hash);
    files.set(name, list);
  }
  return [...files].map(([name, hashes]) => ({ name, text: `${hashes.join('\n')}\n` }));
}
