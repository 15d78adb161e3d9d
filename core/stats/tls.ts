/**
 * Statistics › TLS Handshakes: one row per TLS handshake (per ClientHello; a session whose ClientHello the
 * capture missed starts at the server's first message), over TCP or QUIC: client and server, the server name
 * and protocols the client asked for, its JA3 fingerprint, the version and cipher suite the server chose, its
 * JA3S, and the server certificate's subject, issuer and validity — what an investigator matches against threat
 * intelligence and certificate logs. Values are the dissection's fields, as `tshark -T fields` gives them.
 */
import type { TlsHandshake } from '../api/types.js';
import type { Dissection, Item } from '../dissect/types.js';
import { formatIPv4, formatIPv6 } from '../fields/format.js';
import type { TimeValue } from '../fields/registry.js';
import { CIPHER_SUITES, VERSIONS } from '../protocols/tls-names.js';
import { rdnSummary } from '../protocols/x509.js';
import type { CaptureSession } from '../session/session.js';
import { items, selectionOf } from './fields.js';

const FIELDS = [
  'tcp.stream',
  'udp.stream',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'tls.handshake.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.extensions_alpn_str',
  'tls.handshake.ja3',
  'tls.handshake.ja3_full',
  'tls.handshake.ja3s',
  'tls.handshake.version',
  'tls.handshake.extensions.supported_version',
  'tls.handshake.ciphersuite',
  'x509if.rdnSequence',
  'x509af.utcTime',
  'x509af.generalizedTime',
];
const SELECTION = selectionOf(FIELDS);

const text = (d: Dissection, f: string): string => {
  const v = items(d, f)[0]?.value;
  return typeof v === 'string' ? v : '';
};
const lastNumber = (d: Dissection, f: string): number | undefined => {
  const v = items(d, f).at(-1)?.value;
  return typeof v === 'number' ? v : undefined;
};

/** "10.0.0.1:51000" / "[2001:db8::1]:443" for the frame's source or destination. */
function endpoint(d: Dissection, side: 'src' | 'dst', transport: 'tcp' | 'udp'): string {
  const port = lastNumber(d, `${transport}.${side}port`);
  const v4 = items(d, `ip.${side}`).at(-1)?.value;
  const v6 = items(d, `ipv6.${side}`).at(-1)?.value;
  const host =
    typeof v4 === 'number' ? formatIPv4(v4) : v6 instanceof Uint8Array ? `[${formatIPv6(v6)}]` : '';
  return port === undefined ? host : `${host}:${port}`;
}

/** A certificate time: utcTime as Wireshark prints it ("2026-12-03 11:16:59 (UTC)"), generalizedTime alike. */
function timeText(it: Item): string {
  if (typeof it.value === 'string') return it.value;
  const d = new Date((it.value as TimeValue).s * 1000);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} (UTC)`;
}

function blank(frame: number, filter: string, client: string, server: string): TlsHandshake {
  return {
    frame,
    filter,
    client,
    server,
    sni: '',
    alpn: '',
    ja3: '',
    ja3Full: '',
    version: '',
    cipherSuite: '',
    ja3s: '',
    subject: '',
    issuer: '',
    notBefore: '',
    notAfter: '',
  };
}

export class TlsHandshakes {
  private readonly rows: TlsHandshake[] = [];
  /** The handshake in progress on each session (by its filter). */
  private readonly open = new Map<string, TlsHandshake>();

  add(d: Dissection): void {
    const types = items(d, 'tls.handshake.type').map((it) => it.value);
    if (types.length === 0) return;
    const tcp = items(d, 'tcp.stream').at(-1)?.value;
    const udp = items(d, 'udp.stream').at(-1)?.value;
    const transport = typeof tcp === 'number' ? 'tcp' : typeof udp === 'number' ? 'udp' : undefined;
    if (!transport) return;
    const filter = `${transport}.stream == ${transport === 'tcp' ? tcp : udp}`;
    const src = endpoint(d, 'src', transport);
    const dst = endpoint(d, 'dst', transport);
    let row = this.open.get(filter);
    if (types.includes(1)) {
      row = blank(d.frame.number, filter, src, dst);
      row.sni = text(d, 'tls.handshake.extensions_server_name');
      row.alpn = items(d, 'tls.handshake.extensions_alpn_str')
        .map((it) => it.value)
        .join(',');
      row.ja3 = text(d, 'tls.handshake.ja3');
      row.ja3Full = text(d, 'tls.handshake.ja3_full');
      this.open.set(filter, row);
      this.rows.push(row);
    }
    const server = types.includes(2) || types.includes(11);
    if (!server) return;
    if (!row) {
      row = blank(d.frame.number, filter, dst, src);
      this.open.set(filter, row);
      this.rows.push(row);
    }
    if (types.includes(2)) {
      row.ja3s = text(d, 'tls.handshake.ja3s');
      const v =
        lastNumber(d, 'tls.handshake.extensions.supported_version') ?? lastNumber(d, 'tls.handshake.version');
      if (v !== undefined) row.version = VERSIONS.get(v) ?? `0x${v.toString(16).padStart(4, '0')}`;
      const s = lastNumber(d, 'tls.handshake.ciphersuite');
      if (s !== undefined) row.cipherSuite = CIPHER_SUITES.get(s) ?? `0x${s.toString(16).padStart(4, '0')}`;
    }
    // The first certificate is the server's own: its issuer and subject come first, then its validity.
    const names = items(d, 'x509if.rdnSequence');
    if (types.includes(11) && !row.subject && names.length >= 2) {
      row.issuer = rdnSummary(names[0]);
      row.subject = rdnSummary(names[1]);
      const times = [...items(d, 'x509af.utcTime'), ...items(d, 'x509af.generalizedTime')]
        .sort((a, b) => a.src - b.src || a.off - b.off)
        .slice(0, 2);
      row.notBefore = times[0] ? timeText(times[0]) : '';
      row.notAfter = times[1] ? timeText(times[1]) : '';
    }
  }

  list(): TlsHandshake[] {
    return this.rows;
  }
}

export function tlsHandshakes(session: CaptureSession, signal?: AbortSignal): TlsHandshake[] {
  const t = new TlsHandshakes();
  session.scan(0, session.total, SELECTION, (_i, d) => t.add(d), signal);
  return t.list();
}

/** The handshakes as `wirelens tls` prints them: a block each. */
export function tlsText(list: readonly TlsHandshake[]): string {
  const lines = [`TLS handshakes: ${list.length}`];
  for (const h of list) {
    lines.push(`#${h.frame}  ${h.client} → ${h.server}  (${h.filter})`);
    const pair = (a: string, b: string) => [a, b].filter(Boolean).join('  ');
    const add = (label: string, value: string) => value && lines.push(`    ${label.padEnd(12)}${value}`);
    add('SNI', h.sni);
    add('ALPN', h.alpn);
    add('Version', pair(h.version, h.cipherSuite));
    add('JA3', h.ja3);
    add('JA3S', h.ja3s);
    add('Subject', h.subject);
    add('Issuer', h.issuer);
    add('Valid', h.notBefore || h.notAfter ? `${h.notBefore} – ${h.notAfter}` : '');
  }
  return `${lines.join('\n')}\n`;
}
