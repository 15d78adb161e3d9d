/** Locating the shared test corpus (../shared/corpus beside the repo) and its tshark oracle. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
export const hasCorpus = existsSync(join(CORPUS, 'oracle'));

/** Path of a capture by file name (gen/ first, then captures/wireshark/). */
export function capturePath(name: string): string {
  const gen = join(CORPUS, 'gen', name);
  return existsSync(gen) ? gen : join(CORPUS, 'captures', 'wireshark', name);
}

/** Names of captures that have an oracle folder with frames.tsv. */
export function oracleCaptures(): string[] {
  if (!hasCorpus) return [];
  return readdirSync(join(CORPUS, 'oracle'))
    .filter((n) => existsSync(join(CORPUS, 'oracle', n, 'frames.tsv')))
    .sort();
}

/** Rows of a tab-separated oracle file (header row becomes the keys). */
export function readTsv(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const head = lines[0].split('\t');
  return lines
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => {
      const cells = l.split('\t');
      return Object.fromEntries(head.map((h, i) => [h, cells[i] ?? '']));
    });
}

export function oracleFile(capture: string, file: string): string {
  return join(CORPUS, 'oracle', capture, file);
}

/** Every capture file in the corpus (pcap/pcapng, optionally .gz). */
export function allCaptures(): string[] {
  if (!hasCorpus) return [];
  const out: string[] = [];
  for (const dir of [join(CORPUS, 'gen'), join(CORPUS, 'captures', 'wireshark')]) {
    for (const f of readdirSync(dir).sort()) {
      if (/\.(pcap|pcapng|cap)(\.gz)?$|\.pcapng\.\d+$/.test(f)) out.push(join(dir, f));
    }
  }
  return out;
}

/** Protocol column values of the protocols we dissect. */
export const OURS = new Set([
  'ARP',
  'Inverse ARP',
  'RARP',
  'IPv4',
  'IPv6',
  'ICMP',
  'ICMPv6',
  'UDP',
  'TCP',
  'HTTP',
  'DNS',
  'MDNS',
  'LLMNR',
  'NTP',
  'DHCP',
  'VLAN',
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
  'SSL',
  'SSLv3',
  'WebSocket',
  'SSDP',
  'SMTP',
  'SMTP/IMF',
  '802.11',
  'EAP',
  'EAPOL',
  'QUIC',
  'HTTP3',
  'NBNS',
  'DHCPv6',
  'TFTP',
  'HSRP',
  'CDP',
  'STP',
  'FTP',
  'FTP-DATA',
  'POP',
  'POP/IMF',
  'IMAP',
  'IMAP/IMF',
  'SMB',
  'SMB2',
  'NBSS',
  'SIP',
  'SIP/SDP',
  'SSH',
  'SSHv2',
  'TELNET',
  'KRB5',
  'LDAP',
  'HTTP/JSON',
  'DB-LSP-DISC/JSON',
  'SNMP',
  'Syslog',
]);

/** The benchmark's capture generator (../shared/bench/gen_capture.py, python3 with dpkt). */
const GENERATOR = join(CORPUS, '..', 'bench', 'gen_capture.py');

export const hasGenerator =
  existsSync(GENERATOR) &&
  spawnSync('/usr/bin/python3', ['-c', 'import dpkt'], { stdio: 'ignore' }).status === 0;

/** Writes the benchmark's traffic mix (many interleaved conversations) of `packets` packets to `file`. */
export function generateMix(file: string, packets: number, seed: number): void {
  const g = spawnSync('/usr/bin/python3', [
    GENERATOR,
    '--packets',
    String(packets),
    '--seed',
    String(seed),
    '--out',
    file,
  ]);
  if (g.status !== 0) throw new Error(`gen_capture.py failed: ${String(g.stderr)}`);
}
