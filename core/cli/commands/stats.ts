import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs, UsageError, withSession, type CliIO, type Command } from '../command.js';
import { CaptureSession } from '../../session/session.js';
import { conversations, followStream, protocolHierarchy } from '../../stats/run.js';
import { formatConversations, formatEndpoints, type ConvType } from '../../stats/conversations.js';
import { formatFollow } from '../../stats/follow.js';
import { first, selectionOf } from '../../stats/fields.js';
import { formatIPv4 } from '../../fields/format.js';
import { credentialsText, findCredentials, hashcatFiles } from '../../stats/credentials.js';
import { writeNewSet } from '../../forensics/safe-write.js';
import { expertInfo, expertText } from '../../stats/expert.js';
import { hostsText, resolvedHosts } from '../../stats/hosts.js';
import { tlsHandshakes, tlsText } from '../../stats/tls.js';

const CONV_TYPES = ['eth', 'ip', 'ipv6', 'tcp', 'udp'];

function convType(v: string | undefined): ConvType {
  const t = v ?? 'ip';
  if (!CONV_TYPES.includes(t)) throw new UsageError(`--type must be one of ${CONV_TYPES.join(', ')}`);
  return t as ConvType;
}

/** `--json`: the value as JSON; otherwise its text. */
function asJsonOr(flags: ReadonlySet<string>, value: unknown, text: () => string): string {
  return flags.has('--json') ? `${JSON.stringify(value, null, 2)}\n` : text();
}

export const followCommand: Command = {
  name: 'follow',
  summary: 'follow a TCP, UDP, HTTP or TLS stream (like tshark -z follow)',
  usage:
    'Usage: wirelens follow FILE --stream N [--proto tcp|udp|http|tls] [--format ascii|text|hex|raw] [--out FILE]\n' +
    '  --proto tls   the decrypted application data of TCP stream N, a segment per TLS record (needs the\n' +
    "                session's secrets: the capture's own or --tls-keylog FILE)",
  async run(args, io) {
    const { options, positionals } = parseArgs(args, {
      options: ['--stream', '--proto', '--format', '--out'],
    });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const stream = Number(options.get('--stream') ?? '0');
    if (!Number.isInteger(stream) || stream < 0)
      throw new UsageError('--stream must be a stream index (0, 1, …)');
    const proto = options.get('--proto') ?? 'tcp';
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'http' && proto !== 'tls')
      throw new UsageError('--proto must be tcp, udp, http or tls');
    let format = options.get('--format') ?? 'ascii';
    if (format === 'text') format = 'ascii';
    if (format !== 'ascii' && format !== 'hex' && format !== 'raw')
      throw new UsageError('--format must be ascii, hex or raw');
    const r = await withSession(positionals[0], (s) => followStream(s, proto, stream));
    const out = options.get('--out');
    if (out) {
      writeFileSync(out, Buffer.concat(r.segments.map((x) => x.bytes)), { flag: 'wx' });
      io.out(
        `wrote ${r.segments.reduce((n, x) => n + x.bytes.length, 0)} bytes of ${proto} stream ${stream} to ${out}\n`,
      );
      return 0;
    }
    io.out(formatFollow(r, format));
    return 0;
  },
};

function pairs(s: CaptureSession, io: CliIO): void {
  // The course's script: one line per IPv4 packet.
  s.scan(0, s.total, selectionOf(['ip.src', 'ip.dst']), (_i, d) => {
    const src = first(d, 'ip.src');
    const dst = first(d, 'ip.dst');
    if (typeof src === 'number' && typeof dst === 'number')
      io.out(`[+] Src: ${formatIPv4(src)} --> Dst: ${formatIPv4(dst)}\n`);
  });
}

export const convCommand: Command = {
  name: 'conv',
  summary: 'conversations (eth, ip, ipv6, tcp, udp); --pairs prints "[+] Src: A --> Dst: B" per packet',
  usage: 'Usage: wirelens conv FILE [--type eth|ip|ipv6|tcp|udp] [--pairs] [--json]',
  async run(args, io) {
    const { flags, options, positionals } = parseArgs(args, {
      flags: ['--pairs', '--json'],
      options: ['--type'],
    });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const type = convType(options.get('--type'));
    await withSession(positionals[0], (s) => {
      if (flags.has('--pairs')) return pairs(s, io);
      const list = conversations(s, type).conversations();
      io.out(asJsonOr(flags, list, () => formatConversations(list, type)));
    });
    return 0;
  },
};

export const endpointsCommand: Command = {
  name: 'endpoints',
  summary: 'endpoints (eth, ip, ipv6, tcp, udp) with packets and bytes sent and received',
  usage: 'Usage: wirelens endpoints FILE [--type eth|ip|ipv6|tcp|udp] [--json]',
  async run(args, io) {
    const { flags, options, positionals } = parseArgs(args, { flags: ['--json'], options: ['--type'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const type = convType(options.get('--type'));
    await withSession(positionals[0], (s) => {
      const list = conversations(s, type).endpoints();
      io.out(asJsonOr(flags, list, () => formatEndpoints(list, type)));
    });
    return 0;
  },
};

export const hostsCommand: Command = {
  name: 'hosts',
  summary:
    'addresses the capture names: DNS/mDNS/LLMNR A and AAAA records, pcapng name records (like tshark -N d -z hosts)',
  usage:
    'Usage: wirelens hosts FILE [--ipv4|--ipv6] [--json]\n' +
    '  Every address an A or AAAA record of the capture (DNS, mDNS, LLMNR) names, with the last name it was\n' +
    "  given (a pcapng file's Name Resolution Blocks name addresses too, where they stand among the packets),\n" +
    '  in hosts-file form like tshark -N d -q -z hosts (IPv4 first, each in the order first named); --json adds\n' +
    '  the packet each name came from.',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { flags: ['--ipv4', '--ipv6', '--json'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    if (flags.has('--ipv4') && flags.has('--ipv6'))
      throw new UsageError('--ipv4 and --ipv6 exclude each other');
    const family = flags.has('--ipv4') ? 4 : flags.has('--ipv6') ? 6 : undefined;
    const hosts = await withSession(positionals[0], (s) => resolvedHosts(s).list(family));
    io.out(asJsonOr(flags, hosts, () => hostsText(hosts, positionals[0])));
    return 0;
  },
};

export const expertCommand: Command = {
  name: 'expert',
  summary:
    'expert information: errors, warnings, notes, chats and comments by protocol (like tshark -q -z expert)',
  usage:
    'Usage: wirelens expert FILE [--json]\n' +
    '  Every expert item of the packets (malformed data, retransmissions, resets, checksum errors, requests and\n' +
    '  responses, packet comments) counted by severity, group, protocol and summary, as tshark -q -z expert\n' +
    '  prints them; --json adds the packets each one is in.',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { flags: ['--json'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const entries = await withSession(positionals[0], (s) => expertInfo(s).list());
    io.out(asJsonOr(flags, entries, () => expertText(entries)));
    return 0;
  },
};

export const phsCommand: Command = {
  name: 'phs',
  summary: 'protocol hierarchy statistics (like tshark -q -z io,phs)',
  usage: 'Usage: wirelens phs FILE',
  async run(args, io) {
    const { positionals } = parseArgs(args, {});
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    io.out(await withSession(positionals[0], (s) => protocolHierarchy(s).format()));
    return 0;
  },
};

export const credentialsCommand: Command = {
  name: 'credentials',
  summary:
    'credentials sent in the clear: FTP, POP3, IMAP, HTTP Basic, SMTP AUTH, Telnet, LDAP, SNMP, web logins; NTLMv2, Kerberos and SNMPv3 hashes (like tshark -z credentials, decoded)',
  usage:
    'Usage: wirelens credentials FILE [--json] [--hashcat DIR]\n' +
    '  Logins sent in the clear (FTP and POP3 USER/PASS, IMAP LOGIN and AUTHENTICATE, HTTP Basic and\n' +
    '  Proxy-Authorization, SMTP AUTH PLAIN and LOGIN, Telnet logins typed after the prompts, LDAP simple\n' +
    '  binds, SNMP communities, and the password fields of login forms, query strings and JSON bodies) as\n' +
    "  tshark's table of packet, protocol, username and info, with the password added and base64 decoded;\n" +
    "  NTLMSSP logins (SMB2) with their NTLMv2 response, Kerberos's RC4 AS-REPs and service tickets and AES\n" +
    "  pre-authentication, and SNMPv3's HMACs, in hashcat's form (-m 5600, 18200, 13100, 19800, 19900; SNMPv3\n" +
    '  25000, and 26700/26800/26900/27300 for the SHA-2 HMACs); an SNMPv3 HMAC the agent refused is marked.\n' +
    '  --hashcat DIR writes the hashes for hashcat, one file per mode (DIR/hashcat-m5600.txt, …; refused ones\n' +
    '  in hashcat-mN-refused.txt), never replacing a file already there.',
  async run(args, io) {
    const { positionals, flags, options } = parseArgs(args, { flags: ['--json'], options: ['--hashcat'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const rows = await withSession(positionals[0], (s) => findCredentials(s));
    io.out(asJsonOr(flags, rows, () => credentialsText(rows)));
    const dir = options.get('--hashcat');
    if (dir !== undefined) {
      if (dir === '') throw new UsageError('--hashcat needs a folder');
      mkdirSync(dir, { recursive: true });
      for (const f of hashcatFiles(rows)) {
        // Never over an earlier file: hashcat-m5600(1).txt, … beside it.
        const [path] = writeNewSet(dir, f.name, [{ ext: '.txt', data: f.text }]);
        io.err(`wrote ${path}\n`);
      }
    }
    return 0;
  },
};

export const tlsCommand: Command = {
  name: 'tls',
  summary:
    'TLS handshakes: client, server, SNI, ALPN, JA3/JA3S, version, cipher suite, certificate subject and issuer',
  usage:
    'Usage: wirelens tls FILE [--json]\n' +
    '  One entry per TLS handshake (over TCP or QUIC): who opened it to whom, the server name and protocols the\n' +
    '  client asked for and its JA3 fingerprint, the version and cipher suite the server chose and its JA3S, and\n' +
    "  the server certificate's subject, issuer and validity (a TLS 1.3 certificate is encrypted: give the keys\n" +
    '  with --tls-keylog). --json: the same as objects, with the filter for each session.',
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, { flags: ['--json'] });
    if (positionals.length !== 1) throw new UsageError('expected one capture FILE');
    const list = await withSession(positionals[0], (s) => tlsHandshakes(s));
    io.out(asJsonOr(flags, list, () => tlsText(list)));
    return 0;
  },
};
